import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { can, permissionTableMarkdown } from './permissions';

describe('permission table', () => {
  it('is printed in the README exactly as in the code', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('<!-- permissions:start -->');
    const end = readme.indexOf('<!-- permissions:end -->');
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start + '<!-- permissions:start -->'.length, end).trim()).toBe(
      permissionTableMarkdown(),
    );
  });

  it('keeps the roles apart as the design says', () => {
    expect(can('viewer', 'lead:read')).toBe(true);
    expect(can('viewer', 'lead:write')).toBe(false);
    expect(can('viewer', 'interaction:read-confidential')).toBe(false);
    expect(can('company', 'partner:write')).toBe(false);
    expect(can('company', 'lead:update')).toBe(true);
    expect(can('company', 'interaction:read')).toBe(false);
    expect(can('staff', 'user:create')).toBe(false);
    expect(can('admin', 'record:purge')).toBe(true);
    expect(can('staff', 'record:purge')).toBe(false);
  });
});

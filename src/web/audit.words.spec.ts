import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS, actionLabel } from './audit.words';

/** Every `.ts` file under src/ but the tests. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the audit log page names every action', () => {
  // An audited action is written as `action: '…'` in the entry handed to AuditService.
  const written = new Set(
    sources(join(__dirname, '..'))
      .filter((file) => !file.endsWith('data-source.ts')) // runMigrations({ transaction: 'each' })
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/\baction: '([a-zA-Z._-]+)'/g)].map((m) => m[1]),
      ),
  );

  it('lists each action written in src/ (else it shows as its raw code)', () => {
    expect(written.size).toBeGreaterThan(20);
    expect([...written].filter((action) => !ACTIONS.includes(action)).sort()).toEqual([]);
  });

  it('has German and English words for each', () => {
    for (const action of ACTIONS) {
      for (const locale of ['de', 'en'] as const) {
        const label = actionLabel(locale, action);
        expect(typeof label === 'string' && label.length > 0 && !label.includes('_')).toBe(true);
        expect(label).not.toBe(action);
      }
    }
  });
});

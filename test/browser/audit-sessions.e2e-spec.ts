/**
 * One's sessions and the admins' audit log in a browser. A staff user signed in here and by the
 * API sees both sessions, this one marked, and ends the other: its token is refused at once. The
 * admin filters the audit log by a record and reads a change (field, before, after) in German and
 * English; both pages fit 390 px.
 */
import type { Page } from 'playwright-core';
import { apiClient } from '../helpers/api';
import type { TestApp } from '../helpers/app';
import { login, Session } from '../helpers/auth';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
jest.setTimeout(120_000);
const { consoleLines, newPage } = useBrowser((a) => (app = a));

async function noOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect({ url: page.url(), overflow }).toEqual({ url: page.url(), overflow: 0 });
}

const sidOf = (s: Session): string =>
  (JSON.parse(Buffer.from(s.accessToken.split('.')[1], 'base64url').toString()) as { sid: string })
    .sid;

describeInBrowser('sessions and the audit log', () => {
  it('lists this browser’s session and an API one; ending the other refuses its token at once', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test', width: 390 });
    const res = await app.http
      .post('/api/v1/auth/login')
      .set('User-Agent', 'curl/8.5.0')
      .send({ email: 'staff@liaison.test', password: 'liaison-demo' });
    expect(res.status).toBe(200);
    const api = res.body as Session;
    const auth = { Authorization: `Bearer ${api.accessToken}` };
    const sid = sidOf(api);

    await page.goto(`${app.url}/profile`);
    await Promise.all([page.waitForURL(/\/account\/sessions$/), page.click('#sessions-link')]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Angemeldete Sitzungen');
    const current = page.locator('tr[aria-current="true"]');
    await expect(current.count()).resolves.toBe(1);
    await expect(current.locator('td.primary').textContent()).resolves.toContain(
      'Chrome unter Linux',
    );
    await expect(current.locator('#current-session').textContent()).resolves.toBe('diese Sitzung');
    await expect(current.locator('button').count()).resolves.toBe(0);
    const other = page.locator(`#session-${sid}`);
    await expect(other.locator('td.primary').textContent()).resolves.toContain('curl');
    await expect(other.textContent()).resolves.toContain('API');
    await noOverflow(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sessions-390-de');

    expect((await app.http.get('/api/v1/auth/me').set(auth)).status).toBe(200);
    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL(/done=ended/), page.click(`#end-${sid}`)]);
    await expect(page.locator('#flash').textContent()).resolves.toContain(
      'Die Sitzung ist beendet.',
    );
    await expect(page.locator(`#session-${sid}`).count()).resolves.toBe(0);
    await expect(page.locator('tr[aria-current="true"]').count()).resolves.toBe(1);
    expect((await app.http.get('/api/v1/auth/me').set(auth)).status).toBe(401);
  });

  it('filters the audit log by a record and shows its change readably, in German and English', async () => {
    const admin = await login(app, 'admin@liaison.test', 'liaison-demo');
    const api = apiClient(app, admin);
    const made = await api.post('/api/v1/companies', {
      name: 'Protokoll Alt GmbH',
      city: 'Solingen',
    });
    expect(made.status).toBe(201);
    const id = (made.body as { id: string }).id;
    expect(
      (await api.patch(`/api/v1/companies/${id}`, { name: 'Protokoll Neu GmbH', city: null }))
        .status,
    ).toBe(200);
    // A long value, shortened on the page.
    await app.db.query(
      `INSERT INTO audit_events (actor_id, action, entity, entity_id, changes)
       VALUES ($1, 'update', 'company', $2, $3)`,
      [admin.user.id, id, JSON.stringify({ notes: { before: null, after: 'x'.repeat(400) } })],
    );

    const page = await newPage({ signIn: 'admin@liaison.test', width: 1280 });
    await page.goto(`${app.url}/companies/${id}`);
    await Promise.all([page.waitForURL(/\/admin\/audit\?/), page.click('#history')]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Protokoll');
    await expect(page.locator('#list > tbody > tr:not(.count)').count()).resolves.toBe(3);

    // The same view by the filter form: record kind and id.
    await page.goto(`${app.url}/admin/audit`);
    await page.selectOption('#filter-entity', 'company');
    await page.fill('#filter-entityId', id);
    await Promise.all([
      page.waitForURL(/entityId=/),
      page.click('form.filters button[type=submit]'),
    ]);
    const rows = page.locator('#list > tbody > tr:not(.count)');
    await expect(rows.count()).resolves.toBe(3);
    const change = rows.nth(1);
    await expect(change.locator('.action').textContent()).resolves.toBe('geändert');
    await expect(change.locator('a.actor').textContent()).resolves.toBe(
      (await app.db.query(`SELECT display_name FROM users WHERE id = $1`, [admin.user.id])).rows[0]
        .display_name,
    );
    await expect(change.locator('a.record').getAttribute('href')).resolves.toBe(`/companies/${id}`);
    await expect(change.locator('table.changes thead').textContent()).resolves.toMatch(
      /Feld\s*Vorher\s*Nachher/,
    );
    const name = change.locator('tr[data-field="name"]');
    await expect(name.locator('.before').textContent()).resolves.toBe('Protokoll Alt GmbH');
    await expect(name.locator('.after').textContent()).resolves.toBe('Protokoll Neu GmbH');
    const city = change.locator('tr[data-field="city"]');
    await expect(city.locator('.before').textContent()).resolves.toBe('Solingen');
    await expect(city.locator('.after').textContent()).resolves.toBe('–');
    const long = rows.nth(0).locator('tr[data-field="notes"] .after');
    expect(((await long.textContent()) ?? '').length).toBeLessThan(100);
    await expect(page.locator('#audit-csv').getAttribute('href')).resolves.toContain(
      `entityId=${id}`,
    );
    expect(await seriousViolations(page)).toEqual([]);

    await page.setViewportSize({ width: 390, height: 900 });
    await page.reload();
    await noOverflow(page);
    await screenshot(page, 'audit-390-de');

    // In English.
    await app.db.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [admin.user.id]);
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.reload();
      await expect(page.locator('h1').textContent()).resolves.toBe('Audit log');
      const en = page.locator('#list > tbody > tr:not(.count)').nth(1);
      await expect(en.locator('.action').textContent()).resolves.toBe('changed');
      await expect(en.locator('table.changes thead').textContent()).resolves.toMatch(
        /Field\s*Before\s*After/,
      );
      await expect(en.locator('tr[data-field="name"] .after').textContent()).resolves.toBe(
        'Protokoll Neu GmbH',
      );
      await expect(en.locator('td[data-label="Record"] a').textContent()).resolves.toBe('Company');
      await screenshot(page, 'audit-1280-en');
    } finally {
      await app.db.query(`UPDATE users SET locale = 'de' WHERE id = $1`, [admin.user.id]);
    }
    expect(consoleLines).toEqual([]);
  });
});

/**
 * The admins' Jobs page and Outbox in a browser. The demo app runs without SMTP, so the mail a new
 * lead for DOVO causes is kept in the outbox: the admin finds it there, at 390 px in German and
 * on a desktop in English, and reads it. A mail whose HTML carries a script is shown without the
 * script running or anything loading from elsewhere; staff see neither page.
 */
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { login, Session } from '../helpers/auth';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
let admin: Session;
jest.setTimeout(120_000);
const { consoleLines, newPage } = useBrowser((a) => (app = a));

let kept: { id: string; subject: string; recipient: string };
let evilId: string;

async function noOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect({ url: page.url(), overflow }).toEqual({ url: page.url(), overflow: 0 });
}

describeInBrowser('the Jobs page and the Outbox', () => {
  beforeAll(async () => {
    admin = await login(app, 'admin@liaison.test', 'liaison-demo');
    const companies = await app.http.get('/api/v1/companies?q=DOVO').set(admin.auth);
    const dovo = (companies.body as { items: { id: string }[] }).items[0];
    const lead = await app.http
      .post('/api/v1/leads')
      .set(admin.auth)
      .send({ companyId: dovo.id, title: 'Rasiermesser für Hangzhou' });
    expect(lead.status).toBe(201);
    for (let i = 0; i < 100; i++) {
      const { rows } = await app.db.query(
        `SELECT id, subject, recipient FROM mails
         WHERE subject LIKE '%Rasiermesser für Hangzhou' AND state = 'kept' LIMIT 1`,
      );
      if (rows.length) {
        kept = rows[0];
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(kept).toBeDefined();
    // A mail's HTML that tries to run a script and to load from elsewhere.
    const { rows } = await app.db.query(
      `INSERT INTO mails (kind, recipient, locale, subject, text_body, html_body, state)
       VALUES ('lead-note', 'someone@example.org', 'en', 'Mail with a script', 'Plain words',
         '<!doctype html><html><body><p id="shown" style="color:#1d4f91">Shown safely</p>
          <script>document.body.insertAdjacentHTML(''beforeend'', ''<p id="ran">ran</p>'')</script>
          <img src="https://evil.example.org/pixel.png" alt="">
          <img src="x" onerror="document.body.insertAdjacentHTML(''beforeend'', ''<p id=ran>ran</p>'')">
          </body></html>', 'kept')
       RETURNING id`,
    );
    evilId = rows[0].id;
  });

  it('at 390 px in German: the queues, the outbox with its note and badges, a mail', async () => {
    const page = await newPage({ signIn: 'admin@liaison.test', width: 390 });
    await page.goto(`${app.url}/admin/jobs`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Hintergrundaufgaben');
    await expect(page.locator('#queue-mail').isVisible()).resolves.toBe(true);
    expect(
      Number(await page.locator('#queue-mail .count-completed').textContent()),
    ).toBeGreaterThan(0);
    await expect(page.locator('#no-failed').textContent()).resolves.toBe(
      'Keine fehlgeschlagene Aufgabe.',
    );
    await noOverflow(page);
    await screenshot(page, 'admin-jobs-390-de');

    await page.goto(`${app.url}/admin/outbox`);
    await expect(page.locator('#no-smtp').textContent()).resolves.toContain(
      'nicht versendet, sondern hier im Postausgang aufbewahrt',
    );
    const row = page.locator(`#row-${kept.id}`);
    await expect(row.locator('.badge').textContent()).resolves.toBe('im Postausgang');
    await noOverflow(page);
    await screenshot(page, 'admin-outbox-390-de');
    // The filter keeps the view in the URL.
    await page.selectOption('#filter-state', 'failed');
    await Promise.all([
      page.waitForURL(/state=failed/),
      page.click('.filters button[type=submit]'),
    ]);
    await expect(page.locator(`#row-${kept.id}`).count()).resolves.toBe(0);

    await page.goto(`${app.url}/admin/outbox?q=Hangzhou`);
    await Promise.all([
      page.waitForURL(new RegExp(`/admin/outbox/${kept.id}$`)),
      page.click(`#row-${kept.id} a`),
    ]);
    await expect(page.locator('#mail-subject').textContent()).resolves.toBe(kept.subject);
    await expect(page.locator('#mail-recipient').textContent()).resolves.toBe(kept.recipient);
    await expect(page.locator('#mail-text').textContent()).resolves.toContain(
      'Rasiermesser für Hangzhou',
    );
    const frame = page.frameLocator('#mail-html');
    await expect(frame.locator('a', { hasText: 'In Liaison öffnen' }).isVisible()).resolves.toBe(
      true,
    );
    await expect(page.locator('#resend').count()).resolves.toBe(0);
    await noOverflow(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-mail-390-de');
  });

  it('on a desktop in English: a script in a mail does not run, nothing loads from elsewhere', async () => {
    await app.db.query(`UPDATE users SET locale = 'en' WHERE email = 'admin@liaison.test'`);
    const page = await newPage({ signIn: 'admin@liaison.test', locale: 'en-GB' });
    const elsewhere: string[] = [];
    // A request the CSP blocks never gets an answer; one that went out would.
    page.on('response', (r) => {
      if (!r.url().startsWith(app.url)) elsewhere.push(r.url());
    });
    await page.goto(`${app.url}/admin/outbox`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Outbox');
    await expect(page.locator(`#row-${kept.id} .badge`).textContent()).resolves.toBe(
      'in the outbox',
    );
    await expect(page.locator('nav a[href="/admin/jobs"]').textContent()).resolves.toBe('Jobs');

    await page.goto(`${app.url}/admin/outbox/${evilId}`);
    const frame = page.frameLocator('#mail-html');
    await expect(frame.locator('#shown').textContent()).resolves.toBe('Shown safely');
    await page.waitForTimeout(500);
    await expect(frame.locator('#ran').count()).resolves.toBe(0);
    expect(elsewhere).toEqual([]);
    expect(await page.locator('#mail-html').getAttribute('sandbox')).toBe('');
    // Opened on its own, the document is sandboxed by its CSP all the same.
    const own = await app.http
      .get(`/admin/outbox/${evilId}/html`)
      .set(
        'Cookie',
        (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; '),
      );
    expect(own.status).toBe(200);
    expect(own.headers['content-security-policy']).toMatch(/sandbox/);
    expect(own.headers['content-security-policy']).not.toMatch(/script-src/);
    await screenshot(page, 'admin-mail-1280-en');

    await page.goto(`${app.url}/admin/jobs`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Background jobs');
    await noOverflow(page);
  });

  it('is not for staff: no menu entry, a 403 page', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await expect(page.locator('nav a[href="/admin/outbox"]').count()).resolves.toBe(0);
    for (const path of [
      '/admin/jobs',
      '/admin/outbox',
      `/admin/outbox/${kept.id}`,
      `/admin/outbox/${kept.id}/html`,
    ])
      expect({ path, status: (await page.request.get(`${app.url}${path}`)).status() }).toEqual({
        path,
        status: 403,
      });
  });

  afterAll(() => {
    // The blocked script of the one mail that carries one is reported by the browser; nothing else.
    expect(consoleLines.filter((line) => !line.includes(evilId))).toEqual([]);
  });
});

import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { login, Session } from '../helpers/auth';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
let admin: Session;
jest.setTimeout(120_000);
/** The restricted contact's page, opened by staff on purpose. */
const EXPECTED_STATUS = /Failed to load resource: the server responded with a status of 404/;
const { consoleLines, newPage } = useBrowser((a) => (app = a), {
  counts: (m) =>
    (m.type() === 'error' || m.type() === 'warning') && !EXPECTED_STATUS.test(m.text()),
});

async function noOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect({ url: page.url(), overflow }).toEqual({ url: page.url(), overflow: 0 });
}

const contact = async (familyName: string) => {
  const res = await app.http
    .post('/api/v1/contacts')
    .set(admin.auth)
    .send({ familyName, givenName: 'Petra', legalBasis: { basis: 'public_task' } });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number };
};
const setLocale = (email: string, locale: 'de' | 'en') =>
  app.db.query('UPDATE users SET locale = $2 WHERE email = $1', [email, locale]);
const dayAfter = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describeInBrowser('restriction, objection and the retention review in a browser', () => {
  beforeAll(async () => {
    admin = await login(app, 'admin@liaison.test', 'liaison-demo');
  });
  afterEach(async () => {
    expect(consoleLines.splice(0)).toEqual([]);
    await setLocale('admin@liaison.test', 'de');
    await setLocale('staff@liaison.test', 'de');
  });

  it('staff restrict a contact from its page and it is gone; an admin sees it marked and lifts it', async () => {
    const made = await contact('Einschränkungstest');
    const staff = await newPage({ signIn: 'staff@liaison.test' });
    await staff.goto(`${app.url}/contacts/${made.id}`);
    expect(await staff.locator('#privacy h2').innerText()).toBe('Datenschutz');
    expect(await staff.locator('#legal-basis').innerText()).toContain('Öffentliche');
    expect(await staff.locator('#personal-data').getAttribute('href')).toBe(
      `/contacts/${made.id}/personal-data`,
    );
    expect(await seriousViolations(staff)).toEqual([]);

    // An objection first: recorded and shown, the contact stays.
    await staff.click('#privacy summary:has-text("Widerspruch erfassen")');
    await staff.fill('#objection-note', 'Keine Werbung');
    await Promise.all([
      staff.waitForURL(/done=objectedDone/),
      staff.click('#object-form button[type=submit]'),
    ]);
    expect(await staff.locator('#flash').innerText()).toContain('Widerspruch ist erfasst');
    expect(await staff.locator('#objection').innerText()).toContain('Keine Werbung');

    await staff.click('#privacy summary:has-text("Verarbeitung einschränken")');
    await staff.fill('#restriction-reason-input', 'Richtigkeit bestritten');
    await Promise.all([
      staff.waitForURL(/\/contacts\?done=restrictedDone/),
      staff.click('#restrict-form button[type=submit]'),
    ]);
    expect(await staff.locator('#flash').innerText()).toContain('eingeschränkt');
    await staff.goto(`${app.url}/contacts?q=Einschr%C3%A4nkungstest`);
    expect(await staff.locator('#empty').count()).toBe(1);
    expect((await staff.goto(`${app.url}/contacts/${made.id}`))?.status()).toBe(404);

    await setLocale('admin@liaison.test', 'en');
    const page = await newPage({ signIn: 'admin@liaison.test', width: 390 });
    await page.goto(`${app.url}/contacts?restricted=true`);
    const row = page.locator(`#row-${made.id}`);
    expect(await row.innerText()).toContain('restricted');
    await noOverflow(page);
    await Promise.all([
      page.waitForURL(new RegExp(`/contacts/${made.id}$`)),
      row.locator(`a[href="/contacts/${made.id}"]`).click(),
    ]);
    expect(await page.locator('h1').innerText()).toContain('(restricted)');
    expect(await page.locator('#restricted-badge').innerText()).toBe('restricted');
    expect(await page.locator('#restriction-reason').innerText()).toBe('Richtigkeit bestritten');
    expect(await page.locator('#privacy h2').innerText()).toBe('Privacy');
    await noOverflow(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'contact-restricted-390');
    await Promise.all([
      page.waitForURL(/done=liftedDone/),
      page.click('#lift-restriction button[type=submit]'),
    ]);
    expect(await page.locator('#flash').innerText()).toContain('restriction is lifted');
    expect(await page.locator('#restricted-badge').count()).toBe(0);

    await staff.goto(`${app.url}/contacts?q=Einschr%C3%A4nkungstest`);
    expect(await staff.locator(`#row-${made.id}`).count()).toBe(1);
  });

  it.each([
    ['de', 'Aufbewahrung prüfen', 'Die Aufbewahrung ist verlängert.'],
    ['en', 'Retention review', 'Retention is extended.'],
  ] as const)(
    'shows a contact due for review and extends it (%s, 390 px)',
    async (locale, title, extended) => {
      const made = await contact(`Ruhig${locale}`);
      await app.db.query(
        `UPDATE contacts SET updated_at = now() - interval '40 months' WHERE id = $1`,
        [made.id],
      );
      await setLocale('staff@liaison.test', locale);
      const page = await newPage({ signIn: 'staff@liaison.test', width: 390 });
      await page.goto(`${app.url}/`);
      await page.click('#menu-toggle');
      await Promise.all([
        page.waitForURL(/\/privacy\/retention$/),
        page.click('#main-nav a[href="/privacy/retention"]'),
      ]);
      expect(await page.locator('h1').innerText()).toBe(title);
      await Promise.all([page.waitForURL(/done=ranDone/), page.click('#run-review-now')]);
      const due = page.locator(`tr:has(a[href="/contacts/${made.id}"])`);
      expect(await due.count()).toBe(1);
      expect(await due.innerText()).toContain(`Petra Ruhig${locale}`);
      expect(await due.locator(`#erase-${made.id}`).getAttribute('href')).toBe(
        `/contacts/${made.id}/personal-data#erase`,
      );
      await noOverflow(page);
      expect(await seriousViolations(page)).toEqual([]);
      await due.locator(`#extend-${made.id} summary`).click();
      await page.fill(`#until-${made.id}`, dayAfter(60));
      await page.fill(`#reason-${made.id}`, 'Laufendes Projekt');
      await noOverflow(page);
      await screenshot(page, `retention-extend-${locale}-390`);
      await Promise.all([
        page.waitForURL(/done=extendedDone/),
        due.locator('form button[type=submit]').click(),
      ]);
      expect(await page.locator('#flash').innerText()).toBe(extended);
      expect(await page.locator(`tr:has(a[href="/contacts/${made.id}"])`).count()).toBe(0);
    },
  );
});

import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { login, Session } from '../helpers/auth';
import { TestSmtp } from '../helpers/smtp';
import { describeInBrowser, useBrowser } from './browser';

let app: TestApp;
let staff: Session;
let smtp: TestSmtp;
jest.setTimeout(180_000);
beforeAll(async () => {
  smtp = await TestSmtp.start();
});
afterAll(() => smtp.stop());
const { consoleLines, newPage } = useBrowser((a) => (app = a), {
  env: () => ({ SMTP_URL: smtp.url }),
});

const bellCount = async (page: Page) =>
  (await page.locator('#bell-count').count())
    ? Number(await page.locator('#bell-count').textContent())
    : 0;
const noOverflow = async (page: Page) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(
    0,
  );

describeInBrowser('notifications and mail preferences in a browser', () => {
  let dovoId: string;
  let dovoUserId: string;
  const newLead = async (title: string) => {
    const res = await app.http
      .post('/api/v1/leads')
      .set(staff.auth)
      .send({ companyId: dovoId, title });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    staff = await login(app, 'staff@liaison.test', 'liaison-demo');
    dovoId = (
      await app.db.query<{ id: string }>(`SELECT id FROM companies WHERE name = 'DOVO Stahlwaren'`)
    ).rows[0].id;
    dovoUserId = (
      await app.db.query<{ id: string }>(`SELECT id FROM users WHERE email = 'dovo@liaison.test'`)
    ).rows[0].id;
  });

  it('shows DOVO the bell, the list and the lead, at 390 px in German', async () => {
    const page = await newPage({ signIn: 'dovo@liaison.test', width: 390 });
    const before = await bellCount(page);
    const id = await newLead('Rasiermesser für Guangzhou');
    await page.goto(`${app.url}/`);
    expect(await bellCount(page)).toBe(before + 1);
    expect(await page.locator('#bell').getAttribute('aria-label')).toBe(
      `Benachrichtigungen: ${before + 1} ungelesen`,
    );
    await noOverflow(page);

    await Promise.all([page.waitForURL(/\/notifications$/), page.click('#bell')]);
    const line = page.locator('#notices li.unread', { hasText: 'Rasiermesser für Guangzhou' });
    await expect(line.textContent()).resolves.toContain(
      'Neuer Lead für DOVO Stahlwaren: Rasiermesser für Guangzhou',
    );
    await noOverflow(page);
    await Promise.all([page.waitForURL(new RegExp(`/leads/${id}$`)), line.locator('a').click()]);
    await expect(page.locator('h1').textContent()).resolves.toContain('Rasiermesser für Guangzhou');
    expect(await bellCount(page)).toBe(before);
    await page.goto(`${app.url}/notifications`);
    expect(
      await page.locator('#notices li.read', { hasText: 'Rasiermesser für Guangzhou' }).count(),
    ).toBe(1);
  });

  it('turns the digest off and on in the preferences, linked from the profile', async () => {
    const page = await newPage({ signIn: 'dovo@liaison.test', width: 390 });
    await page.goto(`${app.url}/profile`);
    await Promise.all([
      page.waitForURL(/\/profile\/notifications$/),
      page.click('#mail-preferences'),
    ]);
    await noOverflow(page);
    expect(await page.isChecked('#f-digest')).toBe(true);
    await page.uncheck('#f-digest');
    await Promise.all([
      page.waitForURL(/saved=1/),
      page.click('#preferences-form button[type=submit]'),
    ]);
    await expect(page.locator('#flash').textContent()).resolves.toContain('Gespeichert');
    expect(await page.isChecked('#f-digest')).toBe(false);
    expect(await page.isChecked('#f-lead-created')).toBe(true);
    const off = await app.db.query('SELECT mail_off FROM users WHERE id = $1', [dovoUserId]);
    expect(off.rows[0].mail_off).toEqual(['digest']);
    await page.check('#f-digest');
    await Promise.all([
      page.waitForURL(/saved=1/),
      page.click('#preferences-form button[type=submit]'),
    ]);
    expect(await page.isChecked('#f-digest')).toBe(true);
    const on = await app.db.query('SELECT mail_off FROM users WHERE id = $1', [dovoUserId]);
    expect(on.rows[0].mail_off).toEqual([]);
  });

  it('works on a desktop in English, and marks all read', async () => {
    await app.db.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [dovoUserId]);
    const page = await newPage({ signIn: 'dovo@liaison.test', width: 1280, locale: 'en-GB' });
    await newLead('Scissors for Xiamen');
    await page.goto(`${app.url}/`);
    expect(await bellCount(page)).toBeGreaterThan(0);
    expect(await page.locator('#bell').getAttribute('aria-label')).toMatch(
      /^Notifications: \d+ unread$/,
    );
    await page.click('#bell');
    await page.waitForURL(/\/notifications$/);
    await expect(
      page.locator('#notices li.unread', { hasText: 'Scissors for Xiamen' }).textContent(),
    ).resolves.toContain('New lead for DOVO Stahlwaren: Scissors for Xiamen');
    await Promise.all([page.waitForURL(/\/notifications$/), page.click('#read-all')]);
    expect(await bellCount(page)).toBe(0);
    expect(await page.locator('#notices li.unread').count()).toBe(0);
    await noOverflow(page);
    await page.goto(`${app.url}/profile/notifications`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Email preferences');
    await app.db.query(`UPDATE users SET locale = 'de' WHERE id = $1`, [dovoUserId]);
  });

  it('printed nothing to the console', () => {
    expect(consoleLines).toEqual([]);
  });
});

import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { login, Session } from '../helpers/auth';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
let admin: Session;
jest.setTimeout(120_000);
/** A lost race the test asks for on purpose. */
const EXPECTED_STATUS = /Failed to load resource: the server responded with a status of 409/;
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

const contact = async (body: Record<string, unknown>) => {
  const res = await app.http.post('/api/v1/contacts').set(admin.auth).send(body);
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number };
};

/** Opens the merge page of the pair holding `name` from the list of possible duplicates. */
async function openPair(page: Page, name: string): Promise<void> {
  await page.goto(`${app.url}/contacts`);
  await Promise.all([page.waitForURL(/\/contacts\/duplicates$/), page.click('#duplicates-link')]);
  const pair = page.locator('#duplicates li', { hasText: name }).first();
  await Promise.all([
    page.waitForURL(/\/contacts\/[0-9a-f-]{36}\/merge\/[0-9a-f-]{36}$/),
    pair.locator('a.button').click(),
  ]);
}

describeInBrowser('possible duplicates and their merge in a browser', () => {
  beforeAll(async () => {
    admin = await login(app, 'admin@liaison.test', 'liaison-demo');
  });
  afterEach(() => {
    expect(consoleLines.splice(0)).toEqual([]);
  });

  it('finds 李宁 beside Li Ning and merges them, taking one field from the other record', async () => {
    const kept = await contact({ familyName: 'Li', givenName: 'Ning', phone: '0171 7654321' });
    const other = await contact({ nativeName: '李宁', email: 'li.ning@example.cn' });
    await app.http
      .post('/api/v1/follow-ups')
      .set(admin.auth)
      .send({ title: 'Angebot nachfassen', contactId: other.id })
      .expect(201);

    const page = await newPage({ signIn: 'staff@liaison.test' });
    await openPair(page, 'Li Ning');
    expect(await page.locator('h1').innerText()).toContain('Zusammenführen');
    expect(await page.locator('.merge-links').innerText()).toMatch(/Wiedervorlagen: 1/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'merge-contacts');
    // Whichever of the two the list put first is kept; the e-mail is taken from the other one.
    const keptId = page.url().split('/')[4];
    await page
      .locator('#field-email label', { hasText: 'li.ning@example.cn' })
      .locator('input')
      .check();
    expect(await page.locator('#field-email input:checked').getAttribute('value')).toBe(
      keptId === kept.id ? 'other' : 'kept',
    );
    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL(/\?flash=merged$/), page.click('#merge')]);
    expect(await page.locator('#flash').innerText()).toContain('Zusammengeführt');
    expect(await page.locator('dl.facts').innerText()).toContain('li.ning@example.cn');
    const gone = keptId === kept.id ? other.id : kept.id;
    const { rows } = await app.db.query<{ merged_into_id: string }>(
      'SELECT merged_into_id FROM contacts WHERE id = $1 AND deleted_at IS NOT NULL',
      [gone],
    );
    expect(rows).toEqual([{ merged_into_id: keptId }]);
  });

  it('hides a pair marked "not a duplicate"', async () => {
    await contact({ familyName: 'Guo', givenName: 'Jing', city: 'Peking' });
    await contact({ familyName: 'Guo', givenName: 'Jing', city: 'Hangzhou' });
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/contacts/duplicates`);
    const pair = page.locator('#duplicates li', { hasText: 'Guo' });
    await expect(pair.count()).resolves.toBe(1);
    await Promise.all([
      page.waitForURL(/flash=notDuplicate/),
      pair.locator('.not-duplicate').click(),
    ]);
    expect(await page.locator('#flash').innerText()).toContain('kein Duplikat');
    await expect(page.locator('#duplicates li', { hasText: 'Guo' }).count()).resolves.toBe(0);
  });

  it('shows the merge page again when a record changed meanwhile', async () => {
    await contact({ familyName: 'Zhao', givenName: 'Lei', email: 'zhao.lei@example.cn' });
    const second = await contact({ nativeName: '赵磊', city: 'Suzhou' });
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await openPair(page, 'Zhao');
    // Someone else changes one of the two behind the page's back.
    await app.http
      .patch(`/api/v1/contacts/${second.id}`)
      .set(admin.auth)
      .set('If-Match', `"${second.version}"`)
      .send({ city: 'Wuxi' })
      .expect(200);
    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('#merge'),
    ]);
    expect(await page.locator('#merge-stale').innerText()).toContain('inzwischen geändert');
    expect(await page.locator('#field-city').innerText()).toContain('Wuxi');
    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL(/\?flash=merged$/), page.click('#merge')]);
  });

  it('reads in English and fits a phone: no overflow, no serious axe finding', async () => {
    await app.db.query(`UPDATE users SET locale = 'en' WHERE email = 'staff@liaison.test'`);
    try {
      await contact({ familyName: 'Sun', givenName: 'Mingyuan', wechatId: 'sunmy-suzhou-2024' });
      await contact({ familyName: 'Sun', givenName: 'M.', wechatId: 'sunmy-suzhou-2024' });
      const page = await newPage({ signIn: 'staff@liaison.test', width: 390 });
      await page.goto(`${app.url}/contacts/duplicates`);
      expect(await page.locator('h1').innerText()).toContain('Possible duplicates');
      expect(await page.locator('#duplicates').innerText()).toContain('WeChat ID');
      await noOverflow(page);
      expect(await seriousViolations(page)).toEqual([]);
      await openPair(page, 'Mingyuan');
      expect(await page.locator('#merge').innerText()).toBe('Merge');
      await noOverflow(page);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'merge-contacts-phone');
      for (const kind of ['companies', 'partners']) {
        await page.goto(`${app.url}/${kind}/duplicates`);
        expect(await page.locator('h1').innerText()).toContain('Possible duplicates');
        await noOverflow(page);
      }
    } finally {
      await app.db.query(`UPDATE users SET locale = 'de' WHERE email = 'staff@liaison.test'`);
    }
  });
});

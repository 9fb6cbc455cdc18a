import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { login, Session } from '../helpers/auth';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
let admin: Session;
jest.setTimeout(120_000);
const { consoleLines, newPage } = useBrowser((a) => (app = a));

async function noOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect({ url: page.url(), overflow }).toEqual({ url: page.url(), overflow: 0 });
}

describeInBrowser('a contact’s personal data and its erasure in a browser', () => {
  let contactId: string;

  beforeAll(async () => {
    admin = await login(app, 'admin@liaison.test', 'liaison-demo');
    const res = await app.http
      .post('/api/v1/contacts')
      .set(admin.auth)
      .send({
        familyName: 'Dongfang',
        givenName: 'Ruoxi',
        nativeName: '东方若曦',
        email: 'ruoxi.dongfang@example.cn',
        phone: '+86 21 5555 0101',
        notes: 'Eine sehr lange Notiz ohne Leerzeichen: '.concat('x'.repeat(200)),
      });
    expect(res.status).toBe(201);
    contactId = res.body.id as string;
    await app.http
      .post('/api/v1/follow-ups')
      .set(admin.auth)
      .send({ title: 'Dongfang Ruoxi anrufen', contactId })
      .expect(201);
  });
  afterEach(() => {
    expect(consoleLines.splice(0)).toEqual([]);
  });

  it('shows the personal data in English, with the JSON to download', async () => {
    await app.db.query(`UPDATE users SET locale = 'en' WHERE email = 'admin@liaison.test'`);
    try {
      const page = await newPage({ signIn: 'admin@liaison.test', locale: 'en-GB' });
      await page.goto(`${app.url}/contacts/${contactId}`);
      await Promise.all([page.waitForURL(/\/personal-data$/), page.click('#personal-data')]);
      expect(await page.locator('h1').innerText()).toBe('Personal data of Dongfang Ruoxi 东方若曦');
      expect(await page.locator('#record').innerText()).toContain('ruoxi.dongfang@example.cn');
      expect(await page.locator('#follow-ups').innerText()).toContain('Dongfang Ruoxi anrufen');
      expect(await page.locator('#places').innerText()).toMatch(/follow_ups\s+contact_id\s+1/);
      expect(await page.locator('form#erase button').innerText()).toBe('Erase for good');
      expect(await seriousViolations(page)).toEqual([]);
      const href = await page.locator('#download-json').getAttribute('href');
      const json = await page.evaluate(async (url) => {
        const res = await fetch(url!);
        return { type: res.headers.get('content-type'), body: (await res.json()) as unknown };
      }, href);
      expect(json.type).toMatch(/^application\/json/);
      expect(json.body).toMatchObject({ contact: { id: contactId, familyName: 'Dongfang' } });
    } finally {
      await app.db.query(`UPDATE users SET locale = 'de' WHERE email = 'admin@liaison.test'`);
    }
  });

  it('erases the person after the confirmation, at 390 px, in German', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test', width: 390 });
    await page.goto(`${app.url}/contacts/${contactId}/personal-data`);
    expect(await page.locator('h1').innerText()).toContain('Personenbezogene Daten von');
    await noOverflow(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'personal-data-390');
    // Without the checkbox the browser refuses the form; the server would too.
    expect(await page.locator('#erase-confirm').getAttribute('required')).not.toBeNull();
    await page.check('#erase-confirm');
    await Promise.all([page.waitForURL(/\/contacts\?done=erased$/), page.click('#erase-button')]);
    expect(await page.locator('#flash').innerText()).toContain('Die Person wurde gelöscht');
    await noOverflow(page);
    const gone = await app.db.query('SELECT 1 FROM contacts WHERE id = $1', [contactId]);
    expect(gone.rowCount).toBe(0);
    const res = await page.goto(`${app.url}/contacts/${contactId}/personal-data`);
    expect(res?.status()).toBe(404);
    consoleLines.splice(0);
  });

  it('shows a stale version again instead of erasing, and no link to those who may not', async () => {
    const res = await app.http
      .post('/api/v1/contacts')
      .set(admin.auth)
      .send({ familyName: 'Späterer', givenName: 'Stand' });
    const id = res.body.id as string;
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/contacts/${id}/personal-data`);
    await app.http
      .patch(`/api/v1/contacts/${id}`)
      .set(admin.auth)
      .set('If-Match', '"1"')
      .send({ city: 'Kunming' })
      .expect(200);
    await page.check('#erase-confirm');
    await page.click('#erase-button');
    await page.waitForSelector('#erase-stale');
    expect(await page.locator('#record').innerText()).toContain('Kunming');
    consoleLines.splice(0);

    const viewer = await newPage({ signIn: 'viewer@liaison.test' });
    await viewer.goto(`${app.url}/contacts/${id}`);
    expect(await viewer.locator('#personal-data').count()).toBe(0);
    const refused = await viewer.goto(`${app.url}/contacts/${id}/personal-data`);
    expect(refused?.status()).toBe(403);
    consoleLines.splice(0);
  });
});

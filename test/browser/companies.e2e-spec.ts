import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
/** A refused form (400) or a lost race (409) the test asks for on purpose. */
const EXPECTED_STATUS = /Failed to load resource: the server responded with a status of (400|409)/;
const { consoleLines, newPage } = useBrowser((a) => (app = a), {
  counts: (m) =>
    (m.type() === 'error' || m.type() === 'warning') && !EXPECTED_STATUS.test(m.text()),
});

const RECORD = /\/companies\/[0-9a-f-]{36}(\?.*)?$/;
const facts = (page: Page) => page.locator('dl.facts').innerText();

/** Waits until `check` holds (up to 10 s). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (const started = Date.now(); !(await check());) {
    if (Date.now() - started > 10_000) throw new Error(`not within 10 s: ${String(check)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function submit(page: Page, url: RegExp | string) {
  await Promise.all([page.waitForURL(url), page.click('#record-form button[type=submit]')]);
}

describeInBrowser('companies in a browser', () => {
  afterEach(() => {
    const lines = consoleLines.splice(0);
    expect(lines).toEqual([]);
  });

  it('takes a company through create, edit, a lost race, delete, undo and restore', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/companies`);
    await page.click('#new-record');
    // A refusal of the API is shown beside its field, in German, by the field's label.
    await page.fill('#f-name', 'Klingenwerk Solingen GmbH');
    await page.selectOption('#f-country', 'DE');
    await page.fill('#f-branchCountries', 'CN, XX');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('#record-form button[type=submit]'),
    ]);
    expect(await page.locator('#errors').innerText()).toContain('Niederlassungen im Ausland');
    expect(await page.locator('#f-branchCountries-error').innerText()).toMatch(/Ländercode/);
    expect(await page.inputValue('#f-name')).toBe('Klingenwerk Solingen GmbH');
    await page.fill('#f-branchCountries', 'CN, US');
    await page.fill('#f-industry', 'Schneidwaren');
    await submit(page, RECORD);
    expect(await page.locator('#flash').innerText()).toContain('Angelegt');
    expect(await facts(page)).toContain('China, Vereinigte Staaten');
    await screenshot(page, 'company-created');
    const url = page.url().split('?')[0];

    // Two people edit at once: the second one's save meets the first one's change.
    const other = await newPage({ signIn: 'admin@liaison.test' });
    await other.goto(`${url}/edit`);
    await page.goto(`${url}/edit`);
    await other.fill('#f-industry', 'Messer und Scheren');
    await submit(other, RECORD);
    await page.fill('#f-city', 'Solingen');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('#record-form button[type=submit]'),
    ]);
    const stale = await page.locator('#stale').innerText();
    expect(stale).toContain('Jemand anderes hat diesen Datensatz inzwischen geändert');
    expect(await page.locator('#stale tr[data-field="industry"] td.theirs').innerText()).toBe(
      'Messer und Scheren',
    );
    expect(await page.locator('#stale tr[data-field="city"] td.yours').innerText()).toBe(
      'Solingen',
    );
    await screenshot(page, 'company-conflict');
    // Re-applying sends this user's change only: the other person's industry stays.
    await submit(page, RECORD);
    const after = await facts(page);
    expect(after).toContain('Messer und Scheren');
    expect(after).toContain('Solingen');

    await Promise.all([page.waitForURL(/\/companies\?flash=deleted/), page.click('#delete')]);
    expect(await page.locator('#list').innerText()).not.toContain('Klingenwerk');
    await Promise.all([page.waitForURL(/flash=restored/), page.click('#undo')]);
    expect(await page.locator('h1').innerText()).toBe('Klingenwerk Solingen GmbH');

    await Promise.all([page.waitForURL(/flash=deleted/), page.click('#delete')]);
    await page.click('#show-deleted');
    const row = page.locator('#list tr', { hasText: 'Klingenwerk' });
    await Promise.all([page.waitForURL(/flash=restored/), row.locator('button.restore').click()]);
    expect(await page.locator('#flash').innerText()).toContain('Wiederhergestellt');
  });

  it('sorts and filters in the URL, in English too', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/companies?sort=-name`);
    const names = await page.locator('#list td.primary').allInnerTexts();
    expect(names.length).toBeGreaterThan(2);
    expect([names[0], names.at(-1)]).toEqual(['Zwilling', 'DOVO Stahlwaren']);
    await page.selectOption('#filter-branchCountry', 'JP');
    await Promise.all([page.waitForURL(/branchCountry=JP/), page.click('.filters button')]);
    expect(page.url()).toContain('sort=-name');
    expect(await page.locator('#list td.primary').allInnerTexts()).toEqual(['Zwilling']);

    await app.db.query(`UPDATE users SET locale = 'en' WHERE email = 'viewer@liaison.test'`);
    const viewer = await newPage({ signIn: 'viewer@liaison.test' });
    await viewer.goto(`${app.url}/companies`);
    expect(await viewer.locator('thead').innerText()).toMatch(/Company.*Industry/s);
    expect(await viewer.locator('#new-record').count()).toBe(0);
    await viewer.locator('#list a', { hasText: 'Zwilling' }).click();
    expect(await facts(viewer)).toContain('China, United States');
    expect(await viewer.locator('#edit, #delete').count()).toBe(0);
  });

  it('makes one company of a form sent twice, or sent again after its answer was lost', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test', width: 390 });
    const named = async (name: string) => {
      const rows = await app.db.query('SELECT id FROM companies WHERE name = $1', [name]);
      return rows.rowCount;
    };

    // A double click: the second post leaves while the first is still on its way.
    await page.goto(`${app.url}/companies/new`);
    await page.fill('#f-name', 'Doppelklick GmbH');
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
    await page.evaluate(() => {
      const form = document.querySelector<HTMLFormElement>('#record-form')!;
      form.requestSubmit();
      setTimeout(() => form.requestSubmit(), 30);
    });
    await until(() => RECORD.test(page.url()));
    await page.waitForLoadState();
    expect(posts.length).toBe(2);
    expect(await page.locator('h1').innerText()).toBe('Doppelklick GmbH');
    expect(await named('Doppelklick GmbH')).toBe(1);

    // The server saved it, but the answer never arrived: the browser shows its error page, and
    // reloading sends the same form (the same key) again.
    await page.goto(`${app.url}/companies/new`);
    await page.fill('#f-name', 'Funkloch GmbH');
    let lose = true;
    await page.route(`${app.url}/companies`, async (route) => {
      if (route.request().method() !== 'POST' || !lose) return route.continue();
      lose = false;
      await route.fetch({ maxRedirects: 0 });
      await route.abort('connectionreset');
    });
    await page.locator('#record-form button[type=submit]').click({ noWaitAfter: true });
    await until(async () => (await named('Funkloch GmbH')) === 1);
    await until(() => page.url().startsWith('chrome-error:'));
    // Chromium commits its error page in a process of its own; a reload sent while that swap is
    // under way finds no page to reload ("Not attached to an active page"): wait for the error
    // page to load, and try again if the swap still was not done.
    await page.waitForLoadState();
    for (let attempt = 1; ; attempt++) {
      try {
        await page.reload();
        break;
      } catch (error) {
        if (attempt === 5 || !/Not attached/.test(String(error))) throw error;
        await page.waitForTimeout(200);
      }
    }
    await page.waitForURL(RECORD);
    expect(await page.locator('h1').innerText()).toBe('Funkloch GmbH');
    expect(await named('Funkloch GmbH')).toBe(1);
  });

  it('fits a phone and passes axe', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test', width: 390 });
    for (const path of ['/companies', '/companies/new']) {
      await page.goto(`${app.url}${path}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      expect(await seriousViolations(page)).toEqual([]);
    }
    await page.goto(`${app.url}/companies`);
    await page.locator('#list a', { hasText: 'Zwilling' }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await screenshot(page, 'company-phone');
  });
});

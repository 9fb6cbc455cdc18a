import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { describeInBrowser, PageOptions, screenshot, useBrowser } from './browser';

let app: TestApp;
const browser = useBrowser((a) => (app = a));

const newPage = (o: PageOptions) => browser.newPage({ ...o, context: { acceptDownloads: true } });

const setLocale = (email: string, locale: 'de' | 'en') =>
  app.db.query('UPDATE users SET locale = $2 WHERE email = $1', [email, locale]);

/** Opens the list's Export control, clicks one of its links, and returns the file saved. */
async function exportFrom(page: Page, link: string): Promise<{ name: string; body: Buffer }> {
  await page.click('#export > summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(link)]);
  return { name: download.suggestedFilename(), body: readFileSync((await download.path())!) };
}

/** The ids the page's filter stands for, as the database holds them, in the list's order. */
const chineseContacts = async (order: string) =>
  (
    await app.db.query<{ id: string }>(
      `SELECT id FROM contacts WHERE deleted_at IS NULL AND country = 'CN' ORDER BY ${order}`,
    )
  ).rows.map((r) => r.id);

describeInBrowser('exports in the browser', () => {
  afterEach(() => setLocale('staff@liaison.test', 'de'));

  it('German: the filtered contacts as CSV for Excel (;), with German headers', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/contacts`);
    await page.selectOption('#filter-country', 'CN');
    await Promise.all([page.waitForURL(/country=CN/), page.click('.filters button[type=submit]')]);
    expect((await page.textContent('#export > summary'))?.trim()).toBe('Exportieren');
    const file = await exportFrom(page, '#export-csv-excel');
    expect(file.name).toMatch(/^contacts-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(file.body, { bom: true, columns: true, delimiter: ';' }) as Record<
      string,
      string
    >[];
    expect(Object.keys(rows[0])).toEqual(expect.arrayContaining(['Nachname', 'Organisation']));
    expect(rows.every((r) => r.Land === 'CN')).toBe(true);
    const ids = await chineseContacts(`lower(family_name || ' ' || coalesce(given_name, '')), id`);
    expect(rows.map((r) => r.ID).sort()).toEqual([...ids].sort());
  });

  it('English: the filtered, sorted list as XLSX, with English headers', async () => {
    await setLocale('staff@liaison.test', 'en');
    const page = await newPage({ signIn: 'staff@liaison.test', locale: 'en-GB' });
    await page.goto(`${app.url}/contacts?country=CN&sort=-updatedAt`);
    expect((await page.textContent('#export > summary'))?.trim()).toBe('Export');
    const file = await exportFrom(page, '#export-xlsx');
    expect(file.name).toMatch(/^contacts-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe('Contacts');
    const values: unknown[][] = [];
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    expect(values[0]).toEqual(expect.arrayContaining(['ID', 'Family name', 'Organisation']));
    expect(values.slice(1).map((r) => r[0])).toEqual(
      await chineseContacts('updated_at DESC, id DESC'),
    );
  });

  it('a company user exports its own share only', async () => {
    const page = await newPage({ signIn: 'dovo@liaison.test' });
    await page.goto(`${app.url}/leads/list`);
    const file = await exportFrom(page, '#export-csv');
    const rows = parseCsv(file.body, { bom: true, columns: true }) as Record<string, string>[];
    const own = await app.db.query<{ id: string }>(
      `SELECT l.id FROM leads l JOIN users u ON u.company_id = l.company_id
       WHERE u.email = 'dovo@liaison.test' AND l.deleted_at IS NULL`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.ID).sort()).toEqual(own.rows.map((r) => r.id).sort());
  });

  it('a contact page downloads its vCard', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    const [contact] = (
      await app.db.query<{ id: string; family_name: string }>(
        `SELECT id, family_name FROM contacts WHERE deleted_at IS NULL AND native_name IS NOT NULL
         ORDER BY created_at, id LIMIT 1`,
      )
    ).rows;
    await page.goto(`${app.url}/contacts/${contact.id}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#download-vcard'),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.vcf$/);
    const card = new ICAL.Component(
      ICAL.parse(readFileSync((await download.path())!, 'utf8')) as never,
    );
    expect(card.getFirstPropertyValue('uid')).toBe(`urn:uuid:${contact.id}`);
    expect(card.getFirstPropertyValue('n')).toEqual(expect.arrayContaining([contact.family_name]));
  });

  it('fits a 390 px phone: the control opens inside the page and downloads', async () => {
    for (const locale of ['de', 'en'] as const) {
      await setLocale('staff@liaison.test', locale);
      const phone = await newPage({ signIn: 'staff@liaison.test', width: 390 });
      for (const path of ['/contacts', '/leads/list', '/follow-ups', '/trips']) {
        await phone.goto(`${app.url}${path}`);
        await phone.click('#export > summary');
        const link = phone.locator('#export-csv');
        await link.waitFor({ state: 'visible' });
        const box = (await link.boundingBox())!;
        expect(box.height).toBeGreaterThanOrEqual(44);
        const width = await phone.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          inner: window.innerWidth,
        }));
        expect({ path, locale, fits: width.scroll <= width.inner }).toEqual({
          path,
          locale,
          fits: true,
        });
      }
      await screenshot(phone, `export-390-${locale}`);
      const [download] = await Promise.all([
        phone.waitForEvent('download'),
        phone.click('#export-xlsx'),
      ]);
      expect(download.suggestedFilename()).toMatch(/^trips-[\d-]{10}\.xlsx$/);
    }
    expect(browser.consoleLines).toEqual([]);
  });
});

import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
/** The refusals the test asks for on purpose (a file over the limit). */
const EXPECTED_STATUS = /Failed to load resource: the server responded with a status of 413/;
const { consoleLines, newPage } = useBrowser((a) => (app = a), {
  counts: (m) =>
    (m.type() === 'error' || m.type() === 'warning') && !EXPECTED_STATUS.test(m.text()),
  // Small, so that a file over the limit is quick to send.
  env: () => ({ IMPORT_MAX_BYTES: String(4096) }),
});

const IMPORT = /\/imports\/[0-9a-f-]{36}(\?.*)?$/;
const TIMEOUT = 30_000;

const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** What a person sees on each step: nothing wider than the screen, nothing axe calls serious. */
async function looksRight(page: Page, step: string): Promise<void> {
  expect({ step, overflow: await overflow(page) }).toEqual({ step, overflow: 0 });
  expect({ step, violations: await seriousViolations(page) }).toEqual({ step, violations: [] });
}

const status = (page: Page, value: string) =>
  page.waitForSelector(`#import-status[data-status="${value}"]`, { timeout: TIMEOUT });

/** A file as Outlook and hand-made sheets have it: the suggestion, one bad row, one duplicate. */
interface Case {
  locale: 'de' | 'en';
  width: number;
  fileName: string;
  csv: string;
  /** The column the test maps by hand (the suggestion leaves it out). */
  unmapped: number;
  words: Record<
    | 'importLink'
    | 'notImported'
    | 'lastName'
    | 'notes'
    | 'email'
    | 'tooLarge'
    | 'created'
    | 'report',
    string
  >;
}

const CASES: Case[] = [
  {
    locale: 'de',
    width: 390,
    fileName: 'messekontakte.csv',
    csv: [
      'Vorname;Nachname;E-Mail-Adresse;Firma;Land;Info',
      'Anna;Becker-Import;anna.becker@import-test.example.de;Importwerk GmbH;Deutschland;Messe Hannover',
      'Fang;Wang;wang.fang@techpark-peking.example.cn;Technologiepark Peking;China;Visitenkarte',
      'Bernd;Fehler;keine-adresse;;Deutschland;ungültige E-Mail',
      'Jing;Chen;chen.jing@import-test.example.cn;Importwerk GmbH;China;',
    ].join('\r\n'),
    unmapped: 5,
    words: {
      importLink: 'Importieren',
      notImported: '— nicht importieren —',
      lastName: 'Nachname',
      notes: 'Notizen',
      email: 'E-Mail-Adresse',
      tooLarge: 'Die Datei ist zu groß.',
      created: 'Angelegt',
      report: 'Bericht',
    },
  },
  {
    locale: 'en',
    width: 1280,
    fileName: 'fair-contacts.csv',
    csv: [
      'First Name,Last Name,E-mail Address,Company,Country,Remarks',
      'Amy,Baker-Import,amy.baker@import-test.example.com,Import Works Ltd,United Kingdom,Trade fair',
      'Fang,Wang,wang.fang@techpark-peking.example.cn,Technologiepark Peking,China,Business card',
      'Bill,Wrong,no-address,,Germany,bad email',
      'Jing,Chen,chen.jing.en@import-test.example.cn,Import Works Ltd,China,',
    ].join('\r\n'),
    unmapped: 5,
    words: {
      importLink: 'Import',
      notImported: '— not imported —',
      lastName: 'Last name',
      notes: 'Notes',
      email: 'E-mail Address',
      tooLarge: 'The file is too large.',
      created: 'Created',
      report: 'Report',
    },
  },
];

describeInBrowser('the import wizard in a browser', () => {
  afterEach(() => {
    const lines = consoleLines.splice(0);
    expect(lines).toEqual([]);
  });

  it.each(CASES)(
    'takes a CSV through mapping, check, duplicates, import, failed rows and undo ($locale, $width px)',
    async (c) => {
      await app.db.query(`UPDATE users SET locale = $1 WHERE email = 'staff@liaison.test'`, [
        c.locale,
      ]);
      const page = await newPage({
        signIn: 'staff@liaison.test',
        width: c.width,
        context: { acceptDownloads: true },
      });
      // From the contacts' list, the upload form with the kind chosen.
      await page.goto(`${app.url}/contacts`);
      expect(await page.locator('#import-file').innerText()).toBe(c.words.importLink);
      await Promise.all([
        page.waitForURL(/\/imports\/new\?kind=contact/),
        page.click('#import-file'),
      ]);
      expect(await page.isChecked('input[name=kind][value=contact]')).toBe(true);
      await looksRight(page, 'upload');

      await page.setInputFiles('#f-file', {
        name: c.fileName,
        mimeType: 'text/csv',
        buffer: Buffer.from(c.csv, 'utf8'),
      });
      await Promise.all([page.waitForURL(IMPORT), page.click('#upload')]);
      await status(page, 'mapping');
      expect(await page.locator('h1').innerText()).toBe(c.fileName);

      // The suggestion is chosen; the column it does not know is not imported until mapped.
      expect(await page.inputValue('#map-0')).toBe('givenName');
      expect(await page.inputValue('#map-1')).toBe('familyName');
      expect(await page.inputValue('#map-2')).toBe('email');
      expect(await page.locator('#map-1 option:checked').innerText()).toBe(c.words.lastName);
      expect(await page.inputValue(`#map-${c.unmapped}`)).toBe('');
      expect(await page.locator(`#map-${c.unmapped} option:checked`).innerText()).toBe(
        c.words.notImported,
      );
      expect(await page.locator('#column-0').innerText()).toMatch(/Anna|Amy/);
      await looksRight(page, 'mapping');
      await screenshot(page, `import-mapping-${c.locale}`);
      await page.selectOption(`#map-${c.unmapped}`, 'notes');
      expect(await page.locator(`#map-${c.unmapped} option:checked`).innerText()).toBe(
        c.words.notes,
      );

      // The check: a bad row with its row and column, the demo's Wang Fang as a duplicate.
      await Promise.all([page.waitForURL(IMPORT), page.click('#check')]);
      await status(page, 'checked');
      const error = page.locator('#errors-table tbody tr[data-row]').first();
      expect(await error.innerText()).toContain(c.words.email);
      const badRow = await error.getAttribute('data-row');
      expect(await error.innerText()).toContain(String(badRow));
      const duplicate = page.locator('#duplicates-table tbody tr[data-row]').first();
      const link = duplicate.locator('a[href^="/contacts/"]');
      expect(await link.innerText()).toMatch(/Wang/);
      await looksRight(page, 'checked');
      await screenshot(page, `import-checked-${c.locale}`);
      const row = await duplicate.getAttribute('data-row');
      await page.check(`input[name="decision.${row}"][value=update]`);

      // Import: the page follows the job until the report.
      await Promise.all([page.waitForURL(IMPORT), page.click('#run')]);
      await status(page, 'done');
      expect(await page.locator('main h2').first().innerText()).toBe(c.words.report);
      expect(await page.locator('#count-created').innerText()).toBe('2');
      expect(await page.locator('#count-updated').innerText()).toBe('1');
      expect(await page.locator('.count-created dt').innerText()).toBe(c.words.created);
      await looksRight(page, 'report');
      await screenshot(page, `import-report-${c.locale}`);
      const created = await app.db.query<{ notes: string | null }>(
        `SELECT notes FROM contacts WHERE email LIKE '%@import-test.example.%' AND deleted_at IS NULL
         ORDER BY family_name`,
      );
      expect(created.rows.map((r) => r.notes)).toEqual([
        c.locale === 'de' ? 'Messe Hannover' : 'Trade fair',
        null,
      ]);

      // The failed rows as CSV: the bad row, as the file had it.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#failed-csv'),
      ]);
      const chunks: Buffer[] = [];
      for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
      const failed = Buffer.concat(chunks).toString('utf8');
      expect(failed).toMatch(/keine-adresse|no-address/);
      expect(failed).not.toContain('import-test.example');

      // Undo, after the confirmation.
      page.once('dialog', (dialog) => void dialog.accept());
      await Promise.all([page.waitForURL(IMPORT), page.click('#undo-import')]);
      await status(page, 'undone');
      const left = await app.db.query(
        `SELECT id FROM contacts WHERE email LIKE '%@import-test.example.%' AND deleted_at IS NULL`,
      );
      expect(left.rowCount).toBe(0);
      await looksRight(page, 'undone');

      // The list of imports shows it, with its status in words.
      await page.goto(`${app.url}/imports`);
      const listed = page.locator('#list tr', { hasText: c.fileName }).first();
      expect(await listed.locator('.badge').first().getAttribute('data-status')).toBe('undone');
      await looksRight(page, 'list');
    },
    120_000,
  );

  it('follows a job by its progress bar, without reloading, and by a link without script', async () => {
    await app.db.query(`UPDATE users SET locale = 'de' WHERE email = 'staff@liaison.test'`);
    const page = await newPage({ signIn: 'staff@liaison.test', width: 390 });
    await page.goto(`${app.url}/imports/new?kind=company`);
    await page.setInputFiles('#f-file', {
      name: 'firmen.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Firma;Ort\r\nKlingenwerk GmbH;Solingen\r\n'),
    });
    await Promise.all([page.waitForURL(IMPORT), page.click('#upload')]);
    await status(page, 'mapping');
    const id = /\/imports\/([0-9a-f-]{36})/.exec(page.url())![1];
    // A job at work, as its worker writes it.
    await app.db.query(
      `UPDATE imports SET status = 'running', progress_done = 3, progress_total = 10 WHERE id = $1`,
      [id],
    );
    await page.reload();
    expect(await page.getAttribute('#progress-bar', 'value')).toBe('3');
    expect(await page.getAttribute('#progress-bar', 'max')).toBe('10');
    expect(await page.locator('#progress-text').innerText()).toBe('Wird importiert: 3 von 10');
    expect(await page.locator('#cancel-import').count()).toBe(1);
    await looksRight(page, 'progress');
    await screenshot(page, 'import-progress-de');
    await app.db.query(`UPDATE imports SET progress_done = 7 WHERE id = $1`, [id]);
    await page.waitForFunction(
      () => document.getElementById('progress-bar')?.getAttribute('value') === '7',
      undefined,
      { timeout: TIMEOUT },
    );

    // Without script: the same bar, and a link that shows the next step.
    const plain = await newPage({
      signIn: 'staff@liaison.test',
      context: { javaScriptEnabled: false },
    });
    await plain.goto(`${app.url}/imports/${id}`);
    expect(await plain.getAttribute('#progress-bar', 'value')).toBe('7');

    // The job is done: the page shows the report by itself.
    await app.db.query(
      `UPDATE imports SET status = 'done', progress_done = 10, finished_at = now() WHERE id = $1`,
      [id],
    );
    await status(page, 'done');
    expect(page.url()).toBe(`${app.url}/imports/${id}`);
    await Promise.all([plain.waitForURL(`${app.url}/imports/${id}`), plain.click('#refresh')]);
    expect(await plain.getAttribute('#import-status', 'data-status')).toBe('done');
  });

  it.each(CASES)('shows a file over the limit as a message on the form ($locale)', async (c) => {
    await app.db.query(`UPDATE users SET locale = $1 WHERE email = 'staff@liaison.test'`, [
      c.locale,
    ]);
    const page = await newPage({ signIn: 'staff@liaison.test', width: c.width });
    await page.goto(`${app.url}/imports/new?kind=company`);
    await page.setInputFiles('#f-file', {
      name: 'zu-gross.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`Name\r\n${'Klingenwerk GmbH\r\n'.repeat(400)}`),
    });
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('#upload'),
    ]);
    expect(await page.locator('#f-file-error').innerText()).toBe(c.words.tooLarge);
    expect(await page.isChecked('input[name=kind][value=company]')).toBe(true);
    await looksRight(page, 'too large');
  });
});

import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { CardPrinter } from '../helpers/cards';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
/** The refusal the test asks for on purpose (a contact changed meanwhile). */
const EXPECTED_STATUS = /Failed to load resource: the server responded with a status of 412/;
const { consoleLines, newPage } = useBrowser((a) => (app = a), {
  counts: (m) =>
    (m.type() === 'error' || m.type() === 'warning') && !EXPECTED_STATUS.test(m.text()),
});

const printer = new CardPrinter();
afterAll(() => printer.close());

const TIMEOUT = 60_000;
const SCAN = /\/scans\/[0-9a-f-]{36}$/;
const CONTACT = /\/contacts\/[0-9a-f-]{36}$/;

const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function looksRight(page: Page, step: string): Promise<void> {
  expect({ step, overflow: await overflow(page) }).toEqual({ step, overflow: 0 });
  expect({ step, violations: await seriousViolations(page) }).toEqual({ step, violations: [] });
}

/** Photographs a card on /scan (the file input stands in for the camera) and waits for the proposal. */
async function scanCard(page: Page, lines: string[], scale = 1): Promise<void> {
  await page.goto(`${app.url}/scan`);
  await looksRight(page, 'scan form');
  await page.setInputFiles('#f-front', {
    name: 'card.png',
    mimeType: 'image/png',
    buffer: await printer.png({ lines }, scale),
  });
  if (scale > 1) {
    // A camera's photo leaves the device as a JPEG of 2,000 px on its long side.
    await page.waitForFunction(() => {
      const file = document.querySelector<HTMLInputElement>('#f-front')!.files![0];
      return file.type === 'image/jpeg';
    });
    const size = await page.evaluate(async () => {
      const file = document.querySelector<HTMLInputElement>('#f-front')!.files![0];
      const bitmap = await createImageBitmap(file);
      return { width: bitmap.width, height: bitmap.height, name: file.name };
    });
    expect(size).toEqual({ width: 2000, height: 1143, name: 'card.jpg' });
    expect(await page.isEnabled('#scan-submit')).toBe(true);
  }
  await Promise.all([page.waitForURL(SCAN), page.click('#scan-submit')]);
  await page.waitForSelector('#confirm-form', { timeout: TIMEOUT });
}

describeInBrowser('scanning a business card on a phone (390 × 844)', () => {
  it('reads a card, proposes its fields, saves a new contact and shows the card on its page', async () => {
    const page = await newPage({
      signIn: 'staff@liaison.test',
      context: { viewport: { width: 390, height: 844 } },
    });
    await page.goto(`${app.url}/contacts`);
    await Promise.all([page.waitForURL(/\/scan$/), page.click('#scan-card')]);
    await scanCard(
      page,
      [
        'Sun Lihua',
        'Project Manager',
        'sun.lihua@card-scan-browser.example.cn',
        'Tel: +86 10 8888 2266',
      ],
      3,
    );
    await looksRight(page, 'proposal');
    await screenshot(page, 'card-scan-proposal-390');
    expect(await page.inputValue('#f-email')).toBe('sun.lihua@card-scan-browser.example.cn');
    expect(await page.isVisible('.card-photos img')).toBe(true);
    // A misread name is corrected before anything is saved.
    await page.fill('#f-familyName', 'Sun');
    await page.fill('#f-givenName', 'Lihua');
    await Promise.all([page.waitForURL(CONTACT), page.click('#save-card')]);
    expect(await page.textContent('h1')).toContain('Sun');
    const img = page.locator('#contact-card img').first();
    await img.waitFor();
    expect(await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(
      true,
    );
    await looksRight(page, 'contact page');
    await screenshot(page, 'card-scan-contact-390');
  });

  it('offers a card of someone who exists as an update, chosen before "create"', async () => {
    const page = await newPage({
      signIn: 'staff@liaison.test',
      context: { viewport: { width: 390, height: 844 } },
    });
    // The person of the first test, met again (the page in the user's language, German).
    await scanCard(page, ['Sun Lihua', 'sun.lihua@card-scan-browser.example.cn']);
    const update = page.locator('#f-target input[type=radio]').first();
    expect(await update.isChecked()).toBe(true);
    expect(await page.textContent('#f-target')).toMatch(/Sun.* aktualisieren/);
    expect(await page.isVisible('#f-target input[value=new]')).toBe(true);
    // Someone else changes the person meanwhile: the save says so instead of overwriting.
    await app.db.query(
      `UPDATE contacts SET version = version + 1 WHERE email = 'sun.lihua@card-scan-browser.example.cn'`,
    );
    await page.click('#save-card');
    await page.waitForSelector('#conflict');
    expect(page.url()).toMatch(SCAN);
    await Promise.all([page.waitForURL(CONTACT), page.click('#save-card')]);
    expect(await page.textContent('h1')).toContain('Sun');
    expect(consoleLines).toEqual([]);
  });

  it('works on a desktop too', async () => {
    const page = await newPage({ signIn: 'admin@liaison.test', width: 1280 });
    await page.goto(`${app.url}/scans`);
    expect(await page.isVisible('#scans')).toBe(true);
    await page.goto(`${app.url}/scan`);
    await looksRight(page, 'scan form, desktop');
  });
});

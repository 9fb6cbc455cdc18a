import ICAL from 'ical.js';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
const { newPage, consoleLines } = useBrowser((a) => (app = a));

/** What a calendar program gets at the address the page shows (PUBLIC_URL names localhost). */
async function fetchCalendar(url: string): Promise<{ status: number; name?: string }> {
  const res = await fetch(`${app.url}${new URL(url).pathname}`);
  if (res.status !== 200) return { status: res.status };
  const calendar = new ICAL.Component(ICAL.parse(await res.text()));
  return { status: 200, name: String(calendar.getFirstPropertyValue('x-wr-calname')) };
}

const shownUrl = (page: Page) => page.inputValue('#f-calendar-feed-url');

/** Waits for the page after a form post to show another address than `before`. */
const addressChanged = (page: Page, before: string) =>
  page.waitForFunction(
    (old) =>
      (document.querySelector('#f-calendar-feed-url') as HTMLInputElement | null)?.value !== old,
    before,
  );

describeInBrowser('the calendar subscription on the profile page', () => {
  it('is created on a phone in German, and the address shown is a calendar', async () => {
    const page = await newPage({ signIn: 'dovo@liaison.test', width: 390 });
    await page.goto(`${app.url}/profile`);
    expect(await page.locator('h2#calendar-feed').innerText()).toBe('Kalender abonnieren');
    expect(await page.locator('#f-calendar-feed-url').count()).toBe(0);
    await Promise.all([page.waitForURL(/flash=saved/), page.click('#calendar-feed-create')]);

    const url = await shownUrl(page);
    expect(url).toMatch(/\/calendar\/[0-9a-f-]{36}\.[\w-]{43}\.ics$/);
    expect(await page.getAttribute('#calendar-feed-subscribe', 'href')).toBe(
      url.replace(/^https?:/, 'webcal:'),
    );
    expect(await page.locator('#calendar-feed-subscribe').innerText()).toBe('Abonnieren');
    const section = await page.locator('section.calendar-feed').innerText();
    for (const program of ['Outlook', 'Google Kalender', 'Apple Kalender'])
      expect(section).toContain(program);
    expect(section).toContain('noch nie abgerufen');
    expect(await fetchCalendar(url)).toEqual({
      status: 200,
      name: 'Liaison: Reisen und Wiedervorlagen',
    });

    // Nothing wider than the phone; the address is readable whole by scrolling its field.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.reload();
    expect(await page.locator('section.calendar-feed').innerText()).toContain('Zuletzt abgerufen');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'profile-calendar-feed-390');
  });

  it('is rotated in English on a desktop: asked first, then a new address, the old one dead', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test', locale: 'en-GB' });
    await page.goto(`${app.url}/profile`);
    await page.selectOption('#f-locale', 'en');
    await Promise.all([
      page.waitForURL(/\/profile$/),
      page.click('#locale-form button[type=submit]'),
    ]);
    expect(await page.locator('h2#calendar-feed').innerText()).toBe('Calendar subscription');
    await Promise.all([page.waitForURL(/flash=saved/), page.click('#calendar-feed-create')]);
    const first = await shownUrl(page);
    expect(await page.locator('#calendar-feed-subscribe').innerText()).toBe('Subscribe');
    expect(await fetchCalendar(first)).toEqual({
      status: 200,
      name: 'Liaison: trips and follow-ups',
    });

    // Declined: nothing changes.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.click('#calendar-feed-rotate');
    await page.waitForTimeout(300);
    expect(await shownUrl(page)).toBe(first);
    expect((await fetchCalendar(first)).status).toBe(200);

    page.once('dialog', (dialog) => {
      expect(dialog.message()).toContain('stops working at once');
      void dialog.accept();
    });
    await page.click('#calendar-feed-rotate');
    await addressChanged(page, first);
    const second = await shownUrl(page);
    expect(second).not.toBe(first);
    expect((await fetchCalendar(first)).status).toBe(404);
    expect((await fetchCalendar(second)).status).toBe(200);
    await screenshot(page, 'profile-calendar-feed-en');

    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL(/flash=deleted/), page.click('#calendar-feed-revoke')]);
    expect(await page.locator('#f-calendar-feed-url').count()).toBe(0);
    expect(await page.locator('#calendar-feed-create').innerText()).toBe('Create calendar address');
    expect((await fetchCalendar(second)).status).toBe(404);
    expect(consoleLines).toEqual([]);
  });
});

import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { describeInBrowser, useBrowser } from './browser';

let app: TestApp;
const browser = useBrowser((a) => (app = a));

/** A phone: 390×844, as the issue measures it. */
const PHONE = { width: 390, height: 844 };

async function phone(email: string, locale: 'de' | 'en'): Promise<Page> {
  await app.db.query('UPDATE users SET locale = $1 WHERE email = $2', [locale, email]);
  return browser.newPage({
    signIn: email,
    locale: locale === 'de' ? 'de-DE' : 'en-GB',
    context: { viewport: PHONE, hasTouch: true, isMobile: true },
  });
}

const one = async (sql: string, params: unknown[] = []): Promise<string> => {
  const { rows } = await app.db.query<{ id: string }>(sql, params);
  expect(rows).toHaveLength(1);
  return rows[0].id;
};

/** Nothing on the page is wider than the phone. */
const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** The height of each element a selector finds, rounded. */
const heights = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => els.map((el) => Math.round(el.getBoundingClientRect().height)));

describeInBrowser('the phone on a trip (390×844)', () => {
  let china: string;
  let tour: string;
  let wangFang: string;

  beforeAll(async () => {
    china = await one(`SELECT id FROM trips WHERE title ILIKE '%China%'`);
    tour = await one(
      `SELECT id FROM appointments WHERE title = 'Rundgang durch den Technologiepark'`,
    );
    wangFang = await one(`SELECT id FROM contacts WHERE native_name = '王芳'`);
    // The demo's people have no phone numbers; this one gets one to call.
    await app.db.query(`UPDATE contacts SET phone = '+86 10 5555 0101' WHERE id = $1`, [wangFang]);
  });

  it('shows a day of the trip in local time with Berlin beside, the people of an appointment, and logs a contact there (German)', async () => {
    const page = await phone('staff@liaison.test', 'de');
    expect((await page.goto(`${app.url}/today`))?.status()).toBe(200);
    await expect(page.locator('h1').innerText()).resolves.toBe('Heute auf der Reise');
    // The demo's trips lie in the past: the latest one, said so, its days to pick from.
    await expect(page.locator('#today-notice').innerText()).resolves.toContain(
      'Ihre letzte Reise endete am 24.10.2019',
    );
    await expect(page.locator('#today-trip').getAttribute('href')).resolves.toBe(
      `/trips/${china}#itinerary`,
    );
    expect(await page.locator('.day-picker a').allInnerTexts()).toEqual([
      'So., 20.10.',
      'Mo., 21.10.',
      'Di., 22.10.',
      'Mi., 23.10.',
      'Do., 24.10.',
    ]);
    await expect(page.locator('#today-day').innerText()).resolves.toMatch(
      /Sonntag, 20\. Oktober 2019\s+Tag 1 von 5/,
    );
    expect(await page.locator('#previous-day').count()).toBe(0);
    // The next day by its button: the Technologiepark's tour at 11:00 in Beijing, 05:00 in Berlin.
    await Promise.all([page.waitForURL(/day=2019-10-21$/), page.click('#next-day')]);
    const card = page.locator(`#appointment-${tour}`);
    await expect(card.locator('.local-time').innerText()).resolves.toBe('11:00–12:30');
    await expect(card.locator('.zone').innerText()).resolves.toBe('Asia/Shanghai');
    await expect(card.locator('.berlin').innerText()).resolves.toBe('· Berlin 05:00–06:30');
    await expect(card.locator('.where').innerText()).resolves.toContain(
      'Technologiepark, Besucherzentrum, Peking',
    );
    await expect(card.locator('a.map-link').getAttribute('href')).resolves.toMatch(
      /^https:\/\/www\.openstreetmap\.org\/search\?query=Technologiepark/,
    );
    await expect(page.locator('#previous-day').getAttribute('href')).resolves.toBe(
      `/today?trip=${china}&day=2019-10-20`,
    );
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    // The bar at the bottom: today, find, log, scan a card, the device's outbox — each a thumb's size.
    expect(await page.locator('#tabbar a').allInnerTexts()).toEqual([
      'Heute',
      'Finden',
      'Erfassen',
      'Karte',
      'Ausgang',
    ]);
    for (const h of await heights(page, '#tabbar a, .day-picker a, .today-agenda .button'))
      expect(h).toBeGreaterThanOrEqual(44);

    // The people of the tour: the partner's contact with her name in both scripts, to call.
    await Promise.all([page.waitForURL(/\/people$/), page.click(`#people-${tour}`)]);
    await expect(page.locator('h1').innerText()).resolves.toBe(
      'Personen: Rundgang durch den Technologiepark',
    );
    const person = page.locator(`#contact-${wangFang}`);
    await expect(person.locator('.person-name strong').innerText()).resolves.toBe('Wang Fang');
    await expect(person.locator('.native').innerText()).resolves.toBe('王芳');
    await expect(person.locator('.native').getAttribute('lang')).resolves.toBe('zh');
    await expect(person.innerText()).resolves.toContain('Leiterin Internationale Kooperation');
    await expect(person.innerText()).resolves.toContain('Technologiepark Peking');
    await expect(person.locator('.wechat-id').innerText()).resolves.toBe('wangfang_demo');
    await expect(person.locator(`#call-${wangFang}`).getAttribute('href')).resolves.toBe(
      'tel:+861055550101',
    );
    await expect(person.locator(`#mail-${wangFang}`).getAttribute('href')).resolves.toBe(
      'mailto:wang.fang@techpark-peking.example.cn',
    );
    expect(await page.locator('#our-people li').count()).toBeGreaterThan(0);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);

    // Log a contact from there: trip, appointment, place, zone and its time are preset.
    await Promise.all([page.waitForURL(/\/log\?/), page.click(`#log-contact-${wangFang}`)]);
    await expect(page.locator('#logged-at').innerText()).resolves.toBe(
      'Beim Termin: Rundgang durch den Technologiepark',
    );
    await expect(page.locator('#f-tripId').inputValue()).resolves.toBe(china);
    await expect(page.locator('#f-occurredZone').inputValue()).resolves.toBe('Asia/Shanghai');
    await expect(page.locator('#f-occurredAt').inputValue()).resolves.toBe('2019-10-21T11:00');
    await expect(page.locator('#f-location').inputValue()).resolves.toBe(
      'Technologiepark, Besucherzentrum, Peking',
    );
    expect(await page.locator('#picked-contacts input:checked').count()).toBe(1);
    await page.fill('#f-subject', 'Visitenkarten getauscht beim Rundgang');
    await Promise.all([
      page.waitForURL(new RegExp(`/contacts/${wangFang}$`)),
      page.click('#log-form button[type=submit]'),
    ]);
    const { rows } = await app.db.query<{ trip_id: string; appointment_id: string }>(
      `SELECT i.trip_id, i.appointment_id FROM interactions i
       JOIN interaction_contacts ic ON ic.interaction_id = i.id AND ic.contact_id = $1
       WHERE i.subject = 'Visitenkarten getauscht beim Rundgang'`,
      [wangFang],
    );
    expect(rows).toEqual([{ trip_id: china, appointment_id: tour }]);
  });

  it('finds a person by pinyin with one thumb, in English; a company delegate sees its day without the contacts', async () => {
    const page = await phone('staff@liaison.test', 'en');
    await page.goto(`${app.url}/today?trip=${china}&day=2019-10-21`);
    await expect(page.locator('h1').innerText()).resolves.toBe('Today on the trip');
    await expect(page.locator('#today-day').innerText()).resolves.toMatch(
      /Monday, 21 October 2019\s+Day 2 of 5/,
    );
    await expect(page.locator(`#appointment-${tour} .berlin`).innerText()).resolves.toBe(
      '· Berlin 05:00–06:30',
    );
    expect(await page.locator('#tabbar a').allInnerTexts()).toEqual([
      'Today',
      'Find',
      'Log',
      'Card',
      'Outbox',
    ]);

    // Find: the bar's link, the big field on top, a row per person to tap.
    await Promise.all([page.waitForURL(/\/search$/), page.click('#tabbar a[href="/search"]')]);
    const field = page.locator('#search-q');
    expect((await field.boundingBox())!.height).toBeGreaterThanOrEqual(48);
    await field.fill('zhang min');
    await Promise.all([page.waitForURL(/q=zhang/), field.press('Enter')]);
    const hit = page.locator('#search-results a[data-result="contacts"]').first();
    await expect(hit.innerText()).resolves.toMatch(/^Zhang Min 张敏/);
    expect((await hit.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);

    // A company's delegate: its trip's day, the delegates of an appointment, no contacts, no log.
    const zwilling = await phone('zwilling@liaison.test', 'en');
    await zwilling.goto(`${app.url}/today`);
    await expect(zwilling.locator('#today-trip').getAttribute('href')).resolves.toBe(
      `/trips/${china}#itinerary`,
    );
    expect(await zwilling.locator('#tabbar a').allInnerTexts()).toEqual(['Today', 'Find']);
    await zwilling.goto(`${app.url}/trips/${china}/appointments/${tour}/people`);
    expect(await zwilling.locator('#their-people').count()).toBe(0);
    expect(await zwilling.locator('#our-people li').count()).toBeGreaterThan(0);
    expect(await zwilling.locator('#log-here').count()).toBe(0);
    expect(browser.consoleLines).toEqual([]);
  });

  it('keeps the desktop as it was: no bottom bar at 1280 px', async () => {
    const page = await browser.newPage({ signIn: 'staff@liaison.test', width: 1280 });
    await page.goto(`${app.url}/today`);
    expect(await page.locator('#tabbar').isVisible()).toBe(false);
    expect(await page.locator('#main-nav').isVisible()).toBe(true);
  });
});

import type { BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { CardPrinter } from '../helpers/cards';
import { describeInBrowser, screenshot, signIn, useBrowser } from './browser';

let app: TestApp;
const browser = useBrowser((a) => (app = a), { serviceWorker: true });
/**
 * Offline, Chromium reports each request that could not go out, a page not saved (503) and a
 * refused entry's answer (400) when it is sent; anything else counts.
 */
const EXPECTED = /ERR_INTERNET_DISCONNECTED|ERR_FAILED|Failed to fetch|status of (400|503) /;

const printer = new CardPrinter();
afterAll(() => printer.close());

const PHONE = { width: 390, height: 844 };
const UUID = '[0-9a-f-]{36}';

async function phone(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'de-DE', viewport: PHONE });
  const page = await open(context);
  return { context, page };
}

async function open(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (!EXPECTED.test(m.text()))
      browser.consoleLines.push(`${page.url()} ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => browser.consoleLines.push(`${page.url()} error: ${e.message}`));
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

/** Contacts of that family name on the server. */
async function contactsNamed(familyName: string): Promise<number> {
  const { rows } = await app.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM contacts WHERE family_name = $1',
    [familyName],
  );
  return rows[0].n;
}

/** The card scans the user made on the server. */
async function scansBy(userId: string): Promise<number> {
  const { rows } = await app.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM card_scans WHERE created_by = $1',
    [userId],
  );
  return rows[0].n;
}

/** The device queue's entries, as IndexedDB holds them. */
const queued = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ key: string; status: string; reason: string; link: string }[]>(
        (resolve, reject) => {
          const request = indexedDB.open('liaison-queue');
          request.onsuccess = () => {
            const read = request.result
              .transaction('entries', 'readonly')
              .objectStore('entries')
              .getAll();
            read.onsuccess = () => resolve(read.result);
            read.onerror = () => reject(read.error);
          };
          request.onerror = () => reject(request.error);
        },
      ),
  );

/** Waits until the forms that work offline and the queue are saved on the device. */
async function formsKept(page: Page, userId: string): Promise<void> {
  await page.waitForFunction(async (id) => {
    const cache = await caches.open(`liaison-pages-${id}`);
    const saved = await Promise.all(['/log', '/scan', '/queue'].map((p) => cache.match(p)));
    return saved.every(Boolean);
  }, userId);
}

/** The width a page would scroll sideways by at 390 px: none. */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Fills in "log a contact" for a new person; `refused`: a lead without a company. */
async function logContact(page: Page, familyName: string, refused = false): Promise<void> {
  await page.goto(`${app.url}/log`);
  await page.click('#log-form summary');
  await page.fill('#f-newFamilyName', familyName);
  await page.fill('#f-subject', `Empfang: ${familyName}`);
  if (refused) await page.fill('#f-leadTitle', 'Lieferanfrage ohne Unternehmen');
  await Promise.all([page.waitForURL(/\/queue$/), page.click('#log-form button[type=submit]')]);
}

describeInBrowser('on the phone, offline', () => {
  beforeEach(() => {
    browser.consoleLines.splice(0);
  });
  afterEach(() => {
    expect(browser.consoleLines).toEqual([]);
  });

  it('reads the trip offline, queues two entries and sends each once when back online', async () => {
    const { context, page } = await phone();
    await signIn(page, app.url, 'staff@liaison.test');
    const user = await page.getAttribute('meta[name="liaison-user"]', 'content');
    const {
      rows: [trip],
    } = await app.db.query<{ id: string }>(
      `SELECT id FROM trips WHERE title LIKE 'Wirtschaftsreise China%'`,
    );
    const {
      rows: [delegate],
    } = await app.db.query<{ name: string }>(
      'SELECT name FROM participants WHERE trip_id = $1 AND deleted_at IS NULL ORDER BY name LIMIT 1',
      [trip.id],
    );
    const {
      rows: [met],
    } = await app.db.query<{ id: string; family_name: string }>(
      `SELECT c.id, c.family_name FROM contacts c
       JOIN interaction_contacts ic ON ic.contact_id = c.id
       JOIN interactions i ON i.id = ic.interaction_id
       WHERE i.trip_id = $1 AND c.deleted_at IS NULL AND i.deleted_at IS NULL
       ORDER BY c.family_name LIMIT 1`,
      [trip.id],
    );

    const card = await printer.png({
      lines: [
        'Zhao Wei',
        'Sales Director',
        'zhao.wei@offline-card.example.cn',
        'Tel: +86 21 5555 0188',
      ],
    });

    // Online: the trip's page saves itself, its delegates' companies and its contacts.
    await page.goto(`${app.url}/trips/${trip.id}`);
    await page.locator('#kept-offline').waitFor();
    expect(Number(await page.getAttribute('#kept-offline', 'data-saved'))).toBeGreaterThan(2);
    await formsKept(page, user!);
    const appointment = await page
      .locator('#itinerary .appointment .what strong')
      .first()
      .innerText();

    // Offline: the itinerary, a delegate and a contact met on the trip, from the device.
    await context.setOffline(true);
    await page.goto(`${app.url}/trips/${trip.id}`);
    await expect(page.locator('#offline-banner').innerText()).resolves.toMatch(
      /^Offline – gespeichert am \d\d\.\d\d\.\d\d, \d\d:\d\d$/,
    );
    expect(await page.locator('#itinerary').innerText()).toContain(appointment);
    expect(await page.locator('#delegates').innerText()).toContain(delegate.name);
    expect(await overflow(page)).toBe(0);
    await screenshot(page, 'offline-trip-390');
    await page.goto(`${app.url}/contacts/${met.id}`);
    expect(await page.locator('main h1').innerText()).toContain(met.family_name);
    expect(await page.isVisible('#offline-banner')).toBe(true);
    // A page never opened is not there, and says so.
    await page.goto(`${app.url}/follow-ups`);
    expect(await page.locator('#not-saved').count()).toBe(1);

    // Two contacts logged offline: each kept on the device with its own key.
    await logContact(page, 'Offlinefeld');
    await logContact(page, 'Abgelehntfeld', true);
    const waiting = await queued(page);
    expect(waiting.map((e) => e.status)).toEqual(['waiting', 'waiting']);
    expect(new Set(waiting.map((e) => e.key)).size).toBe(2);
    expect(await page.locator('#queue .queue-entry').count()).toBe(2);
    // A card photographed offline: the photo is kept on the device with the entry.
    await page.goto(`${app.url}/scan`);
    expect(await page.isVisible('#offline-banner')).toBe(true);
    await page.setInputFiles('#f-front', { name: 'card.png', mimeType: 'image/png', buffer: card });
    await Promise.all([page.waitForURL(/\/queue$/), page.click('#scan-submit')]);
    expect((await queued(page)).map((e) => e.status)).toEqual(['waiting', 'waiting', 'waiting']);
    expect(await page.locator('#queue-count').innerText()).toBe('3');
    expect(await overflow(page)).toBe(0);
    await screenshot(page, 'offline-queue-390');
    expect(await contactsNamed('Offlinefeld')).toBe(0);
    expect(await scansBy(user!)).toBe(0);

    // The browser page closes; a new one opens when the connection is back.
    await page.close();
    await context.setOffline(false);
    const again = await open(context);
    await again.goto(`${app.url}/queue`);
    await again.locator('#queue .status-failed').waitFor();
    await again.waitForFunction(
      () => document.querySelectorAll('#queue .status-sent').length === 2,
    );
    expect(await contactsNamed('Offlinefeld')).toBe(1);
    expect(await scansBy(user!)).toBe(1);
    expect(
      await again
        .locator('#queue .status-sent .queue-open')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
    ).toEqual([
      expect.stringMatching(new RegExp(`^/scans/${UUID}$`)),
      expect.stringMatching(new RegExp(`^/contacts/${UUID}$`)),
    ]);
    expect(await contactsNamed('Abgelehntfeld')).toBe(0);
    // The refused entry is shown with the server's reason, not dropped.
    const reason = await again.locator('#queue .status-failed .queue-reason').innerText();
    expect(reason).toContain('Unternehmen');
    await screenshot(again, 'offline-queue-sent-390');

    // Fixed: the form opens with what was typed, the reason above it; saving sends it once.
    await Promise.all([
      again.waitForURL(/\/log\?fix=/),
      again.click('#queue .status-failed .queue-fix'),
    ]);
    await again.locator('#queue-fixing').waitFor();
    expect(await again.inputValue('#f-newFamilyName')).toBe('Abgelehntfeld');
    expect(await again.inputValue('#f-leadTitle')).toBe('Lieferanfrage ohne Unternehmen');
    await again.selectOption('#f-leadCompanyId', { index: 1 });
    await Promise.all([
      again.waitForURL(new RegExp(`/contacts/${UUID}$`)),
      again.click('#log-form button[type=submit]'),
    ]);
    expect(await again.locator('main h1').innerText()).toContain('Abgelehntfeld');
    expect(await contactsNamed('Abgelehntfeld')).toBe(1);
    expect((await queued(again)).map((e) => e.status)).toEqual(['sent', 'sent', 'sent']);
    expect(await contactsNamed('Offlinefeld')).toBe(1);
    expect(await scansBy(user!)).toBe(1);
  }, 120_000);

  it('sends an entry once when its answer was lost and two pages send it at once', async () => {
    const { context, page } = await phone();
    await signIn(page, app.url, 'staff@liaison.test');
    // The server makes the record, but the answer never reaches the browser.
    let posts = 0;
    await context.route('**/log', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts += 1;
      // A later try may still be on its way when the route is removed: then it just goes on.
      try {
        await route.fetch();
        await route.abort('internetdisconnected');
      } catch {
        // handled by the unrouting
      }
    });
    await logContact(page, 'Verlorenfeld');
    expect(posts).toBeGreaterThanOrEqual(1);
    expect(await contactsNamed('Verlorenfeld')).toBe(1);
    expect((await queued(page)).map((e) => e.status)).toEqual([
      expect.stringMatching(/^(waiting|sending)$/),
    ]);

    // Back: two pages load at once and both try to send it.
    await context.unrouteAll({ behavior: 'ignoreErrors' });
    const [one, two] = await Promise.all([open(context), open(context)]);
    await Promise.all([one.goto(`${app.url}/queue`), two.goto(`${app.url}/queue`)]);
    await one.locator('#queue .status-sent').waitFor();
    await two.reload();
    await two.locator('#queue .status-sent').waitFor();
    expect(await contactsNamed('Verlorenfeld')).toBe(1);
    // Online, a queued form leads where its answer does: the new contact's page.
    await one.goto(`${app.url}/log`);
    await one.click('#log-form summary');
    await one.fill('#f-newFamilyName', 'Direktfeld');
    await one.fill('#f-subject', 'Gleich gesendet');
    await Promise.all([
      one.waitForURL(new RegExp(`/contacts/${UUID}$`)),
      one.click('#log-form button[type=submit]'),
    ]);
    expect(await contactsNamed('Direktfeld')).toBe(1);
  });

  it('signing out empties the pages kept on the device, not its queue', async () => {
    const { context, page } = await phone();
    await signIn(page, app.url, 'staff@liaison.test');
    await page.goto(`${app.url}/queue`);
    const user = await page.getAttribute('meta[name="liaison-user"]', 'content');
    await formsKept(page, user!);
    await context.setOffline(true);
    await logContact(page, 'Abmeldefeld');
    await context.setOffline(false);
    await page.evaluate(() => {
      // Sign-out before the entry is sent: it must wait for its user, not go with another.
      const form = document.querySelector<HTMLFormElement>('form[action="/logout"]')!;
      form.requestSubmit();
    });
    await page.waitForURL(/\/login$/);
    expect(
      await page.evaluate(async () =>
        (await caches.keys()).filter((n) => n.startsWith('liaison-pages-')),
      ),
    ).toEqual([]);
    expect((await queued(page)).map((e) => e.status)).toContain('waiting');
    await context.setOffline(true);
    await page.goto(`${app.url}/queue`);
    expect(await page.locator('#not-saved').count()).toBe(1);
    await context.setOffline(false);
    // Another user on this device neither sees nor sends it.
    await signIn(page, app.url, 'admin@liaison.test');
    await page.goto(`${app.url}/queue`);
    expect(await page.locator('#queue .queue-entry').count()).toBe(0);
    expect(await contactsNamed('Abmeldefeld')).toBe(0);
  });
});

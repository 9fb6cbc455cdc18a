import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { ruleMessage, t } from '../../src/web/kit/i18n';
import type { TestApp } from '../helpers/app';
import {
  describeInBrowser,
  PageOptions,
  screenshot,
  seriousViolations,
  signIn,
  useBrowser,
} from './browser';

let app: TestApp;
/** What the browser console said on any page this file opened: it must stay empty. */
const browser = useBrowser((a) => (app = a), {
  // A refused form comes back as its page with the API's status (400, or 409 after a lost
  // race), by design of the kit; Chromium notes that status. Anything else counts.
  counts: (m) => !/^Failed to load resource: .* status of (400|409) /.test(m.text()),
});
const consoleMessages = browser.consoleLines;

async function newPage(o: PageOptions): Promise<Page> {
  const page = await browser.newPage({ ...o, context: { acceptDownloads: true } });
  // Removing a delegate or an appointment cannot be undone, so the page asks first.
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

const submit = (page: Page) => page.click('#record-form button[type=submit]');
const UUID = '[0-9a-f-]{36}';

/** Submits the form and waits for the page a redirect leads to. */
async function submitTo(page: Page, url: RegExp): Promise<void> {
  await Promise.all([page.waitForURL(url), submit(page)]);
}

/** The German message of a rule the API names by its code (not the general "check this"). */
function germanMessage(code: string): string {
  const message = ruleMessage('de', code);
  expect(message).not.toBe(t('de', 'invalidField'));
  return message;
}

/** The text of an element, its no-break spaces (`1.850 €`) as plain ones. */
const textOf = async (locator: Locator) => (await locator.innerText()).replace(/\u00a0/g, ' ');

async function createTrip(
  page: Page,
  o: { title: string; destinations: string; startsOn: string; endsOn: string },
): Promise<string> {
  await page.goto(`${app.url}/trips`);
  await Promise.all([page.waitForURL('**/trips/new'), page.click('#new-record')]);
  await page.fill('#f-title', o.title);
  await page.fill('#f-destinations', o.destinations);
  await page.fill('#f-startsOn', o.startsOn);
  await page.fill('#f-endsOn', o.endsOn);
  await submitTo(page, new RegExp(`/trips/${UUID}\\?flash=created$`));
  return new URL(page.url()).pathname.split('/')[2];
}

async function chinaTripId(): Promise<string> {
  const { rows } = await app.db.query<{ id: string }>(
    `SELECT id FROM trips WHERE title LIKE 'Wirtschaftsreise China%'`,
  );
  return rows[0].id;
}

async function downloadIcs(page: Page): Promise<{ name: string; events: number }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#download-ics'),
  ]);
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text.startsWith('BEGIN:VCALENDAR')).toBe(true);
  return {
    name: download.suggestedFilename(),
    events: (text.match(/^BEGIN:VEVENT/gm) ?? []).length,
  };
}

describeInBrowser('trips in the browser', () => {
  beforeEach(() => {
    consoleMessages.splice(0);
  });
  afterEach(() => {
    expect(consoleMessages).toEqual([]);
  });

  it('staff takes a trip through create, edit, conflict, delete, undo and restore', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/trips`);
    await screenshot(page, 'trips-list');
    await Promise.all([page.waitForURL('**/trips/new'), page.click('#new-record')]);
    await page.fill('#f-title', 'Delegationsreise Vietnam 2026');
    await page.fill('#f-purpose', 'Kontakte in Hanoi knüpfen');
    // A country by its name or by its code, one destination per line.
    await page.fill('#f-destinations', 'Vietnam, Hanoi\nVN, Ho-Chi-Minh-Stadt');
    await page.fill('#f-startsOn', '2026-03-13');
    await page.fill('#f-endsOn', '2026-03-09');
    await submit(page);
    // The API refuses a trip that ends before it starts: said beside the field, input kept.
    expect(await page.locator('#f-endsOn-error').innerText()).toBe(germanMessage('order'));
    expect(await page.inputValue('#f-title')).toBe('Delegationsreise Vietnam 2026');
    await page.fill('#f-startsOn', '2026-03-09');
    await page.fill('#f-endsOn', '2026-03-13');
    await submitTo(page, new RegExp(`/trips/${UUID}\\?flash=created$`));
    const tripUrl = page.url().split('?')[0];
    const id = tripUrl.split('/').pop()!;
    let main = await page.locator('main').innerText();
    expect(main).toContain('Hanoi, Vietnam · Ho-Chi-Minh-Stadt, Vietnam');
    expect(main).toContain('09.03.2026 – 13.03.2026 (5 Tage)');
    expect(main).toContain('Geplant');
    expect(main).not.toContain('planned');

    // Edit.
    await Promise.all([page.waitForURL(`${tripUrl}/edit`), page.click('#edit')]);
    expect(await page.inputValue('#f-destinations')).toBe('VN, Hanoi\nVN, Ho-Chi-Minh-Stadt');
    await page.fill('#f-purpose', 'Kontakte in Hanoi und Saigon knüpfen');
    await submitTo(page, /\?flash=saved$/);
    expect(await page.locator('main').innerText()).toContain(
      'Kontakte in Hanoi und Saigon knüpfen',
    );

    // Conflict: an admin confirms the trip while staff retitles it from an older form.
    const other = await newPage({ signIn: 'admin@liaison.test' });
    await page.goto(`${tripUrl}/edit`);
    await other.goto(`${tripUrl}/edit`);
    await other.selectOption('#f-status', 'confirmed');
    await submitTo(other, /\?flash=saved$/);
    await page.fill('#f-title', 'Delegationsreise Vietnam 2026: Hanoi und Saigon');
    await submit(page);
    await page.locator('#stale').waitFor();
    expect(await page.locator('#stale').innerText()).toContain('Bestätigt');
    // Only what either person changed is listed (the destinations' line breaks are no change).
    expect(
      await page
        .locator('#stale tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field'))),
    ).toEqual(['title', 'status']);
    expect(await page.inputValue('#f-title')).toBe(
      'Delegationsreise Vietnam 2026: Hanoi und Saigon',
    );
    await screenshot(page, 'trip-stale');
    await submitTo(page, /\?flash=saved$/);
    main = await page.locator('main').innerText();
    expect(await page.locator('h1').innerText()).toBe(
      'Delegationsreise Vietnam 2026: Hanoi und Saigon',
    );
    expect(main).toContain('Bestätigt'); // the admin's change stayed

    // Delete, undo.
    await Promise.all([page.waitForURL(/\/trips\?flash=deleted&undo=/), page.click('#delete')]);
    expect(await page.locator(`#row-${id}`).count()).toBe(0);
    await Promise.all([page.waitForURL(`${tripUrl}?flash=restored`), page.click('#undo')]);
    expect(await page.locator('h1').innerText()).toContain('Hanoi und Saigon');

    // Delete again, restore from the deleted view.
    await Promise.all([page.waitForURL(/\/trips\?flash=deleted/), page.click('#delete')]);
    await Promise.all([page.waitForURL('**/trips?deleted=true'), page.click('#show-deleted')]);
    await page.locator(`#row-${id}`).waitFor();
    await Promise.all([
      page.waitForURL(`${tripUrl}?flash=restored`),
      page.click(`#row-${id} button.restore`),
    ]);
    expect(await page.locator('#flash').innerText()).toContain('Wiederhergestellt');

    // The list filters by status and by days, and shows the status in words.
    await page.goto(`${app.url}/trips?status=confirmed`);
    expect(await page.locator(`#row-${id}`).innerText()).toContain('Bestätigt');
    await page.goto(`${app.url}/trips?from=2019-10-01&to=2019-10-31`);
    expect(await page.locator(`#row-${id}`).count()).toBe(0);
    expect(await page.locator('#list').innerText()).toContain('Wirtschaftsreise China 2019');
    // Sorted by title, by clicking its header: the Vietnam trip (D…) comes before the others (W…).
    await page.goto(`${app.url}/trips`);
    await Promise.all([page.waitForURL('**/trips?sort=title'), page.click('th a.sort >> nth=0')]);
    expect(await page.locator('#list tbody tr td.primary').first().innerText()).toContain(
      'Delegationsreise Vietnam',
    );
  });

  it('staff adds, edits and removes a delegate and an appointment typed in Shanghai time', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    const tripId = await createTrip(page, {
      title: 'Markterkundung Shanghai 2026',
      destinations: 'CN, Shanghai',
      startsOn: '2026-03-09',
      endsOn: '2026-03-13',
    });
    const tripUrl = `${app.url}/trips/${tripId}`;

    // A delegate of DOVO whom the agency pays for.
    await Promise.all([page.waitForURL('**/participants/new'), page.click('#new-participant')]);
    await page.fill('#f-name', 'Hanna Testperson');
    await page.fill('#f-function', 'Vertrieb Asien');
    await page.selectOption('#f-companyId', { label: 'DOVO Stahlwaren' });
    await page.selectOption('#f-costBearer', 'agency');
    await page.fill('#f-estimatedCostEur', '1850');
    // A login may be linked from the agency's directory; none is chosen here.
    expect(await page.locator('#f-userId option').count()).toBeGreaterThan(1);
    await submitTo(page, new RegExp(`/trips/${tripId}\\?flash=created$`));
    const delegate = page.locator('#delegate-list tbody tr', { hasText: 'Hanna Testperson' });
    const pid = (await delegate.getAttribute('id'))!.replace('participant-', '');
    let row = await textOf(delegate);
    for (const text of ['Vertrieb Asien', 'DOVO Stahlwaren', 'Wirtschaftsförderung', '1.850 €'])
      expect(row).toContain(text);
    expect(await textOf(page.locator('#costs'))).toContain('1 Delegierte/r · 1.850 €');

    // An appointment in Shanghai's wall time; the API's refusals show beside their fields.
    await Promise.all([page.waitForURL('**/appointments/new'), page.click('#new-appointment')]);
    expect(await page.inputValue('#f-timeZone')).toBe('Asia/Shanghai');
    await page.fill('#f-title', 'Besuch im Hafen Yangshan');
    await page.selectOption('#f-kind', 'site_visit');
    await page.fill('#f-startsAt', '2026-03-15T14:00');
    await page.fill('#f-endsAt', '2026-03-15T15:30');
    await page.fill('#f-city', 'Shanghai');
    await page.fill('#f-venue', 'Containerterminal Yangshan');
    await submit(page);
    expect(await page.locator('#f-startsAt-error').innerText()).toBe(germanMessage('range'));
    await page.fill('#f-startsAt', '2026-03-10T14:00');
    await page.fill('#f-endsAt', '2026-03-10T13:00');
    await submit(page);
    expect(await page.locator('#f-endsAt-error').innerText()).toBe(germanMessage('order'));
    await page.fill('#f-endsAt', '2026-03-10T15:30');
    await page.check('#f-restricted');
    await submit(page);
    expect(await page.locator('#f-attendeeIds-error').innerText()).toBe(germanMessage('required'));
    await screenshot(page, 'appointment-form-errors');
    await page.check(`#f-attendeeIds input[value="${pid}"]`);
    await submitTo(page, new RegExp(`/trips/${tripId}\\?flash=created$`));
    const item = page.locator('#itinerary li.appointment', { hasText: 'Besuch im Hafen Yangshan' });
    const aid = (await item.getAttribute('id'))!.replace('appointment-', '');
    let text = await item.innerText();
    // 14:00 in Shanghai (UTC+8) is 07:00 in Berlin (UTC+1 in March).
    for (const part of [
      '14:00–15:30',
      'Asia/Shanghai',
      'Berlin 07:00–08:30',
      'Besichtigung',
      'nur geladene Teilnehmer',
      'Containerterminal Yangshan, Shanghai',
      'Hanna Testperson',
    ])
      expect(text).toContain(part);
    expect(await page.locator('#itinerary h3').allInnerTexts()).toEqual([
      'Dienstag, 10. März 2026',
    ]);
    await screenshot(page, 'trip-with-appointment');

    // Edit the appointment: the wall time survives the round trip through its zone.
    await Promise.all([page.waitForURL('**/edit'), page.click(`#edit-appointment-${aid}`)]);
    expect(await page.inputValue('#f-startsAt')).toBe('2026-03-10T14:00');
    await page.fill('#f-venue', 'Containerterminal Yangshan, Besucherzentrum');
    await submitTo(page, /\?flash=saved#appointment-/);
    text = await item.innerText();
    expect(text).toContain('Besucherzentrum');
    expect(text).toContain('14:00–15:30');

    // Conflict on the appointment: the admin retitles it, staff changes its end.
    const other = await newPage({ signIn: 'admin@liaison.test' });
    const editAppointment = `${tripUrl}/appointments/${aid}/edit`;
    await page.goto(editAppointment);
    await other.goto(editAppointment);
    await other.fill('#f-title', 'Besuch im Tiefwasserhafen Yangshan');
    await submitTo(other, /\?flash=saved/);
    await page.fill('#f-endsAt', '2026-03-10T16:00');
    await submit(page);
    await page.locator('#stale').waitFor();
    expect(await page.locator('#stale').innerText()).toContain(
      'Besuch im Tiefwasserhafen Yangshan',
    );
    await submitTo(page, /\?flash=saved/);
    const renamed = page.locator(`#appointment-${aid}`);
    text = await renamed.innerText();
    expect(text).toContain('Besuch im Tiefwasserhafen Yangshan');
    expect(text).toContain('14:00–16:00');
    expect(text).toContain('Berlin 07:00–09:00');

    // Edit the delegate, then a conflict on it.
    await Promise.all([page.waitForURL('**/edit'), page.click(`#edit-participant-${pid}`)]);
    await page.fill('#f-function', 'Vertriebsleiterin Asien');
    await submitTo(page, /\?flash=saved#participant-/);
    expect(await delegate.innerText()).toContain('Vertriebsleiterin Asien');
    const editDelegate = `${tripUrl}/participants/${pid}/edit`;
    await page.goto(editDelegate);
    await other.goto(editDelegate);
    await other.fill('#f-estimatedCostEur', '2100');
    await submitTo(other, /\?flash=saved/);
    await page.selectOption('#f-costBearer', 'self');
    await submit(page);
    await page.locator('#stale').waitFor();
    await submitTo(page, /\?flash=saved/);
    row = await textOf(delegate);
    expect(row).toContain('Selbstzahler');
    expect(row).toContain('2.100 €');

    // Remove both: the trip page says so, and they are gone.
    await Promise.all([
      page.waitForURL(`${tripUrl}?flash=deleted`),
      page.click(`#delete-appointment-${aid}`),
    ]);
    expect(await page.locator(`#appointment-${aid}`).count()).toBe(0);
    await Promise.all([
      page.waitForURL(`${tripUrl}?flash=deleted`),
      page.click(`#delete-participant-${pid}`),
    ]);
    expect(await page.locator(`#participant-${pid}`).count()).toBe(0);
    expect(await page.locator('#flash').innerText()).toContain('Gelöscht');
  });

  it('downloads the itinerary from the trip page: 13 events for staff, 12 for DOVO', async () => {
    const id = await chinaTripId();
    const staff = await newPage({ signIn: 'staff@liaison.test' });
    await staff.goto(`${app.url}/trips/${id}`);
    await screenshot(staff, 'trip-china-staff');
    const forStaff = await downloadIcs(staff);
    expect(forStaff.events).toBe(13);
    expect(forStaff.name).toMatch(/\.ics$/);
    // The agency's totals: three delegates it pays for, eight who pay their own way.
    const costs = await textOf(staff.locator('#costs'));
    expect(costs).toContain('3 Delegierte · 8.350 €');
    expect(costs).toContain('8 Delegierte · 22.000 €');
    const leads = await staff.locator('#produced').innerText();
    expect(leads).toMatch(/Neu: 1/);
    expect(leads).not.toMatch(/\bnew\b/);

    const dovo = await newPage({ signIn: 'dovo@liaison.test' });
    await dovo.goto(`${app.url}/trips/${id}`);
    await screenshot(dovo, 'trip-china-dovo');
    expect((await downloadIcs(dovo)).events).toBe(12); // not the state reception
    const itinerary = await dovo.locator('#itinerary').innerText();
    expect(itinerary).not.toContain('Staatsempfang');
    // DOVO has a delegate on this trip: it sees that line only, and no one else's money.
    const own = await textOf(dovo.locator('#costs'));
    expect(own).toContain('Geschäftsführer DOVO Stahlwaren');
    expect(own).toContain('2.750 €');
    expect(own).not.toContain('Jonas Beispielmann');
    expect(own).not.toContain('8.350');
    expect(await dovo.locator('#costs li').count()).toBe(1);
    // No other company's name, and nothing to change.
    expect(await dovo.locator('main a[href^="/companies/"]').allInnerTexts()).toEqual([
      'DOVO Stahlwaren',
    ]);
    expect(await dovo.locator('main form[method=post]').count()).toBe(0);
    expect(await dovo.locator('#edit, #new-participant, #new-appointment').count()).toBe(0);
  });

  it('shows a viewer the trip without costs and without a way to change it', async () => {
    const id = await chinaTripId();
    const viewer = await newPage({ signIn: 'viewer@liaison.test' });
    await viewer.goto(`${app.url}/trips`);
    expect(await viewer.locator('#new-record, #show-deleted').count()).toBe(0);
    await viewer.goto(`${app.url}/trips/${id}`);
    expect(await viewer.locator('#costs').count()).toBe(0);
    expect(await viewer.locator('main').innerText()).not.toContain('€');
    expect(await viewer.locator('main form[method=post]').count()).toBe(0);
    expect(await viewer.locator('a[href$="/edit"], a[href$="/new"]').count()).toBe(0);
    expect(await viewer.locator('#delegate-list tbody tr').count()).toBe(11);
    expect((await downloadIcs(viewer)).events).toBe(13);
    // Typing a form's address gets a refusal (on a page of its own: the 403 logs to its console).
    const probe = await (await browser.newContext()).newPage();
    await signIn(probe, app.url, 'viewer@liaison.test');
    expect((await probe.goto(`${app.url}/trips/new`))?.status()).toBe(403);
    expect((await probe.goto(`${app.url}/trips/${id}/appointments/new`))?.status()).toBe(403);
    await probe.context().close();
  });

  it('fits a 390 px phone and has no serious accessibility violation', async () => {
    const id = await chinaTripId();
    const problems: string[] = [];
    for (const email of ['staff@liaison.test', 'dovo@liaison.test']) {
      const phone = await newPage({ signIn: email, width: 390 });
      const paths =
        email === 'dovo@liaison.test'
          ? [`/trips/${id}`]
          : [
              '/trips',
              `/trips/${id}`,
              '/trips/new',
              `/trips/${id}/edit`,
              `/trips/${id}/participants/new`,
              `/trips/${id}/appointments/new`,
            ];
      for (const path of paths) {
        const response = await phone.goto(`${app.url}${path}`);
        expect({ path, status: response?.status() }).toEqual({ path, status: 200 });
        const width = await phone.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          inner: window.innerWidth,
        }));
        expect({ path, email, fits: width.scroll <= width.inner }).toEqual({
          path,
          email,
          fits: true,
        });
        for (const v of await seriousViolations(phone)) problems.push(`${email} ${path}: ${v}`);
      }
      await phone.goto(`${app.url}/trips/${id}`);
      await screenshot(phone, `trip-china-390-${email.split('@')[0]}`);
    }
    expect(problems).toEqual([]);
  });
});

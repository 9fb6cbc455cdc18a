import ICAL from 'ical.js';
import { login } from './helpers/auth';
import { Api, Kit, Session, TestApp, useApp } from './helpers/world';

/**
 * Calendar subscriptions on the demo: the delegates of the China trip get their logins (the
 * agency's project lead, DOVO's and Zwilling's managers), then each subscribes and a calendar
 * program (no cookie, no token) reads what the API would show that user.
 */
let app: TestApp, admin: Session, api: Api, make: Kit;
useApp((w) => ({ app, admin, api, make } = w), { env: { SEED_DEMO: 'true' }, timeout: 60_000 });

let staff: Session, dovo: Session, zwilling: Session;
let china: string, israel: string;
const FEED = '/api/v1/me/calendar-feed';

interface FeedDto {
  url: string;
  webcalUrl: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface Event {
  uid: string;
  summary: string;
  allDay: boolean;
  start: string;
  url: string | null;
  description: string;
}

function parse(text: string): { name: string; refresh: string; events: Event[] } {
  ICAL.TimezoneService.reset();
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return {
    name: String(calendar.getFirstPropertyValue('x-wr-calname')),
    refresh: String(calendar.getFirstPropertyValue('x-published-ttl')),
    events: calendar.getAllSubcomponents('vevent').map((v) => {
      const e = new ICAL.Event(v);
      return {
        uid: e.uid,
        summary: e.summary,
        allDay: e.startDate.isDate,
        start: e.startDate.toString(),
        url: (v.getFirstPropertyValue('url') as string | null) ?? null,
        description: e.description,
      };
    }),
  };
}

/** The feed's path on the test app (PUBLIC_URL names localhost, the test app 127.0.0.1). */
const pathOf = (url: string) => new URL(url).pathname;

/** Fetches a feed as a calendar program does: no cookie, no bearer token. */
const fetchFeed = (url: string) => app.http.get(pathOf(url)).set('Cookie', '');

async function subscribe(session: Session): Promise<FeedDto> {
  const res = await app.http.post(FEED).set(session.auth);
  expect(res.status).toBe(201);
  return res.body as FeedDto;
}

async function feedOf(session: Session) {
  const res = await fetchFeed((await subscribe(session)).url);
  expect(res.status).toBe(200);
  return parse(res.text);
}

async function itineraryUids(session: Session, tripId: string): Promise<string[]> {
  const res = await app.http.get(`/api/v1/trips/${tripId}/itinerary.ics`).set(session.auth);
  expect(res.status).toBe(200);
  return parse(res.text).events.map((e) => e.uid);
}

/** Gives the delegate named so the login of `session`. */
async function linkDelegate(tripId: string, name: string, session: Session): Promise<void> {
  const delegates = (await api.get(`/api/v1/trips/${tripId}/participants?limit=200`)).body
    .items as { id: string; name: string }[];
  const delegate = delegates.find((d) => d.name === name)!;
  const res = await api.patch(`/api/v1/trips/${tripId}/participants/${delegate.id}`, {
    userId: session.user.id,
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  [staff, dovo, zwilling] = await Promise.all(
    ['staff', 'dovo', 'zwilling'].map((u) => login(app, `${u}@liaison.test`, 'liaison-demo')),
  );
  const trips = (await api.get('/api/v1/trips')).body.items as { id: string; title: string }[];
  china = trips.find((t) => t.title.includes('China'))!.id;
  israel = trips.find((t) => !t.title.includes('China'))!.id;
  await linkDelegate(china, 'Anna Beispiel', staff);
  await linkDelegate(china, 'Geschäftsführer DOVO Stahlwaren', dovo);
  await linkDelegate(china, 'Jonas Beispielmann', zwilling);
}, 30_000);

describe('a calendar subscription', () => {
  it('is created, shown again and answered as https and webcal', async () => {
    const before = await app.http.get(FEED).set(zwilling.auth);
    expect(before.status).toBe(404);
    const created = await subscribe(zwilling);
    expect(created.url).toMatch(
      /^http:\/\/localhost:\d+\/calendar\/[0-9a-f-]{36}\.[\w-]{43}\.ics$/,
    );
    expect(created.webcalUrl).toBe(created.url.replace(/^http:/, 'webcal:'));
    const shown = await app.http.get(FEED).set(zwilling.auth);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ ...created, lastUsedAt: null });
  });

  it('is fetched without cookie or token, as a private calendar with a refresh interval', async () => {
    const { url } = await subscribe(staff);
    const res = await fetchFeed(url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, max-age=300');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(res.text).toContain('\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n');
    const feed = parse(res.text);
    expect(feed).toMatchObject({ name: 'Liaison: Reisen und Wiedervorlagen', refresh: 'PT1H' });
    // Fetched once: marked as used, and not written again on the next fetch.
    const shown = (await app.http.get(FEED).set(staff.auth)).body as FeedDto;
    expect(shown.lastUsedAt).not.toBeNull();
    await fetchFeed(url);
    expect(((await app.http.get(FEED).set(staff.auth)).body as FeedDto).lastUsedAt).toBe(
      shown.lastUsedAt,
    );
  });

  it("holds the staff member's whole trip itinerary and open follow-ups due, all day", async () => {
    const { events } = await feedOf(staff);
    const appointments = events.filter((e) => !e.allDay);
    expect(appointments.map((e) => e.uid).sort()).toEqual(
      (await itineraryUids(staff, china)).sort(),
    );
    expect(appointments.map((e) => e.summary)).toContain('Staatsempfang');
    const days = events.filter((e) => e.allDay);
    expect(days.map((e) => `${e.start} ${e.summary}`).sort()).toEqual([
      '2019-11-15 Videokonferenz mit Frau Wang zum Start-up-Austausch vereinbaren',
      '2019-11-29 Bericht zur Chinareise für den Wirtschaftsausschuss',
      // Two weeks after the demo was seeded.
      expect.stringMatching(/^20\d\d-\d\d-\d\d Quartalsgespräch mit dem Technologiepark Peking$/),
    ]);
    for (const day of days) {
      const id = day.uid.replace(/@liaison$/, '');
      expect(day.url).toBe(`http://localhost:${new URL(app.url).port}/follow-ups/${id}`);
      expect(day.description).toContain(day.url);
      expect((await app.http.get(`/api/v1/follow-ups/${id}`).set(staff.auth)).body).toMatchObject({
        status: 'open',
        assigneeId: staff.user.id,
      });
    }
  });

  it('keeps the same UIDs when an appointment changes, so the calendar updates it', async () => {
    const { url } = await subscribe(staff);
    const before = parse((await fetchFeed(url)).text).events;
    const appointments = (await api.get(`/api/v1/trips/${china}/appointments?limit=200`)).body
      .items as { id: string; title: string }[];
    const moved = appointments[0];
    const res = await api.patch(`/api/v1/trips/${china}/appointments/${moved.id}`, {
      notes: 'Treffpunkt in der Lobby',
    });
    expect(res.status).toBe(200);
    const after = (await fetchFeed(url)).text;
    expect(parse(after).events.map((e) => e.uid)).toEqual(before.map((e) => e.uid));
    expect(after).toContain('Treffpunkt in der Lobby');
  });

  it('shows a company user exactly its itinerary: no state reception, nothing of another company', async () => {
    // Zwilling's follow-up, assigned to its login: in Zwilling's feed, never in DOVO's.
    const zwillingsOwn = await make.followUp({
      title: 'Zwilling: Preisliste für Shanghai freigeben',
      assigneeId: zwilling.user.id,
      companyId: zwilling.user.companyId,
      dueOn: '2019-11-28',
    });

    const dovoFeed = await feedOf(dovo);
    const uids = dovoFeed.events.map((e) => e.uid);
    expect(uids.sort()).toEqual((await itineraryUids(dovo, china)).sort());
    expect(uids.length).toBeGreaterThan(5);
    expect(dovoFeed.events.map((e) => e.summary).join('\n')).not.toMatch(/Staatsempfang/);
    expect(uids).not.toContain(`${zwillingsOwn.id}@liaison`);
    // The Israel trip, where DOVO has no delegate, is not in it.
    for (const uid of await itineraryUids(admin, israel)) expect(uids).not.toContain(uid);

    const zwillingFeed = await feedOf(zwilling);
    expect(zwillingFeed.name).toBe('Liaison: Reisen und Wiedervorlagen');
    expect(zwillingFeed.events.map((e) => e.uid)).toContain(`${zwillingsOwn.id}@liaison`);
    expect(zwillingFeed.events.map((e) => e.summary).join('\n')).not.toMatch(/Staatsempfang/);
  });

  it("is named in the user's language", async () => {
    const user = await make.user({ role: 'viewer' });
    await app.db.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [user.id]);
    const feed = await feedOf(await login(app, user.email, user.password));
    expect(feed).toEqual({ name: 'Liaison: trips and follow-ups', refresh: 'PT1H', events: [] });
  });

  it('dies at once when rotated: the old URL is a 404, the new one works', async () => {
    const old = await subscribe(dovo);
    const rotated = await subscribe(dovo);
    expect(rotated.url).not.toBe(old.url);
    const gone = await fetchFeed(old.url);
    expect(gone.status).toBe(404);
    expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(gone.headers['cache-control']).toBe('no-store');
    expect((await fetchFeed(rotated.url)).status).toBe(200);
    expect((await app.http.get(FEED).set(dovo.auth)).body.url).toBe(rotated.url);
  });

  it('dies when revoked, and revoking again is still a 204', async () => {
    const { url } = await subscribe(dovo);
    expect((await app.http.delete(FEED).set(dovo.auth)).status).toBe(204);
    expect((await fetchFeed(url)).status).toBe(404);
    expect((await app.http.get(FEED).set(dovo.auth)).status).toBe(404);
    expect((await app.http.delete(FEED).set(dovo.auth)).status).toBe(204);
  });

  it('answers a malformed or forged token with a 404 problem, never a 500', async () => {
    const { url } = await subscribe(zwilling);
    const path = pathOf(url);
    const [id, mac] = path.slice('/calendar/'.length, -'.ics'.length).split('.');
    const forged = `${mac.slice(0, 5)}${mac[5] === 'A' ? 'B' : 'A'}${mac.slice(6)}`;
    for (const bad of [
      '/calendar/x.ics',
      '/calendar/.ics',
      '/calendar/..ics',
      `/calendar/${id}.ics`,
      `/calendar/${id}.${mac}`,
      `/calendar/${id}.${mac}.ical`,
      `/calendar/${id}.${forged}.ics`,
      `/calendar/00000000-0000-4000-8000-000000000000.${mac}.ics`,
      `/calendar/${id}.${mac}x.ics`,
      `/calendar/${"'".repeat(30)}.ics`,
      `/calendar/${id}%2E${mac}.ics`.replace('%2E', '.%00'),
    ]) {
      const res = await app.http.get(bad);
      expect({ bad, status: res.status, type: res.headers['content-type'] }).toEqual({
        bad,
        status: bad.includes('%00') ? 400 : 404,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
    }
    expect((await app.http.get(path)).status).toBe(200);
  });

  it("answers a deactivated user's feed with a 404", async () => {
    const user = await make.user({ role: 'staff' });
    const { url } = await subscribe(await login(app, user.email, user.password));
    expect((await fetchFeed(url)).status).toBe(200);
    const res = await api.patch(`/api/v1/users/${user.id}`, { active: false });
    expect(res.status).toBe(200);
    expect((await fetchFeed(url)).status).toBe(404);
  });

  it('is audited on the user: created, rotated, revoked', async () => {
    const user = await make.user({ role: 'viewer' });
    const session = await login(app, user.email, user.password);
    await subscribe(session);
    await subscribe(session);
    await app.http.delete(FEED).set(session.auth);
    const events = (await api.get(`/api/v1/audit?entity=user&entityId=${user.id}`)).body.items as {
      action: string;
      actorId: string;
    }[];
    expect(events.filter((e) => e.action.startsWith('calendarFeed.')).map((e) => e.action)).toEqual(
      ['calendarFeed.revoke', 'calendarFeed.rotate', 'calendarFeed.create'],
    );
  });
});

import { ArticleTrip, articleTrip } from './helpers/trips';
import type { Appointment, Participant } from './helpers/world';
import { Api, Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js');

let app: TestApp, admin: Session, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, admin, c, make, api } = w));
let story: ArticleTrip;

beforeAll(async () => {
  story = await articleTrip(app, admin, {
    zwilling: c.ownCompany.id,
    dovo: (await make.company({ name: 'DOVO Test' })).id,
    sparkasse: (await make.company({ name: 'Sparkasse Test' })).id,
    stadtwerke: (await make.company({ name: 'Stadtwerke Test' })).id,
  });
});

const get = (path: string, session: Session = admin) => app.http.get(path).set(session.auth);
/** The fields a 400 names, each once. */
const fields = (res: { body: { errors?: { field: string }[] } }) => [
  ...new Set((res.body.errors ?? []).map((e) => e.field)),
];
const tripPath = () => `/api/v1/trips/${story.trip.id}`;

interface ParsedEvent {
  uid: string;
  summary: string;
  zone: string;
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
}

/** The .ics as a calendar program reads it: VTIMEZONEs registered, events with zone and times. */
function parseIcs(text: string): ParsedEvent[] {
  ICAL.TimezoneService.reset();
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return calendar.getAllSubcomponents('vevent').map((component: unknown) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      zone: event.startDate.zone.tzid,
      start: event.startDate.toString(),
      end: event.endDate.toString(),
      startsAt: event.startDate.toJSDate().toISOString(),
      endsAt: event.endDate.toJSDate().toISOString(),
    };
  });
}

describe('the trip story', () => {
  it('has eleven delegates and 13 appointments across Beijing and Shanghai, in time order', async () => {
    const participants = await get(`${tripPath()}/participants?limit=200`);
    expect(participants.status).toBe(200);
    expect(participants.body.items).toHaveLength(11);
    const appointments = await get(`${tripPath()}/appointments?limit=200`);
    expect(appointments.status).toBe(200);
    const items = appointments.body.items as Appointment[];
    expect(items).toHaveLength(13);
    const starts = items.map((a) => a.startsAt);
    expect(starts).toEqual([...starts].sort());
    expect(items[0]).toMatchObject({
      title: 'Begrüßungsabend',
      startsAt: '2019-10-20T10:30:00.000Z',
      timeZone: 'Asia/Shanghai',
      local: { date: '2019-10-20', startTime: '18:30', endTime: '20:30', utcOffset: '+08:00' },
      home: { timeZone: 'Europe/Berlin', date: '2019-10-20', startTime: '12:30' },
    });
  });

  it('pages appointments in time order with a cursor', async () => {
    const first = await get(`${tripPath()}/appointments?limit=5`);
    expect(first.body.items).toHaveLength(5);
    const second = await get(
      `${tripPath()}/appointments?limit=5&cursor=${first.body.nextCursor as string}`,
    );
    expect(second.body.items[0].startsAt > first.body.items[4].startsAt).toBe(true);
  });

  it('reports the costs: three delegates paid by the agency, eight paying their own way', async () => {
    const res = await get(`${tripPath()}/costs`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      participants: 11,
      byBearer: { agency: { count: 3, totalEur: 8350 }, self: { count: 8, totalEur: 22000 } },
      agencyTotalEur: 8350,
      selfTotalEur: 22000,
    });
    expect(res.body.lines).toHaveLength(11);
    expect(res.body.lines[0]).toEqual({
      participantId: story.delegates.mayor.id,
      name: 'Oberbürgermeister',
      function: 'Oberbürgermeister',
      companyId: null,
      costBearer: 'agency',
      estimatedCostEur: 2850,
    });
  });

  it("shows a company user only its own delegates' costs, and totals over those", async () => {
    const res = await get(`${tripPath()}/costs`, c.sessions.own);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      participants: 2,
      byBearer: { agency: { count: 0, totalEur: 0 }, self: { count: 2, totalEur: 6000 } },
      agencyTotalEur: 0,
      selfTotalEur: 6000,
    });
    expect(res.body.lines.map((l: { name: string }) => l.name).sort()).toEqual([
      'Jonas Beispielmann',
      'Lena Musterfrau',
    ]);
  });

  it('shows a company user every delegate by name, but costs only of its own', async () => {
    const res = await get(`${tripPath()}/participants?limit=200`, c.sessions.own);
    expect(res.status).toBe(200);
    const byName = new Map<string, Participant>(
      (res.body.items as Participant[]).map((p) => [p.name, p]),
    );
    expect(byName.size).toBe(11);
    expect(byName.get('Jonas Beispielmann')).toMatchObject({
      companyId: c.ownCompany.id,
      costBearer: 'self',
      estimatedCostEur: 3100,
    });
    expect(byName.get('Oberbürgermeister')).toMatchObject({
      function: 'Oberbürgermeister',
      costBearer: null,
      estimatedCostEur: null,
    });
    expect(byName.get('Geschäftsführer DOVO')).toMatchObject({
      companyId: null,
      costBearer: null,
      estimatedCostEur: null,
    });
  });

  it('keeps the restricted state reception from a company user: list, record and .ics', async () => {
    const reception = story.appointments.reception;
    const agency = await get(`${tripPath()}/appointments?limit=200`, c.sessions.viewer);
    expect(agency.body.items.map((a: Appointment) => a.id)).toContain(reception.id);
    expect(
      agency.body.items.find((a: Appointment) => a.id === reception.id).attendeeIds.sort(),
    ).toEqual([story.delegates.mayor.id, story.delegates.director.id].sort());

    const own = await get(`${tripPath()}/appointments?limit=200`, c.sessions.own);
    expect(own.status).toBe(200);
    expect(own.body.items).toHaveLength(12);
    expect(own.body.items.map((a: Appointment) => a.id)).not.toContain(reception.id);
    expect((await get(`${tripPath()}/appointments/${reception.id}`, c.sessions.own)).status).toBe(
      404,
    );

    // ?ids=: only those, within the same rule (the interactions' pages name their appointments so).
    const some = [reception.id, own.body.items[0].id as string];
    const ids = (res: { body: { items: Appointment[] } }) => res.body.items.map((a) => a.id).sort();
    expect(ids(await get(`${tripPath()}/appointments?ids=${some.join(',')}`))).toEqual(some.sort());
    expect(
      ids(await get(`${tripPath()}/appointments?ids=${some.join(',')}`, c.sessions.own)),
    ).toEqual([own.body.items[0].id]);
    const bad = await get(`${tripPath()}/appointments?ids=nope`);
    expect([bad.status, fields(bad)]).toEqual([400, ['ids']]);

    const ics = await get(`${tripPath()}/itinerary.ics`, c.sessions.own);
    expect(ics.status).toBe(200);
    expect(ics.text).not.toContain('Staatsempfang');
    const events = parseIcs(ics.text);
    expect(events).toHaveLength(12);
    expect(events.map((e) => e.uid)).not.toContain(`${reception.id}@liaison`);
  });

  it('shows a company user a restricted appointment its own delegate attends', async () => {
    const dinner = await make.appointment({
      tripId: story.trip.id,
      title: 'Arbeitsessen mit dem Technologiepark',
      restricted: true,
      attendeeIds: [story.delegates.director.id, story.delegates.zwilling1.id],
      ...{ startsAt: '2019-10-22T12:00:00+08:00', endsAt: '2019-10-22T13:30:00+08:00' },
    });
    const own = await get(`${tripPath()}/appointments/${dinner.id}`, c.sessions.own);
    expect(own.status).toBe(200);
    const ics = await get(`${tripPath()}/itinerary.ics`, c.sessions.own);
    expect(parseIcs(ics.text).map((e) => e.uid)).toContain(`${dinner.id}@liaison`);
    expect((await api.delete(`${tripPath()}/appointments/${dinner.id}`)).status).toBe(204);
    expect((await get(`${tripPath()}/appointments/${dinner.id}`)).status).toBe(404);
  });

  it('hides which other company or partner an appointment points at from a company user', async () => {
    const own = await get(`${tripPath()}/appointments?limit=200`, c.sessions.own);
    const byTitle = new Map<string, Appointment & { companyId: string; partnerId: string }>(
      own.body.items.map((a: Appointment) => [a.title, a]),
    );
    expect(byTitle.get('Besuch bei Zwilling in Shanghai')?.companyId).toBe(c.ownCompany.id);
    expect(byTitle.get('Rundgang Technologiepark')?.partnerId).toBeNull();
    const agency = await get(`${tripPath()}/appointments/${story.appointments.techParkTour.id}`);
    expect(agency.body.partnerId).toBe(story.partners.techPark);
  });

  it('serves the itinerary as iCalendar that imports at the right local times', async () => {
    const res = await get(`${tripPath()}/itinerary.ics`, c.sessions.viewer);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="wirtschaftsreise-china-2019-2019-10-20.ics"',
    );
    expect(res.text).toContain('BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai');
    const events = parseIcs(res.text);
    expect(events).toHaveLength(13);
    const listed = (await get(`${tripPath()}/appointments?limit=200`)).body.items as Appointment[];
    for (const appointment of listed) {
      const event = events.find((e) => e.uid === `${appointment.id}@liaison`);
      expect(event).toEqual({
        uid: `${appointment.id}@liaison`,
        summary: appointment.title,
        zone: appointment.timeZone,
        start: `${appointment.local.date}T${appointment.local.startTime}:00`,
        end: `${appointment.local.endDate}T${appointment.local.endTime}:00`,
        startsAt: appointment.startsAt,
        endsAt: appointment.endsAt,
      });
    }
    expect(events.find((e) => e.summary === 'Staatsempfang')).toMatchObject({
      start: '2019-10-21T18:00:00',
      end: '2019-10-21T20:00:00',
      zone: 'Asia/Shanghai',
    });
    // The same appointment keeps its UID when the itinerary is fetched again.
    const again = parseIcs((await get(`${tripPath()}/itinerary.ics`)).text);
    expect(again.map((e) => e.uid).sort()).toEqual(events.map((e) => e.uid).sort());
  });

  it('shows an appointment past midnight in Shanghai on the day it starts', async () => {
    const late = await make.appointment({
      tripId: story.trip.id,
      title: 'Karaoke mit Gastgebern',
      kind: 'networking',
      city: 'Shanghai',
      startsAt: '2019-10-22T23:00:00+08:00',
      endsAt: '2019-10-23T01:00:00+08:00',
    });
    expect(late).toMatchObject({
      startsAt: '2019-10-22T15:00:00.000Z',
      endsAt: '2019-10-22T17:00:00.000Z',
      local: {
        timeZone: 'Asia/Shanghai',
        date: '2019-10-22',
        startTime: '23:00',
        endDate: '2019-10-23',
        endTime: '01:00',
      },
      home: {
        timeZone: 'Europe/Berlin',
        date: '2019-10-22',
        startTime: '17:00',
        endDate: '2019-10-22',
        endTime: '19:00',
      },
    });
    const events = parseIcs((await get(`${tripPath()}/itinerary.ics`)).text);
    expect(events.find((e) => e.uid === `${late.id}@liaison`)).toMatchObject({
      start: '2019-10-22T23:00:00',
      end: '2019-10-23T01:00:00',
    });
    // It sits between the evening reception and the next morning's visit.
    const titles = ((await get(`${tripPath()}/appointments?limit=200`)).body.items as Appointment[])
      .map((a) => a.title)
      .filter((t) =>
        [
          'Abendempfang Shanghai',
          'Karaoke mit Gastgebern',
          'Besuch bei Zwilling in Shanghai',
        ].includes(t),
      );
    expect(titles).toEqual([
      'Abendempfang Shanghai',
      'Karaoke mit Gastgebern',
      'Besuch bei Zwilling in Shanghai',
    ]);
  });

  it('accepts an early morning on the first day that is still the day before in UTC', async () => {
    const early = await make.appointment({
      tripId: story.trip.id,
      title: 'Ankunft am Flughafen',
      startsAt: '2019-10-20T06:00:00+08:00',
      endsAt: '2019-10-20T07:00:00+08:00',
    });
    expect(early.local.date).toBe('2019-10-20');
    expect(early.startsAt).toBe('2019-10-19T22:00:00.000Z');
  });

  it('links an agreement to its signing appointment and counts what the trip produced', async () => {
    const signing = story.appointments.techParkSigning;
    const created = await app.http
      .post('/api/v1/agreements')
      .set(c.sessions.staff.auth)
      .send({
        partnerId: story.partners.techPark,
        title: 'Kooperationsvereinbarung Technologiepark',
        kind: 'cooperation',
        status: 'signed',
        signedOn: '2019-10-21',
        appointmentId: signing.id,
        signatories: ['Oberbürgermeister', 'Geschäftsführer Wirtschaftsförderung'],
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ appointmentId: signing.id, tripId: story.trip.id });
    const ofTrip = await get(`/api/v1/agreements?tripId=${story.trip.id}`);
    expect(ofTrip.body.items.map((a: { id: string }) => a.id)).toEqual([created.body.id]);

    const { rows } = await app.db.query<{ id: string }>(
      `SELECT id FROM users WHERE email = 'admin@test.liaison'`,
    );
    await app.db.query(
      `INSERT INTO leads (company_id, title, stage, trip_id) VALUES
        ($1, 'Vertrieb über den Technologiepark', 'qualified', $3),
        ($1, 'Händler in Shanghai', 'new', $3),
        ($2, 'Fremder Lead', 'won', $3)`,
      [c.ownCompany.id, c.foreignCompany.id, story.trip.id],
    );
    await app.db.query(
      `INSERT INTO interactions (occurred_at, subject, trip_id, author_id, confidential) VALUES
        ('2019-10-21T07:00:00Z', 'Gespräch mit der Parkleitung', $1, $2, false),
        ('2019-10-21T11:00:00Z', 'Vertraulich', $1, $2, true)`,
      [story.trip.id, rows[0].id],
    );

    const staff = await get(tripPath(), c.sessions.staff);
    expect(staff.status).toBe(200);
    expect(staff.headers.etag).toBe(`"${staff.body.version}"`);
    expect(staff.body.produced).toEqual({
      interactions: 2,
      leads: {
        total: 3,
        byStage: { new: 1, contacted: 0, qualified: 1, proposal: 0, won: 1, lost: 0 },
      },
      agreements: 1,
    });
    expect((await get(tripPath(), c.sessions.viewer)).body.produced.interactions).toBe(1);
    expect((await get(tripPath(), c.sessions.own)).body.produced).toEqual({
      interactions: null,
      leads: {
        total: 2,
        byStage: { new: 1, contacted: 0, qualified: 1, proposal: 0, won: 0, lost: 0 },
      },
      agreements: null,
    });
  });
});

describe('trips: lists and filters', () => {
  beforeAll(async () => {
    await make.trip({
      title: 'Wirtschaftsreise Israel 2017',
      destinations: [{ country: 'IL', city: 'Tel Aviv' }],
      startsOn: '2017-11-05',
      endsOn: '2017-11-09',
      status: 'completed',
    });
    await make.trip({
      title: 'Messe in Zürich_100%',
      destinations: [{ country: 'ch', city: 'Zürich' }],
      startsOn: '2021-03-01',
      endsOn: '2021-03-03',
      status: 'planned',
    });
  });
  const titles = async (query: string, session: Session = admin) => {
    const res = await get(`/api/v1/trips?${query}`, session);
    expect(res.status).toBe(200);
    return (res.body.items as { title: string }[]).map((t) => t.title);
  };

  it('sorts by first day, latest first, by default', async () => {
    expect(await titles('')).toEqual([
      'Messe in Zürich_100%',
      'Wirtschaftsreise China 2019',
      'Wirtschaftsreise Israel 2017',
    ]);
    expect(await titles('sort=startsOn')).toEqual([
      'Wirtschaftsreise Israel 2017',
      'Wirtschaftsreise China 2019',
      'Messe in Zürich_100%',
    ]);
    expect((await titles('sort=createdAt'))[0]).toBe('Wirtschaftsreise China 2019');
  });

  it('filters by status and by days', async () => {
    expect(await titles('status=completed')).toEqual(['Wirtschaftsreise Israel 2017']);
    expect(await titles('from=2019-10-24&to=2019-10-24')).toEqual(['Wirtschaftsreise China 2019']);
    expect(await titles('from=2019-10-25&to=2021-02-28')).toEqual([]);
    expect(await titles('from=2020-01-01')).toEqual(['Messe in Zürich_100%']);
  });

  it('searches titles case- and accent-insensitively, with wildcards taken literally', async () => {
    expect(await titles('q=ZURICH')).toEqual(['Messe in Zürich_100%']);
    expect(await titles('q=israel')).toEqual(['Wirtschaftsreise Israel 2017']);
    expect(await titles(`q=${encodeURIComponent('_100%')}`)).toEqual(['Messe in Zürich_100%']);
    expect(await titles(`q=${encodeURIComponent('%')}`)).toEqual(['Messe in Zürich_100%']);
    expect(await titles('q=reise%20c')).toEqual(['Wirtschaftsreise China 2019']);
  });

  it('stores destinations with upper-case country codes', async () => {
    const res = await get('/api/v1/trips?q=zurich');
    expect(res.body.items[0].destinations).toEqual([{ country: 'CH', city: 'Zürich' }]);
  });

  it('lists for a company user only the trips its company takes part in', async () => {
    expect(await titles('', c.sessions.own)).toEqual(['Wirtschaftsreise China 2019']);
    expect(await titles('', c.sessions.foreign)).toEqual([]);
    expect(await titles('q=israel', c.sessions.own)).toEqual([]);
  });

  it.each([
    ['sort=status', 'sort'],
    ['status=done', 'status'],
    ['from=2019-13-01', 'from'],
    ['to=2019-02-30', 'to'],
    ['from=2019-10-24&to=2019-10-01', 'to'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['cursor=forged', 'cursor'],
    ['deleted=maybe', 'deleted'],
    ['unknown=1', 'unknown'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    const res = await get(`/api/v1/trips?${query}`);
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
  });
});

describe('trips: bad input is a 400 naming the field', () => {
  const valid = { title: 'Reise', startsOn: '2019-10-20', endsOn: '2019-10-24' };

  it.each([
    [{}, ['title', 'startsOn', 'endsOn']],
    [{ ...valid, title: '' }, ['title']],
    [{ ...valid, startsOn: '2019-02-30' }, ['startsOn']],
    [{ ...valid, startsOn: '2019-02-29' }, ['startsOn']],
    [{ ...valid, endsOn: '24.10.2019' }, ['endsOn']],
    [{ ...valid, endsOn: '2019-10-19' }, ['endsOn']],
    [{ ...valid, status: 'done' }, ['status']],
    [{ ...valid, status: null }, ['status']],
    [{ ...valid, destinations: 'CN' }, ['destinations']],
    [{ ...valid, destinations: [{ country: 'XX' }] }, ['destinations.0.country']],
    [{ ...valid, destinations: [{ country: 'CN', airport: 'PEK' }] }, ['destinations.0.airport']],
    [{ ...valid, destinations: [null] }, ['destinations.0']],
    [{ ...valid, destinations: null }, ['destinations']],
    [{ ...valid, version: 3 }, ['version']],
  ])('POST %j → 400 naming %j', async (body, expected) => {
    const res = await app.http.post('/api/v1/trips').set(admin.auth).send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(fields(res)).toEqual(expect.arrayContaining(expected));
  });

  it.each([
    [{ title: null }, 'title'],
    [{ endsOn: '2019-10-01' }, 'endsOn'],
    [{ startsOn: '2019-10-30' }, 'startsOn'],
    [{ startsOn: null }, 'startsOn'],
  ])('PATCH %j → 400 naming %s', async (body, field) => {
    const trip = await make.trip();
    const res = await api.patch(`/api/v1/trips/${trip.id}`, body);
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
  });

  it('refuses to move the days so that appointments fall outside them', async () => {
    const trip = await make.trip();
    await make.appointment({
      tripId: trip.id,
      startsAt: '2019-10-20T10:00:00+08:00',
      endsAt: '2019-10-20T11:00:00+08:00',
    });
    const res = await api.patch(`/api/v1/trips/${trip.id}`, { startsOn: '2019-10-21' });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['startsOn']);
    const later = await api.patch(`/api/v1/trips/${trip.id}`, { endsOn: '2019-10-26' });
    expect(later.status).toBe(200);
  });

  it('answers malformed ids with 400 naming the parameter', async () => {
    expect(fields(await get('/api/v1/trips/not-a-uuid'))).toEqual(['id']);
    expect(fields(await get('/api/v1/trips/not-a-uuid/participants'))).toEqual(['tripId']);
    expect(fields(await get(`${tripPath()}/participants/xyz`))).toEqual(['participantId']);
    expect(fields(await get(`${tripPath()}/appointments/xyz`))).toEqual(['appointmentId']);
  });
});

describe('participants: bad input is a 400 naming the field', () => {
  it.each([
    [{}, ['name']],
    [{ name: 'X', costBearer: 'city' }, ['costBearer']],
    [{ name: 'X', costBearer: null }, ['costBearer']],
    [{ name: 'X', estimatedCostEur: -1 }, ['estimatedCostEur']],
    [{ name: 'X', estimatedCostEur: '2500' }, ['estimatedCostEur']],
    [{ name: 'X', estimatedCostEur: 12.345 }, ['estimatedCostEur']],
    [{ name: 'X', estimatedCostEur: 5e-324 }, ['estimatedCostEur']],
    [{ name: 'X', companyId: 'abc' }, ['companyId']],
    [{ name: 'X', companyId: '00000000-0000-4000-8000-000000000000' }, ['companyId']],
    [{ name: 'X', userId: '00000000-0000-4000-8000-000000000000' }, ['userId']],
    [{ name: 'X', tripId: '00000000-0000-4000-8000-000000000000' }, ['tripId']],
  ])('POST %j → 400 naming %j', async (body, expected) => {
    const res = await app.http.post(`${tripPath()}/participants`).set(admin.auth).send(body);
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(expect.arrayContaining(expected));
  });

  it("refuses a company user's login on a delegate of another company", async () => {
    const user = await make.user({ role: 'company', companyId: c.ownCompany.id });
    const res = await app.http
      .post(`${tripPath()}/participants`)
      .set(admin.auth)
      .send({ name: 'X', companyId: c.foreignCompany.id, userId: user.id });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['userId']);
    const fine = await app.http
      .post(`${tripPath()}/participants`)
      .set(admin.auth)
      .send({ name: 'X', companyId: c.ownCompany.id, userId: user.id });
    expect(fine.status).toBe(201);
    expect((await api.delete(`${tripPath()}/participants/${fine.body.id}`)).status).toBe(204);
  });

  it('changes a delegate with If-Match and records the change', async () => {
    const trip = await make.trip();
    const p = await make.participant({
      tripId: trip.id,
      name: 'Delegierte',
      estimatedCostEur: 100,
    });
    const path = `/api/v1/trips/${trip.id}/participants/${p.id}`;
    expect((await app.http.patch(path).set(admin.auth).send({ name: 'Y' })).status).toBe(428);
    expect((await api.patch(path, { name: 'Y' }, { ifMatch: '"7"' })).status).toBe(412);
    const res = await api.patch(path, {
      costBearer: 'agency',
      estimatedCostEur: 2450.5,
      function: 'Stadtdirektorin',
    });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({ costBearer: 'agency', estimatedCostEur: 2450.5, version: 2 });
    const audit = await get(`/api/v1/audit?entity=participant&entityId=${p.id}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'update',
      changes: {
        costBearer: { before: 'self', after: 'agency' },
        estimatedCostEur: { before: 100, after: 2450.5 },
      },
    });
    // Another trip's delegate is not found under this trip.
    expect((await get(`${tripPath()}/participants/${p.id}`)).status).toBe(404);
  });
});

describe('appointments: bad input is a 400 naming the field', () => {
  let otherTripDelegate: Participant;
  beforeAll(async () => {
    const other = await make.trip({ title: 'Andere Reise' });
    otherTripDelegate = await make.participant({ tripId: other.id, name: 'Fremd' });
  });
  const base = {
    title: 'Termin',
    startsAt: '2019-10-21T09:00:00+08:00',
    endsAt: '2019-10-21T10:00:00+08:00',
    timeZone: 'Asia/Shanghai',
  };
  const propose = (body: Record<string, unknown>) => api.post(`${tripPath()}/appointments`, body);

  it.each([
    [{}, ['title', 'startsAt', 'endsAt', 'timeZone']],
    [{ ...base, endsAt: '2019-10-21T08:00:00+08:00' }, ['endsAt']],
    [{ ...base, endsAt: base.startsAt }, ['endsAt']],
    [
      { ...base, startsAt: '2019-10-19T09:00:00+08:00', endsAt: '2019-10-19T10:00:00+08:00' },
      ['startsAt', 'endsAt'],
    ],
    [
      { ...base, startsAt: '2019-10-24T23:00:00+08:00', endsAt: '2019-10-25T01:00:00+08:00' },
      ['endsAt'],
    ],
    [{ ...base, startsAt: '2019-10-21T09:00:00' }, ['startsAt']],
    [{ ...base, startsAt: '2019-02-30T09:00:00+08:00' }, ['startsAt']],
    [{ ...base, startsAt: 'morgen früh' }, ['startsAt']],
    [{ ...base, timeZone: 'Mars/Olympus_Mons' }, ['timeZone']],
    [{ ...base, timeZone: '+08:00' }, ['timeZone']],
    [{ ...base, timeZone: 'China Standard Time' }, ['timeZone']],
    [{ ...base, kind: 'party' }, ['kind']],
    [{ ...base, restricted: 'yes' }, ['restricted']],
    [{ ...base, restricted: true }, ['attendeeIds']],
    [{ ...base, restricted: true, attendeeIds: [] }, ['attendeeIds']],
    [{ ...base, attendeeIds: ['abc'] }, ['attendeeIds']],
    [{ ...base, attendeeIds: null }, ['attendeeIds']],
    [{ ...base, partnerId: '00000000-0000-4000-8000-000000000000' }, ['partnerId']],
    [{ ...base, companyId: '00000000-0000-4000-8000-000000000000' }, ['companyId']],
  ])('POST %j → 400 naming %j', async (body, expected) => {
    const res = await propose(body);
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(expect.arrayContaining(expected));
  });

  it("refuses an attendee who is not a participant of this trip (another trip's delegate)", async () => {
    const res = await propose({
      ...base,
      restricted: true,
      attendeeIds: [story.delegates.mayor.id, otherTripDelegate.id],
    });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['attendeeIds']);
    expect(res.body.errors[0].message).toContain(otherTripDelegate.id);
  });

  it('judges the days in the zone the appointment happens in', async () => {
    // 23:00 on 24 October in Berlin is already 25 October in Shanghai: a call held on Berlin's
    // clocks is on the trip's last day, the same instants on Shanghai's clocks are not.
    const berlin = await make.appointment({
      tripId: story.trip.id,
      title: 'Videokonferenz mit Solingen',
      timeZone: 'Europe/Berlin',
      startsAt: '2019-10-24T23:00:00+02:00',
      endsAt: '2019-10-24T23:30:00+02:00',
    });
    expect(berlin.local).toMatchObject({ date: '2019-10-24', startTime: '23:00' });
    const res = await propose({
      ...base,
      startsAt: '2019-10-24T23:00:00+02:00',
      endsAt: '2019-10-24T23:30:00+02:00',
    });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['startsAt', 'endsAt']);
  });

  it('validates a change against the merged appointment', async () => {
    const a = await make.appointment({
      tripId: story.trip.id,
      title: 'Verschiebbar',
      startsAt: '2019-10-20T09:00:00+08:00',
      endsAt: '2019-10-20T10:00:00+08:00',
    });
    const path = `${tripPath()}/appointments/${a.id}`;
    const patch = (body: Record<string, unknown>) => api.patch(path, body);
    expect(fields(await patch({ endsAt: '2019-10-20T08:00:00+08:00' }))).toEqual(['endsAt']);
    expect(fields(await patch({ restricted: true }))).toEqual(['attendeeIds']);
    expect(fields(await patch({ timeZone: 'America/Los_Angeles' }))).toEqual([
      'startsAt',
      'endsAt',
    ]);
    expect(fields(await patch({ title: null }))).toEqual(['title']);
    expect(fields(await patch({ attendeeIds: [otherTripDelegate.id] }))).toEqual(['attendeeIds']);
    const moved = await patch({
      startsAt: '2019-10-22T14:00:00+08:00',
      endsAt: '2019-10-22T15:00:00+08:00',
      restricted: true,
      attendeeIds: [story.delegates.agency.id],
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      version: 2,
      restricted: true,
      attendeeIds: [story.delegates.agency.id],
      local: { date: '2019-10-22', startTime: '14:00' },
    });
    const audit = await get(`/api/v1/audit?entity=appointment&entityId=${a.id}`);
    expect(audit.body.items[0].changes).toMatchObject({
      restricted: { before: false, after: true },
      attendeeIds: { before: [], after: [story.delegates.agency.id] },
    });
  });
});

describe('trips: concurrency, soft delete, restore and purge', () => {
  it('20 parallel PATCHes with the same ETag: exactly one 200, nineteen 412', async () => {
    const trip = await make.trip({ title: 'Race' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.patch(`/api/v1/trips/${trip.id}`, { purpose: `Writer ${i}` }, { ifMatch: '"1"' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    expect(results.find((r) => r.status === 412)?.headers.etag).toBe('"2"');
    const after = await get(`/api/v1/trips/${trip.id}`);
    expect(after.body.version).toBe(2);
    const winner = results.find((r) => r.status === 200)!;
    expect(after.body.purpose).toBe(winner.body.purpose);
  });

  it('soft-deletes a trip with its nested routes, restores it, and purges it with them', async () => {
    const trip = await make.trip({ title: 'Kurzlebig' });
    const p = await make.participant({ tripId: trip.id, companyId: c.ownCompany.id });
    await make.appointment({ tripId: trip.id, restricted: true, attendeeIds: [p.id] });
    const met = await make.contact({ familyName: 'Kurz' });
    const logged = await make.interaction({ tripId: trip.id, contactIds: [met.id] });
    const path = `/api/v1/trips/${trip.id}`;
    // Live, each of its parts answers with what it keeps.
    for (const sub of ['/participants', '/appointments', '/contacts'])
      expect({ sub, items: (await get(`${path}${sub}`)).body.items.length }).toEqual({
        sub,
        items: 1,
      });
    expect((await app.http.delete(path).set(admin.auth)).status).toBe(428);
    expect((await api.delete(path, { ifMatch: '"9"' })).status).toBe(412);
    expect((await app.http.post(`${path}/purge`).set(admin.auth)).status).toBe(404);
    expect((await api.delete(path, { ifMatch: '"1"' })).status).toBe(204);
    // Deleted, none of them shows what it still keeps.
    for (const sub of [
      '',
      '/participants',
      '/appointments',
      '/costs',
      '/contacts',
      '/itinerary.ics',
    ]) {
      expect({ sub, status: (await get(`${path}${sub}`)).status }).toEqual({ sub, status: 404 });
    }
    expect((await get(path, c.sessions.own)).status).toBe(404);
    const deleted = await get('/api/v1/trips?deleted=true');
    expect(deleted.body.items.map((t: { id: string }) => t.id)).toEqual([trip.id]);
    const restored = await app.http.post(`${path}/restore`).set(c.sessions.staff.auth);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ deletedAt: null, version: 3 });
    expect((await get(`${path}/appointments`, c.sessions.own)).body.items).toHaveLength(1);

    expect((await api.delete(path)).status).toBe(204);
    // The interaction goes first: what points at a trip keeps it (below).
    const interaction = `/api/v1/interactions/${logged.id}`;
    expect((await api.as(admin).delete(interaction)).status).toBe(204);
    expect((await app.http.post(`${interaction}/purge`).set(admin.auth)).status).toBe(204);
    expect((await app.http.post(`${path}/purge`).set(admin.auth)).status).toBe(204);
    const { rows } = await app.db.query(
      `SELECT (SELECT count(*) FROM trips WHERE id = $1)::int AS trips,
              (SELECT count(*) FROM participants WHERE trip_id = $1)::int AS participants,
              (SELECT count(*) FROM appointments WHERE trip_id = $1)::int AS appointments`,
      [trip.id],
    );
    expect(rows[0]).toEqual({ trips: 0, participants: 0, appointments: 0 });
    const audit = await get(`/api/v1/audit?entity=trip&entityId=${trip.id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'purge',
      'delete',
      'restore',
      'delete',
      'create',
    ]);
  });

  it('keeps a trip whose appointment an agreement points at (409 on purge)', async () => {
    const trip = await make.trip({ title: 'Mit Vereinbarung' });
    const signing = await make.appointment({ tripId: trip.id, kind: 'signing' });
    await app.http
      .post('/api/v1/agreements')
      .set(admin.auth)
      .send({ partnerId: story.partners.campus3d, title: 'MoU', appointmentId: signing.id })
      .expect(201);
    await api.delete(`/api/v1/trips/${trip.id}`);
    expect((await app.http.post(`/api/v1/trips/${trip.id}/purge`).set(admin.auth)).status).toBe(
      409,
    );
    const { rows } = await app.db.query(
      'SELECT count(*)::int AS n FROM appointments WHERE trip_id = $1',
      [trip.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('records the creation of a trip with its fields', async () => {
    const trip = await make.trip({ title: 'Audit-Reise' });
    const audit = await get(`/api/v1/audit?entity=trip&entityId=${trip.id}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'create',
      changes: {
        title: { before: null, after: 'Audit-Reise' },
        startsOn: { before: null, after: '2019-10-20' },
      },
    });
  });
});

describe('trips: the contacts met', () => {
  const met = async (tripId: string, session: Session = admin, query = '') => {
    const res = await app.http.get(`/api/v1/trips/${tripId}/contacts${query}`).set(session.auth);
    expect([res.status, res.body.detail]).toEqual([200, undefined]);
    return res.body as { items: { id: string; name: string }[]; more: boolean };
  };

  it('names the contacts its interactions name, the most recently met first, as far as the caller may see them', async () => {
    const [trip, other] = await Promise.all([make.trip(), make.trip()]);
    const [zhou, anna, hidden, gone, elsewhere, erased] = await Promise.all([
      make.contact({ familyName: 'Zhou', givenName: 'Li', nativeName: '周丽' }),
      make.contact({ familyName: 'Albers', givenName: 'Anna' }),
      make.contact({ familyName: 'Geheim' }),
      make.contact({ familyName: 'Gelöscht' }),
      make.contact({ familyName: 'Anderswo' }),
      make.contact({ familyName: 'Entfernt' }),
    ]);
    const at = (day: number) => `2019-10-${day}T02:00:00.000Z`;
    await make.interaction({ tripId: trip.id, occurredAt: at(21), contactIds: [zhou.id, anna.id] });
    await make.interaction({
      tripId: trip.id,
      occurredAt: at(22),
      contactIds: [anna.id, erased.id],
    });
    await make.interaction({
      tripId: trip.id,
      occurredAt: at(23),
      contactIds: [hidden.id],
      confidential: true,
    });
    const deleted = await make.interaction({ tripId: trip.id, contactIds: [gone.id] });
    expect((await api.as(admin).delete(`/api/v1/interactions/${deleted.id}`)).status).toBe(204);
    await make.interaction({ tripId: other.id, contactIds: [elsewhere.id] });
    await app.db.query('UPDATE contacts SET deleted_at = now() WHERE id = $1', [erased.id]);

    expect(await met(trip.id)).toEqual({
      items: [
        { id: hidden.id, name: 'Geheim' },
        { id: anna.id, name: 'Anna Albers' },
        { id: zhou.id, name: 'Zhou Li 周丽' },
      ],
      more: false,
    });
    // A viewer does not see the confidential conversation, nor so whom it was with.
    expect((await met(trip.id, c.sessions.viewer)).items.map((x) => x.id)).toEqual([
      anna.id,
      zhou.id,
    ]);
    expect(await met(trip.id, admin, '?limit=1')).toEqual({
      items: [{ id: hidden.id, name: 'Geheim' }],
      more: true,
    });
    // A contact whose processing is restricted only an admin sees (contacts/scope.ts).
    await app.db.query('UPDATE contacts SET restricted_at = now() WHERE id = $1', [zhou.id]);
    expect((await met(trip.id, c.sessions.staff)).items.map((x) => x.id)).toEqual([
      hidden.id,
      anna.id,
    ]);
  });

  it('is for those who read the contact log; an unknown trip is a 404, a bad limit a 400', async () => {
    const trip = await make.trip();
    const get = (path: string, session: Session = admin) =>
      app.http.get(`/api/v1/trips/${path}`).set(session.auth);
    expect((await get(`${trip.id}/contacts`, c.sessions.own)).status).toBe(403);
    expect((await get('00000000-0000-4000-8000-000000000000/contacts')).status).toBe(404);
    expect((await get('nope/contacts')).status).toBe(400);
    for (const limit of ['0', '201', 'x']) {
      const res = await get(`${trip.id}/contacts?limit=${limit}`);
      expect([limit, res.status, JSON.stringify(res.body)]).toEqual([
        limit,
        400,
        expect.stringContaining('"field":"limit"'),
      ]);
    }
  });
});

import type { EntityManager } from 'typeorm';
import { seedDemoTrips } from '../src/demo/trips';
import { Appointment, Kit, Participant, Session, TestApp, useApp } from './helpers/world';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js');

let app: TestApp, admin: Session, make: Kit;
useApp((w) => ({ app, admin, make } = w));
let ids: Parameters<typeof seedDemoTrips>[1];

/** The demo seed through a plain pg connection, in one transaction, as the main seed runs it. */
beforeAll(async () => {
  const one = async (sql: string, params: unknown[]) =>
    (await app.db.query<{ id: string }>(sql, params)).rows[0].id;
  const company = (name: string) =>
    one(`INSERT INTO companies (name, city, country) VALUES ($1, 'Solingen', 'DE') RETURNING id`, [
      name,
    ]);
  const partner = (name: string, kind: string, city: string) =>
    one(`INSERT INTO partners (name, kind, country, city) VALUES ($1, $2, 'CN', $3) RETURNING id`, [
      name,
      kind,
      city,
    ]);
  const companies = {
    zwilling: await company('Zwilling'),
    dovo: await company('DOVO Stahlwaren'),
    sparkasse: await company('Stadt-Sparkasse Solingen'),
    stadtwerke: await company('Stadtwerke Solingen'),
  };
  const login = async (role: string, companyId?: string) =>
    (await make.user({ role, companyId })).id;
  ids = {
    companies,
    partners: {
      techPark: await partner('Technologiepark Peking', 'technology_park', 'Peking'),
      campus3d: await partner('3D-Campus Shanghai', 'campus', 'Shanghai'),
    },
    users: {
      admin: admin.user.id,
      staff: await login('staff'),
      viewer: await login('viewer'),
      dovo: await login('company', companies.dovo),
      zwilling: await login('company', companies.zwilling),
    },
  };
  const client = await app.db.connect();
  try {
    await client.query('BEGIN');
    const em = {
      query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows,
    } as unknown as EntityManager;
    await seedDemoTrips(em, ids);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
});

const get = async (path: string, session: Session = admin) => {
  const res = await app.http.get(path).set(session.auth);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
};
const tripIds = async (session: Session = admin) => {
  const items = (await get('/api/v1/trips', session)).body.items as { id: string; title: string }[];
  return Object.fromEntries(
    items.map((t) => [t.title.includes('China') ? 'china' : 'israel', t.id]),
  );
};

describe('the demo trips', () => {
  it('has the China trip of the article and the 2017 Israel trip, both completed', async () => {
    const items = (await get('/api/v1/trips')).body.items;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      startsOn: '2019-10-20',
      endsOn: '2019-10-24',
      status: 'completed',
      destinations: [
        { country: 'CN', city: 'Peking' },
        { country: 'CN', city: 'Shanghai' },
      ],
    });
    expect(items[1]).toMatchObject({ startsOn: '2017-11-05', status: 'completed' });
    expect(items[1].destinations[0].country).toBe('IL');
  });

  it('has eleven delegates of whom the agency pays three', async () => {
    const { china } = await tripIds();
    const costs = (await get(`/api/v1/trips/${china}/costs`)).body;
    expect(costs.participants).toBe(11);
    expect(costs.byBearer.agency.count).toBe(3);
    expect(costs.byBearer.self.count).toBe(8);
    const participants = (await get(`/api/v1/trips/${china}/participants?limit=200`)).body
      .items as Participant[];
    const functions = participants.map((p) => p.function ?? '');
    expect(functions.some((f) => f.startsWith('Oberbürgermeister'))).toBe(true);
    expect(functions).toContain('Geschäftsführer Wirtschaftsförderung');
    const companies = new Set(participants.map((p) => p.companyId));
    for (const id of Object.values(ids.companies)) expect(companies.has(id)).toBe(true);
    const dovo = participants.find((p) => p.companyId === ids.companies.dovo);
    expect(dovo).toMatchObject({ function: 'Geschäftsführer', costBearer: 'self' });
  });

  it('has 13 appointments in Beijing, then Shanghai, in Shanghai time at plausible hours', async () => {
    const { china } = await tripIds();
    const items = (await get(`/api/v1/trips/${china}/appointments?limit=200`)).body
      .items as (Appointment & {
      city: string;
      partnerId: string | null;
      companyId: string | null;
    })[];
    expect(items).toHaveLength(13);
    const cities = items.map((a) => a.city);
    const firstShanghai = cities.indexOf('Shanghai');
    expect(cities.slice(0, firstShanghai).every((c) => c === 'Peking')).toBe(true);
    expect(cities.slice(firstShanghai).every((c) => c === 'Shanghai')).toBe(true);
    for (const a of items) {
      expect(a.timeZone).toBe('Asia/Shanghai');
      expect(a.local.startTime >= '08:00' && a.local.endTime <= '22:00').toBe(true);
      expect(a.local.date >= '2019-10-20' && a.local.date <= '2019-10-24').toBe(true);
    }
    const reception = items.filter((a) => a.kind === 'state_reception');
    expect(reception).toHaveLength(1);
    expect(reception[0].restricted).toBe(true);
    expect(reception[0].attendeeIds).toHaveLength(2);
    const signings = items.filter((a) => a.kind === 'signing');
    expect(signings.map((s) => [s.city, s.partnerId])).toEqual([
      ['Peking', ids.partners.techPark],
      ['Shanghai', ids.partners.campus3d],
    ]);
    const zwilling = items.find((a) => a.companyId === ids.companies.zwilling);
    expect(zwilling).toMatchObject({ kind: 'company_visit', city: 'Shanghai' });
  });

  it('has the two cooperation agreements, signed at their signing appointments', async () => {
    const { china } = await tripIds();
    const agreements = (await get(`/api/v1/agreements?tripId=${china}&sort=signedOn`)).body.items;
    expect(agreements).toHaveLength(2);
    const appointments = (await get(`/api/v1/trips/${china}/appointments?limit=200`)).body
      .items as Appointment[];
    for (const [agreement, partner] of [
      [agreements[0], ids.partners.techPark],
      [agreements[1], ids.partners.campus3d],
    ]) {
      const signing = appointments.find((a) => a.id === agreement.appointmentId)!;
      expect(signing.kind).toBe('signing');
      expect(agreement).toMatchObject({
        partnerId: partner,
        kind: 'cooperation',
        status: 'signed',
        tripId: china,
        signedOn: signing.local.date,
      });
    }
    expect((await get(`/api/v1/trips/${china}`)).body.produced.agreements).toBe(2);
  });

  it('has the Israel trip with a few delegates and appointments in Jerusalem time', async () => {
    const { israel } = await tripIds();
    const items = (await get(`/api/v1/trips/${israel}/appointments`)).body.items as Appointment[];
    expect(items.length).toBeGreaterThanOrEqual(3);
    for (const a of items) {
      expect(a.timeZone).toBe('Asia/Jerusalem');
      expect(a.local.utcOffset).toBe('+02:00');
    }
    const costs = (await get(`/api/v1/trips/${israel}/costs`)).body;
    expect(costs.participants).toBeGreaterThanOrEqual(3);
  });

  it("shows DOVO's login the China trip without the state reception, and not Israel", async () => {
    const dovo = await make.session('company', ids.companies.dovo);
    const visible = await tripIds(dovo);
    expect(Object.keys(visible)).toEqual(['china']);
    const appointments = (await get(`/api/v1/trips/${visible.china}/appointments?limit=200`, dovo))
      .body.items as Appointment[];
    expect(appointments).toHaveLength(12);
    expect(appointments.some((a) => a.kind === 'state_reception')).toBe(false);
    const ics = (await get(`/api/v1/trips/${visible.china}/itinerary.ics`, dovo)).text;
    const calendar = new ICAL.Component(ICAL.parse(ics));
    expect(calendar.getAllSubcomponents('vevent')).toHaveLength(12);
    const costs = (await get(`/api/v1/trips/${visible.china}/costs`, dovo)).body;
    expect(costs).toMatchObject({ participants: 1, byBearer: { self: { count: 1 } } });

    const sparkasse = await make.session('company', ids.companies.sparkasse);
    expect(Object.keys(await tripIds(sparkasse)).sort()).toEqual(['china', 'israel']);
  });
});

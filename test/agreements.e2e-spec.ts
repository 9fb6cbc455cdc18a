import { AGENCY_CREATES, AGENCY_WRITES, expectStatuses } from './helpers/roles';
import type { Appointment, Trip } from './helpers/world';
import { Api, Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, admin, c, make, api } = w));
/** The two partners, the trip, its signing and one of another trip. */
let techPark: string, campus3d: string;
let trip: Trip, signing: Appointment, otherSigning: Appointment;

beforeAll(async () => {
  techPark = (
    await make.row.partner({
      name: 'Technologiepark Peking',
      kind: 'technology_park',
      city: 'Peking',
    })
  ).id;
  campus3d = (
    await make.row.partner({ name: '3D-Campus Shanghai', kind: 'campus', city: 'Shanghai' })
  ).id;
  trip = await make.trip();
  await make.participant({ tripId: trip.id, companyId: c.ownCompany.id });
  signing = await make.appointment({
    tripId: trip.id,
    title: 'Unterzeichnung Technologiepark',
    kind: 'signing',
    partnerId: techPark,
    startsAt: '2019-10-21T14:00:00+08:00',
    endsAt: '2019-10-21T15:30:00+08:00',
  });
  const other = await make.trip({
    title: 'Andere Reise',
    startsOn: '2020-05-04',
    endsOn: '2020-05-06',
  });
  otherSigning = await make.appointment({
    tripId: other.id,
    kind: 'signing',
    startsAt: '2020-05-05T10:00:00+08:00',
    endsAt: '2020-05-05T11:00:00+08:00',
  });
});

const create = (session: Session, body: Record<string, unknown>) =>
  api.as(session).post('/api/v1/agreements', body);
const fields = (res: { body: { errors?: { field: string }[] } }) => [
  ...new Set((res.body.errors ?? []).map((e) => e.field)),
];

describe('agreements: create and validate', () => {
  it('creates with defaults, trims, and links the signing appointment and its trip', async () => {
    const res = await create(admin, {
      partnerId: techPark,
      title: '  Kooperationsvereinbarung Technologiepark  ',
      status: 'signed',
      signedOn: '2019-10-21',
      appointmentId: signing.id,
      signatories: ['  Oberbürgermeister ', 'Leitung des Technologieparks'],
      reviewOn: '2020-10-21',
    });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      partnerId: techPark,
      title: 'Kooperationsvereinbarung Technologiepark',
      kind: 'cooperation',
      status: 'signed',
      signedOn: '2019-10-21',
      appointmentId: signing.id,
      tripId: trip.id,
      signatories: ['Oberbürgermeister', 'Leitung des Technologieparks'],
      validUntil: null,
      reviewOn: '2020-10-21',
      summary: null,
      version: 1,
      deletedAt: null,
    });
    const read = await app.http.get(`/api/v1/agreements/${res.body.id}`).set(admin.auth);
    expect(read.body).toEqual(res.body);
  });

  it('creates a draft without appointment', async () => {
    const res = await create(admin, { partnerId: campus3d, title: 'Entwurf' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'cooperation',
      status: 'draft',
      signedOn: null,
      appointmentId: null,
      tripId: null,
      signatories: [],
    });
  });

  it.each([
    [{}, ['partnerId', 'title']],
    [{ title: 'X' }, ['partnerId']],
    [{ title: 'X', partnerId: 'abc' }, ['partnerId']],
    [{ title: 'X', partnerId: '00000000-0000-4000-8000-000000000000' }, ['partnerId']],
    [{ title: '', partnerId: 'TECHPARK' }, ['title']],
    [{ title: 'X', partnerId: 'TECHPARK', kind: 'treaty' }, ['kind']],
    [{ title: 'X', partnerId: 'TECHPARK', status: 'valid' }, ['status']],
    [{ title: 'X', partnerId: 'TECHPARK', status: null }, ['status']],
    [{ title: 'X', partnerId: 'TECHPARK', signedOn: '2019-02-30' }, ['signedOn']],
    [{ title: 'X', partnerId: 'TECHPARK', reviewOn: 'next year' }, ['reviewOn']],
    [
      { title: 'X', partnerId: 'TECHPARK', signedOn: '2019-10-21', validUntil: '2019-10-20' },
      ['validUntil'],
    ],
    [{ title: 'X', partnerId: 'TECHPARK', appointmentId: 'abc' }, ['appointmentId']],
    [
      { title: 'X', partnerId: 'TECHPARK', appointmentId: '00000000-0000-4000-8000-000000000000' },
      ['appointmentId'],
    ],
    [{ title: 'X', partnerId: 'TECHPARK', signatories: 'Oberbürgermeister' }, ['signatories']],
    [{ title: 'X', partnerId: 'TECHPARK', signatories: ['  '] }, ['signatories']],
    [{ title: 'X', partnerId: 'TECHPARK', signatories: null }, ['signatories']],
    [{ title: 'X', partnerId: 'TECHPARK', tripId: 'x' }, ['tripId']],
  ])('refuses %j with 400 naming %j', async (body, expected) => {
    const withPartner = Object.fromEntries(
      Object.entries(body).map(([k, v]) => [k, v === 'TECHPARK' ? techPark : v]),
    );
    const res = await create(admin, withPartner);
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(expect.arrayContaining(expected));
  });

  it('refuses a soft-deleted partner', async () => {
    const { rows } = await app.db.query<{ id: string }>(
      `INSERT INTO partners (name, kind, country, deleted_at) VALUES ('Weg', 'other', 'CN', now()) RETURNING id`,
    );
    const res = await create(admin, { partnerId: rows[0].id, title: 'X' });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['partnerId']);
  });

  it('validates a change against the merged agreement', async () => {
    const made = (
      await create(admin, { partnerId: techPark, title: 'Änderbar', signedOn: '2019-10-21' })
    ).body;
    const patch = (body: Record<string, unknown>) =>
      api.patch(`/api/v1/agreements/${made.id}`, body);
    expect(fields(await patch({ validUntil: '2019-01-01' }))).toEqual(['validUntil']);
    expect(fields(await patch({ title: null }))).toEqual(['title']);
    expect(fields(await patch({ partnerId: null }))).toEqual(['partnerId']);
    expect(fields(await patch({ tripId: trip.id }))).toEqual(['tripId']);
    const res = await patch({ status: 'active', validUntil: '2024-10-20', signedOn: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', validUntil: '2024-10-20', signedOn: null });
  });
});

describe('agreements: lists and filters', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    const make = async (key: string, body: Record<string, unknown>) => {
      const res = await create(admin, body);
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      return [key, res.body.id as string] as const;
    };
    ids = Object.fromEntries([
      await make('campus', {
        partnerId: campus3d,
        title: 'Kooperation 3D-Campus',
        status: 'signed',
        signedOn: '2019-10-23',
        summary: 'Additive Fertigung für Solinger Betriebe',
      }),
      await make('friendship', {
        partnerId: campus3d,
        title: 'Städtefreundschaft',
        kind: 'friendship',
        status: 'negotiating',
      }),
      await make('mou', {
        partnerId: techPark,
        title: 'MoU über Start-up-Austausch',
        kind: 'mou',
        status: 'signed',
        signedOn: '2020-05-05',
        appointmentId: otherSigning.id,
      }),
    ]);
  });
  const list = async (query: string, session: Session = admin) => {
    const res = await app.http.get(`/api/v1/agreements?${query}`).set(session.auth);
    expect(res.status).toBe(200);
    return (res.body.items as { id: string; title: string }[]).map((a) => a.id);
  };

  it('filters by partner, status, kind and trip', async () => {
    const byPartner = await list(`partnerId=${campus3d}`);
    expect(byPartner).toEqual(expect.arrayContaining([ids.campus, ids.friendship]));
    expect(byPartner).not.toContain(ids.mou);
    expect(await list('kind=friendship')).toEqual([ids.friendship]);
    expect(await list('status=negotiating')).toEqual([ids.friendship]);
    expect(await list(`tripId=${otherSigning.id}`)).toEqual([]);
    const ofOtherTrip = await list(
      `tripId=${(await app.db.query('SELECT trip_id FROM appointments WHERE id = $1', [otherSigning.id])).rows[0].trip_id}`,
    );
    expect(ofOtherTrip).toEqual([ids.mou]);
  });

  it('searches title and summary without regard to case and accents', async () => {
    expect(await list('q=STADTEFREUNDSCHAFT')).toEqual([ids.friendship]);
    expect(await list('q=fertigung')).toEqual([ids.campus]);
    expect(await list(`q=${encodeURIComponent('%')}`)).toEqual([]);
  });

  it('sorts by signing day, unsigned ones first, and pages through them', async () => {
    const all = await list('sort=signedOn&limit=200');
    const first = await app.http.get('/api/v1/agreements?sort=signedOn&limit=2').set(admin.auth);
    const second = await app.http
      .get(`/api/v1/agreements?sort=signedOn&limit=2&cursor=${first.body.nextCursor as string}`)
      .set(admin.auth);
    expect([...first.body.items, ...second.body.items].map((a: { id: string }) => a.id)).toEqual(
      all.slice(0, 4),
    );
    const newest = await list('sort=-signedOn&limit=1');
    expect(newest).toEqual([ids.mou]);
    const signedDays = (
      (await app.http.get('/api/v1/agreements?sort=signedOn&limit=200').set(admin.auth)).body
        .items as { signedOn: string | null }[]
    ).map((a) => a.signedOn ?? '0001-01-01');
    expect(signedDays).toEqual([...signedDays].sort());
  });

  it.each([
    ['sort=kind', 'sort'],
    ['status=valid', 'status'],
    ['kind=x', 'kind'],
    ['tripId=abc', 'tripId'],
    ['partnerId=abc', 'partnerId'],
    ['cursor=abc', 'cursor'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    const res = await app.http.get(`/api/v1/agreements?${query}`).set(admin.auth);
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
  });
});

describe('agreements: role matrix', () => {
  let target: { id: string };
  beforeAll(async () => {
    target = (await create(admin, { partnerId: techPark, title: 'Matrix' })).body;
  });

  it('reads: agency readers only; company users 403 (even with a delegate on the trip)', async () => {
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 200, own: 403, foreign: 403 },
      async (_, s) => (await app.http.get('/api/v1/agreements').set(s.auth)).status,
    );
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 200, own: 403, foreign: 403 },
      async (_, s) => (await app.http.get(`/api/v1/agreements/${target.id}`).set(s.auth)).status,
    );
  });

  it('creates and updates: agency staff only', async () => {
    await expectStatuses(
      c,
      AGENCY_CREATES,
      async (role) =>
        (await create(c.sessions[role], { partnerId: techPark, title: `Von ${role}` })).status,
    );
    await expectStatuses(
      c,
      AGENCY_WRITES,
      async (role, s) =>
        (await api.as(s).patch(`/api/v1/agreements/${target.id}`, { summary: `Von ${role}` }))
          .status,
    );
  });

  it('deletes and restores: staff; purges: admin only', async () => {
    const doomed = (await create(admin, { partnerId: techPark, title: 'Kurzlebig' })).body;
    const path = `/api/v1/agreements/${doomed.id}`;
    await expectStatuses(
      c,
      { viewer: 403, own: 403, foreign: 403 },
      async (_, s) => (await api.as(s).delete(path)).status,
      ['viewer', 'own', 'foreign'],
    );
    expect((await app.http.delete(path).set(c.sessions.staff.auth)).status).toBe(428);
    expect((await api.as(c.sessions.staff).delete(path)).status).toBe(204);
    expect((await app.http.get(path).set(admin.auth)).status).toBe(404);
    expect(
      (
        await app.http.get('/api/v1/agreements?deleted=true').set(c.sessions.staff.auth)
      ).body.items.map((a: { id: string }) => a.id),
    ).toContain(doomed.id);
    expect(
      (await app.http.get('/api/v1/agreements?deleted=true').set(c.sessions.viewer.auth)).status,
    ).toBe(403);
    await expectStatuses(
      c,
      { viewer: 403, own: 403, foreign: 403 },
      async (_, s) => (await app.http.post(`${path}/restore`).set(s.auth)).status,
      ['viewer', 'own', 'foreign'],
    );
    const restored = await app.http.post(`${path}/restore`).set(c.sessions.staff.auth);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ version: 3, deletedAt: null });
    expect((await api.delete(path)).status).toBe(204);
    await expectStatuses(
      c,
      { staff: 403, viewer: 403, own: 403, foreign: 403, admin: 204 },
      async (_, s) => (await app.http.post(`${path}/purge`).set(s.auth)).status,
      ['staff', 'viewer', 'own', 'foreign', 'admin'],
    );
    expect((await app.http.post(`${path}/restore`).set(admin.auth)).status).toBe(404);
  });

  it('keeps an agreement a follow-up points at (409 on purge)', async () => {
    const kept = (await create(admin, { partnerId: techPark, title: 'Mit Wiedervorlage' })).body;
    const { rows } = await app.db.query<{ id: string }>(
      `SELECT id FROM users WHERE email = 'admin@test.liaison'`,
    );
    await app.db.query(
      `INSERT INTO follow_ups (title, assignee_id, agreement_id) VALUES ('Überprüfen', $1, $2)`,
      [rows[0].id, kept.id],
    );
    expect((await api.delete(`/api/v1/agreements/${kept.id}`)).status).toBe(204);
    expect(
      (await app.http.post(`/api/v1/agreements/${kept.id}/purge`).set(admin.auth)).status,
    ).toBe(409);
  });
});

describe('agreements: audit and concurrency', () => {
  it('records before and after of each change', async () => {
    const made = (await create(admin, { partnerId: techPark, title: 'Prüfbar' })).body;
    expect(
      (
        await api.patch(`/api/v1/agreements/${made.id}`, {
          status: 'signed',
          signedOn: '2019-10-21',
          appointmentId: signing.id,
        })
      ).status,
    ).toBe(200);
    const audit = await app.http
      .get(`/api/v1/audit?entity=agreement&entityId=${made.id}`)
      .set(admin.auth);
    expect(audit.body.items[0]).toMatchObject({
      action: 'update',
      changes: {
        status: { before: 'draft', after: 'signed' },
        signedOn: { before: null, after: '2019-10-21' },
        appointmentId: { before: null, after: signing.id },
      },
    });
    expect(audit.body.items[1]).toMatchObject({ action: 'create' });
  });

  it('20 parallel PATCHes with the same ETag: exactly one 200, nineteen 412', async () => {
    const made = (await create(admin, { partnerId: techPark, title: 'Wettlauf' })).body;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.patch(
          `/api/v1/agreements/${made.id}`,
          { summary: `Schreiber ${i}` },
          { ifMatch: '"1"' },
        ),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
  });
});

import { AGENCY_WRITES, ROLE_NAMES, expectStatuses } from './helpers/roles';
import { Api, Cast, Kit, RoleName, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, admin, c, make, api } = w));
let contactA: { id: string };
let contactB: { id: string };
let deletedContact: { id: string };
let partner: { id: string };
let deletedPartner: { id: string };
let trip: { id: string };
let otherTrip: { id: string };
let appointment: { id: string };
let otherAppointment: { id: string };

beforeAll(async () => {
  partner = await make.row.partner({
    name: 'Zhongguancun Technologiepark',
    kind: 'technology_park',
  });
  deletedPartner = await make.row.partner({ name: 'Gone Campus' });
  await make.softDelete('partners', deletedPartner.id);
  contactA = await make.row.contact({
    familyName: 'Wang',
    givenName: 'Fang',
    partnerId: partner.id,
  });
  contactB = await make.row.contact({ familyName: 'Li', givenName: 'Na' });
  deletedContact = await make.row.contact({ familyName: 'Vergangen' });
  await make.softDelete('contacts', deletedContact.id);
  trip = await make.row.trip({ title: 'China 2026' });
  otherTrip = await make.row.trip({ title: 'Israel 2027' });
  appointment = await make.row.appointment(trip.id, { title: 'Technologiepark' });
  otherAppointment = await make.row.appointment(otherTrip.id, { title: 'Tel Aviv' });
});

const BASE = { occurredAt: '2026-10-20T09:30:00+08:00', subject: 'Gespräch im Technologiepark' };
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000001';

const create = (session: Session, body: Record<string, unknown>) =>
  api.as(session).post('/api/v1/interactions', body);
const made = async (body: Record<string, unknown> = {}, session: Session = c.sessions.staff) => {
  const res = await create(session, { ...BASE, ...body });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number } & Record<string, unknown>;
};
const get = (id: string, session: Session = admin) =>
  app.http.get(`/api/v1/interactions/${id}`).set(session.auth);
const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
const sorted = (list: string[]) => [...list].sort();
const ids = (body: { items: { id: string }[] }) => body.items.map((x) => x.id);
const count = async () =>
  Number((await app.db.query('SELECT count(*) AS n FROM interactions')).rows[0].n);

describe('interactions: create and read', () => {
  it('creates with every field, the caller as author, and reads it back with its ETag', async () => {
    const res = await create(c.sessions.staff, {
      occurredAt: '2026-10-20T09:30:00+08:00',
      kind: 'visit',
      subject: '  Besuch im Technologiepark  ',
      summary: 'Kooperation besprochen',
      location: 'Beijing, Haidian',
      contactIds: [contactB.id, contactA.id],
      companyIds: [c.ownCompany.id],
      partnerIds: [partner.id.toUpperCase()],
      tripId: trip.id,
      appointmentId: appointment.id,
      confidential: false,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      occurredAt: '2026-10-20T01:30:00.000Z',
      kind: 'visit',
      subject: 'Besuch im Technologiepark',
      summary: 'Kooperation besprochen',
      location: 'Beijing, Haidian',
      contactIds: sorted([contactA.id, contactB.id]),
      companyIds: [c.ownCompany.id],
      partnerIds: [partner.id],
      tripId: trip.id,
      appointmentId: appointment.id,
      confidential: false,
      authorId: c.sessions.staff.user.id,
      version: 1,
      deletedAt: null,
    });
    const read = await get(res.body.id);
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.body).toEqual(res.body);
  });

  it('defaults kind, confidentiality and links', async () => {
    const res = await create(admin, BASE);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'meeting',
      confidential: false,
      summary: null,
      location: null,
      contactIds: [],
      companyIds: [],
      partnerIds: [],
      tripId: null,
      appointmentId: null,
      authorId: admin.user.id,
    });
  });

  it('takes the trip of an appointment given without one', async () => {
    const res = await create(admin, { ...BASE, appointmentId: appointment.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ appointmentId: appointment.id, tripId: trip.id });
  });

  it('refuses an appointment of another trip, and an unknown trip or appointment', async () => {
    const wrong = await create(admin, {
      ...BASE,
      tripId: trip.id,
      appointmentId: otherAppointment.id,
    });
    expect(wrong.status).toBe(400);
    expect(fields(wrong.body)).toEqual(['appointmentId']);
    const unknownTrip = await create(admin, { ...BASE, tripId: UNKNOWN_ID });
    expect(unknownTrip.status).toBe(400);
    expect(fields(unknownTrip.body)).toEqual(['tripId']);
    const unknownAppointment = await create(admin, { ...BASE, appointmentId: UNKNOWN_ID });
    expect(unknownAppointment.status).toBe(400);
    expect(fields(unknownAppointment.body)).toEqual(['appointmentId']);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await get(UNKNOWN_ID)).status).toBe(404);
    const malformed = await get('not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(fields(malformed.body)).toEqual(['id']);
  });
});

describe('interactions: bad input', () => {
  it.each([
    [{}, ['occurredAt', 'subject']],
    [{ ...BASE, subject: '' }, ['subject']],
    [{ ...BASE, subject: '   ' }, ['subject']],
    [{ ...BASE, subject: 42 }, ['subject']],
    [{ ...BASE, subject: 'x'.repeat(301) }, ['subject']],
    [{ ...BASE, summary: ['a'] }, ['summary']],
    [{ ...BASE, occurredAt: '2026-02-30T10:00:00+01:00' }, ['occurredAt']],
    [{ ...BASE, occurredAt: '2026-10-20T10:00:00' }, ['occurredAt']],
    [{ ...BASE, occurredAt: '2026-10-20' }, ['occurredAt']],
    [{ ...BASE, occurredAt: '20.10.2026 10:00' }, ['occurredAt']],
    [{ ...BASE, occurredAt: 1_760_000_000_000 }, ['occurredAt']],
    [{ ...BASE, occurredAt: null }, ['occurredAt']],
    [{ ...BASE, kind: 'lunch' }, ['kind']],
    [{ ...BASE, kind: null }, ['kind']],
    [{ ...BASE, confidential: 'yes' }, ['confidential']],
    [{ ...BASE, confidential: null }, ['confidential']],
    [{ ...BASE, contactIds: UNKNOWN_ID }, ['contactIds']],
    [{ ...BASE, contactIds: ['not-a-uuid'] }, ['contactIds']],
    [{ ...BASE, contactIds: null }, ['contactIds']],
    [{ ...BASE, companyIds: [UNKNOWN_ID, UNKNOWN_ID] }, ['companyIds']],
    [{ ...BASE, companyIds: [UNKNOWN_ID, UNKNOWN_ID.toUpperCase()] }, ['companyIds']],
    [{ ...BASE, partnerIds: [null] }, ['partnerIds']],
    [{ ...BASE, partnerIds: [{ id: UNKNOWN_ID }] }, ['partnerIds']],
    [{ ...BASE, tripId: 'China' }, ['tripId']],
    [{ ...BASE, appointmentId: 7 }, ['appointmentId']],
    [{ ...BASE, authorId: UNKNOWN_ID }, ['authorId']],
    [{ ...BASE, id: UNKNOWN_ID }, ['id']],
    [{ ...BASE, version: 3 }, ['version']],
    [{ ...BASE, secret: true }, ['secret']],
  ])('refuses %j with 400 naming %j', async (body, expected) => {
    const before = await count();
    const res = await create(admin, body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(fields(res.body)).toEqual(expect.arrayContaining(expected));
    expect(await count()).toBe(before);
  });

  it('refuses linked records that do not exist or are deleted, naming each list, writing nothing', async () => {
    const before = await count();
    const res = await create(admin, {
      ...BASE,
      contactIds: [contactA.id, deletedContact.id],
      companyIds: [UNKNOWN_ID],
      partnerIds: [partner.id, deletedPartner.id],
    });
    expect(res.status).toBe(400);
    expect(sorted(fields(res.body))).toEqual(['companyIds', 'contactIds', 'partnerIds']);
    expect(JSON.stringify(res.body)).toContain(deletedContact.id);
    expect(JSON.stringify(res.body)).not.toContain(contactA.id);
    expect(await count()).toBe(before);
  });

  it('refuses a deleted trip', async () => {
    const gone = await make.row.trip({ title: 'Abgesagt' });
    await make.softDelete('trips', gone.id);
    const res = await create(admin, { ...BASE, tripId: gone.id });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['tripId']);
  });

  it.each([
    [{ occurredAt: null }, ['occurredAt']],
    [{ occurredAt: '2026-02-30T10:00:00+01:00' }, ['occurredAt']],
    [{ subject: null }, ['subject']],
    [{ subject: '' }, ['subject']],
    [{ kind: 'lunch' }, ['kind']],
    [{ confidential: null }, ['confidential']],
    [{ contactIds: null }, ['contactIds']],
    [{ contactIds: [UNKNOWN_ID] }, ['contactIds']],
    [{ authorId: UNKNOWN_ID }, ['authorId']],
  ])('refuses PATCH %j with 400 naming %j', async (body, expected) => {
    const target = await made();
    const res = await api.patch(`/api/v1/interactions/${target.id}`, body);
    expect(res.status).toBe(400);
    expect([...new Set(fields(res.body))]).toEqual(expected);
    expect((await get(target.id)).body.version).toBe(1);
  });

  it.each([
    ['contactId=nope', 'contactId'],
    ['companyId=1', 'companyId'],
    ['partnerId=%27%20OR%201%3D1', 'partnerId'],
    ['tripId=x', 'tripId'],
    ['appointmentId=x', 'appointmentId'],
    ['kind=lunch', 'kind'],
    ['authorId=someone', 'authorId'],
    ['from=2026-02-30T10:00:00%2B01:00', 'from'],
    ['from=2026-10-20T10:00:00', 'from'],
    ['to=tomorrow', 'to'],
    ['confidential=maybe', 'confidential'],
    ['deleted=1', 'deleted'],
    ['sort=kind', 'sort'],
    ['sort=-summary', 'sort'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=garbage', 'cursor'],
    ['cursor=' + 'A'.repeat(3000), 'cursor'],
    ['q=' + 'x'.repeat(201), 'q'],
    ['from=2026-10-22T00:00:00Z&to=2026-10-21T00:00:00Z', 'to'],
    ['colour=red', 'colour'],
  ])('refuses the list query %s with 400 naming %s', async (query, field) => {
    const res = await app.http.get(`/api/v1/interactions?${query}`).set(admin.auth);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toContain(field);
  });
});

describe('interactions: PATCH', () => {
  it('replaces a list when given, keeps the lists left out, clears nullable fields', async () => {
    const target = await made({
      summary: 'Erster Eindruck',
      contactIds: [contactA.id],
      partnerIds: [partner.id],
    });
    const res = await api.patch(`/api/v1/interactions/${target.id}`, {
      contactIds: [contactB.id],
      companyIds: [c.ownCompany.id, c.foreignCompany.id],
      summary: null,
      kind: 'call',
    });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      version: 2,
      kind: 'call',
      summary: null,
      subject: BASE.subject,
      contactIds: [contactB.id],
      companyIds: sorted([c.ownCompany.id, c.foreignCompany.id]),
      partnerIds: [partner.id],
    });
    const cleared = await api.patch(`/api/v1/interactions/${target.id}`, {
      contactIds: [],
      companyIds: [],
    });
    expect(cleared.body).toMatchObject({
      contactIds: [],
      companyIds: [],
      partnerIds: [partner.id],
    });
    const { rows: joinRows } = await app.db.query(
      'SELECT count(*) AS n FROM interaction_contacts WHERE interaction_id = $1',
      [target.id],
    );
    expect(Number(joinRows[0].n)).toBe(0);
  });

  it('keeps a link to a record deleted since, when the client sends the list back', async () => {
    const doomed = await make.row.contact({ familyName: 'Später gelöscht' });
    const target = await made({ contactIds: [doomed.id] });
    await make.softDelete('contacts', doomed.id);
    const res = await api.patch(`/api/v1/interactions/${target.id}`, {
      contactIds: [doomed.id, contactA.id],
    });
    expect(res.status).toBe(200);
    expect(res.body.contactIds).toEqual(sorted([doomed.id, contactA.id]));
  });

  it('moves the trip with the appointment, and refuses an appointment of another trip', async () => {
    const target = await made({ tripId: trip.id });
    const moved = await api.patch(`/api/v1/interactions/${target.id}`, {
      appointmentId: otherAppointment.id,
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ tripId: otherTrip.id, appointmentId: otherAppointment.id });
    const mismatch = await api.patch(`/api/v1/interactions/${target.id}`, { tripId: trip.id });
    expect(mismatch.status).toBe(400);
    expect(fields(mismatch.body)).toEqual(['appointmentId']);
    const both = await api.patch(`/api/v1/interactions/${target.id}`, {
      tripId: trip.id,
      appointmentId: null,
    });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ tripId: trip.id, appointmentId: null });
  });

  it('needs If-Match: none 428, malformed 400, stale 412 with the current ETag', async () => {
    const target = await made();
    const none = await app.http
      .patch(`/api/v1/interactions/${target.id}`)
      .set(admin.auth)
      .send({ subject: 'x' });
    expect(none.status).toBe(428);
    expect(
      (await api.patch(`/api/v1/interactions/${target.id}`, { subject: 'x' }, { ifMatch: 'W/"1"' }))
        .status,
    ).toBe(400);
    const stale = await api.patch(
      `/api/v1/interactions/${target.id}`,
      { subject: 'x' },
      { ifMatch: '"5"' },
    );
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe('"1"');
    expect((await get(target.id)).body.subject).toBe(BASE.subject);
  });

  it('20 parallel PATCHes with the same ETag: exactly one 200, nineteen 412, links intact', async () => {
    const target = await made({ contactIds: [contactA.id] });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.patch(
          `/api/v1/interactions/${target.id}`,
          {
            subject: `Writer ${i}`,
            contactIds: i % 2 === 0 ? [contactB.id] : [contactA.id, contactB.id],
          },
          { ifMatch: '"1"' },
        ),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const winner = results.find((r) => r.status === 200)!.body;
    const stored = (await get(target.id)).body;
    expect(stored).toMatchObject({
      version: 2,
      subject: winner.subject,
      contactIds: winner.contactIds,
    });
  });
});

describe('interactions: lists, filters, search', () => {
  let listTrip: { id: string };
  let listAppointment: { id: string };
  let i1: { id: string };
  let i2: { id: string };
  let i3: { id: string };
  let i4: { id: string };
  const list = async (query: string, session: Session = c.sessions.staff) => {
    const res = await app.http
      .get(`/api/v1/interactions?tripId=${listTrip.id}&${query}`)
      .set(session.auth);
    if (res.status !== 200)
      throw new Error(`list ${query}: ${res.status} ${JSON.stringify(res.body)}`);
    return ids(res.body);
  };

  beforeAll(async () => {
    listTrip = await make.row.trip({ title: 'Listenreise' });
    listAppointment = await make.row.appointment(listTrip.id, { title: 'Empfang' });
    i1 = await made({
      occurredAt: '2026-10-20T09:00:00+08:00',
      subject: 'Besuch bei der Niederlassung Shanghai',
      summary: 'Über Rasiermesser gesprochen',
      contactIds: [contactA.id],
      companyIds: [c.ownCompany.id],
      tripId: listTrip.id,
    });
    i2 = await made(
      {
        occurredAt: '2026-10-21T10:00:00+08:00',
        kind: 'call',
        subject: 'Anruf beim Technologiepark',
        partnerIds: [partner.id],
        tripId: listTrip.id,
      },
      admin,
    );
    i3 = await made({
      occurredAt: '2026-10-22T19:00:00+08:00',
      kind: 'reception',
      subject: 'Staatsempfang',
      summary: 'Vertraulich: Gespräch mit dem Bürgermeister',
      contactIds: [contactA.id],
      appointmentId: listAppointment.id,
      confidential: true,
    });
    i4 = await made({
      occurredAt: '2026-10-23T08:00:00+08:00',
      kind: 'email',
      subject: '100% Stahl_Qualität',
      tripId: listTrip.id,
    });
  });

  it('lists newest first by default, each item with its links', async () => {
    const res = await app.http
      .get(`/api/v1/interactions?tripId=${listTrip.id}`)
      .set(c.sessions.staff.auth);
    expect(ids(res.body)).toEqual([i4.id, i3.id, i2.id, i1.id]);
    expect(res.body.nextCursor).toBeNull();
    const first = res.body.items.find((x: { id: string }) => x.id === i1.id);
    expect(first).toMatchObject({ contactIds: [contactA.id], companyIds: [c.ownCompany.id] });
    expect(res.body.items.find((x: { id: string }) => x.id === i2.id).partnerIds).toEqual([
      partner.id,
    ]);
  });

  it('sorts by occurredAt or createdAt, either way', async () => {
    expect(await list('sort=occurredAt')).toEqual([i1.id, i2.id, i3.id, i4.id]);
    expect(await list('sort=createdAt')).toEqual([i1.id, i2.id, i3.id, i4.id]);
    expect(await list('sort=-createdAt')).toEqual([i4.id, i3.id, i2.id, i1.id]);
  });

  it('pages with a cursor, without gaps or repeats', async () => {
    const first = await app.http
      .get(`/api/v1/interactions?tripId=${listTrip.id}&limit=3`)
      .set(c.sessions.staff.auth);
    expect(ids(first.body)).toEqual([i4.id, i3.id, i2.id]);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await app.http
      .get(
        `/api/v1/interactions?tripId=${listTrip.id}&limit=3&cursor=${first.body.nextCursor as string}`,
      )
      .set(c.sessions.staff.auth);
    expect(ids(second.body)).toEqual([i1.id]);
    expect(second.body.nextCursor).toBeNull();
    const otherSort = await app.http
      .get(`/api/v1/interactions?sort=createdAt&cursor=${first.body.nextCursor as string}`)
      .set(c.sessions.staff.auth);
    expect(otherSort.status).toBe(400);
  });

  it('filters by linked contact, company and partner', async () => {
    expect(await list(`contactId=${contactA.id}`)).toEqual([i3.id, i1.id]);
    expect(await list(`companyId=${c.ownCompany.id}`)).toEqual([i1.id]);
    expect(await list(`partnerId=${partner.id}`)).toEqual([i2.id]);
    expect(await list(`contactId=${contactB.id}`)).toEqual([]);
  });

  it('filters by appointment, kind, author, confidentiality', async () => {
    expect(await list(`appointmentId=${listAppointment.id}`)).toEqual([i3.id]);
    expect(await list('kind=call')).toEqual([i2.id]);
    expect(await list('authorId=me')).toEqual([i4.id, i3.id, i1.id]);
    expect(await list('authorId=me', admin)).toEqual([i2.id]);
    expect(await list(`authorId=${admin.user.id}`)).toEqual([i2.id]);
    expect(await list('confidential=true')).toEqual([i3.id]);
    expect(await list('confidential=false')).toEqual([i4.id, i2.id, i1.id]);
  });

  it('filters by a time window: from inclusive, to exclusive, offsets honoured', async () => {
    expect(
      await list(
        `from=${encodeURIComponent('2026-10-21T10:00:00+08:00')}&to=${encodeURIComponent('2026-10-23T08:00:00+08:00')}`,
      ),
    ).toEqual([i3.id, i2.id]);
    expect(await list('from=2026-10-22T11:00:00Z')).toEqual([i4.id, i3.id]);
    // An unencoded + arrives as a space; it still means the offset.
    expect(await list('to=2026-10-21T10:00:00+08:00')).toEqual([i1.id]);
  });

  it('searches subject and summary, accent- and case-insensitively, every word', async () => {
    expect(await list('q=rasiermesser')).toEqual([i1.id]);
    expect(await list('q=UBER')).toEqual([i1.id]);
    expect(await list('q=shanghai%20niederlassung')).toEqual([i1.id]);
    expect(await list('q=technologiepark')).toEqual([i2.id]);
    expect(await list('q=stahl_qualitat')).toEqual([i4.id]);
    expect(await list('q=100%25')).toEqual([i4.id]);
    expect(await list('q=shanghai%20telefon')).toEqual([]);
  });

  it.each(['%', '_', '%%', '%_%', '\\'])(
    'treats %j literally: never a wildcard that matches everything',
    async (q) => {
      const res = await app.http
        .get(`/api/v1/interactions?tripId=${listTrip.id}&q=${encodeURIComponent(q)}`)
        .set(c.sessions.staff.auth);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    },
  );

  it.each(["' OR 1=1 --", "'; DROP TABLE interactions; --", 'a%b_c', '王芳', '$1'])(
    'answers the search %j without an error',
    async (q) => {
      const res = await app.http
        .get(`/api/v1/interactions?q=${encodeURIComponent(q)}`)
        .set(c.sessions.staff.auth);
      expect(res.status).toBe(200);
    },
  );

  it('answers a search holding a NUL character with a 400 naming q, never a database error', async () => {
    const res = await app.http.get('/api/v1/interactions?q=%00').set(c.sessions.staff.auth);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'q', code: 'encoding' })]);
  });

  it('answers a 5,000-character search with 400', async () => {
    const res = await app.http
      .get(`/api/v1/interactions?q=${'x'.repeat(5000)}`)
      .set(c.sessions.staff.auth);
    expect(res.status).toBe(400);
  });

  describe('confidential interactions', () => {
    it('are invisible to a viewer in lists, filters and search', async () => {
      expect(await list('', c.sessions.viewer)).toEqual([i4.id, i2.id, i1.id]);
      expect(await list(`contactId=${contactA.id}`, c.sessions.viewer)).toEqual([i1.id]);
      expect(await list('confidential=true', c.sessions.viewer)).toEqual([]);
      expect(await list(`appointmentId=${listAppointment.id}`, c.sessions.viewer)).toEqual([]);
      const searched = await app.http
        .get('/api/v1/interactions?q=staatsempfang&limit=200')
        .set(c.sessions.viewer.auth);
      expect(searched.status).toBe(200);
      expect(ids(searched.body)).not.toContain(i3.id);
      const all = await app.http.get('/api/v1/interactions?limit=200').set(c.sessions.viewer.auth);
      expect(all.body.items.every((x: { confidential: boolean }) => !x.confidential)).toBe(true);
    });

    it('answer 404 to a viewer, 200 to agency staff', async () => {
      expect((await get(i3.id, c.sessions.viewer)).status).toBe(404);
      expect((await get(i3.id, c.sessions.staff)).status).toBe(200);
      expect((await get(i3.id, admin)).body.confidential).toBe(true);
    });
  });
});

describe('interactions: role matrix', () => {
  const AGENCY_ONLY = { viewer: 403, own: 403, foreign: 403 };

  let shared: { id: string };
  let secret: { id: string };
  beforeAll(async () => {
    shared = await made({ companyIds: [c.ownCompany.id], subject: 'Mit der eigenen Firma' });
    secret = await made({ companyIds: [c.ownCompany.id], confidential: true });
  });

  it('lists: agency readers 200, company users 403', async () => {
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 200, own: 403, foreign: 403 },
      async (_, s) => (await app.http.get('/api/v1/interactions').set(s.auth)).status,
    );
    await expectStatuses(
      c,
      AGENCY_WRITES,
      async (_, s) => (await app.http.get('/api/v1/interactions?deleted=true').set(s.auth)).status,
    );
  });

  it('reads one: agency readers 200, company users 403 even when their company is linked', async () => {
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 200, own: 403, foreign: 403 },
      async (_, s) => (await get(shared.id, s)).status,
    );
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 404, own: 403, foreign: 403 },
      async (_, s) => (await get(secret.id, s)).status,
    );
  });

  it('creates: agency only', async () => {
    await expectStatuses(
      c,
      { admin: 201, staff: 201, ...AGENCY_ONLY },
      async (role, s) => (await create(s, { ...BASE, subject: `By ${role}` })).status,
    );
  });

  it('updates: agency only', async () => {
    await expectStatuses(
      c,
      { admin: 200, staff: 200, ...AGENCY_ONLY },
      async (role, s) =>
        (
          await api
            .as(s)
            .patch(`/api/v1/interactions/${shared.id}`, { location: `Written by ${role}` })
        ).status,
    );
  });

  it('deletes and restores: agency only; purges: admin only', async () => {
    const targets = Object.fromEntries(
      await Promise.all(ROLE_NAMES.map(async (role) => [role, (await made()).id] as const)),
    ) as Record<RoleName, string>;
    const del = (id: string, s: Session) => api.as(s).delete(`/api/v1/interactions/${id}`);
    await expectStatuses(
      c,
      { admin: 204, staff: 204, ...AGENCY_ONLY },
      async (role, s) => (await del(targets[role], s)).status,
    );
    // Everything deleted now, so that restore is possible for each caller.
    for (const role of ['viewer', 'own', 'foreign'] as const) {
      expect((await del(targets[role], admin)).status).toBe(204);
    }
    expect((await get(targets.staff)).status).toBe(404);
    await expectStatuses(
      c,
      { admin: 200, staff: 200, ...AGENCY_ONLY },
      async (role, s) =>
        (await app.http.post(`/api/v1/interactions/${targets[role]}/restore`).set(s.auth)).status,
    );
    const restored = await get(targets.staff);
    expect(restored.body).toMatchObject({ deletedAt: null, version: 3 });

    for (const role of ['admin', 'staff'] as const) {
      const gone = await api.delete(`/api/v1/interactions/${targets[role]}`);
      expect(gone.status).toBe(204);
    }
    await expectStatuses(
      c,
      { admin: 204, staff: 403, ...AGENCY_ONLY },
      async (role, s) =>
        (await app.http.post(`/api/v1/interactions/${targets[role]}/purge`).set(s.auth)).status,
    );
  });

  it('soft delete: gone from reads and lists, listed as deleted, not patchable', async () => {
    const target = await made({ contactIds: [contactA.id] });
    expect((await api.delete(`/api/v1/interactions/${target.id}`, { ifMatch: '"2"' })).status).toBe(
      412,
    );
    expect(
      (await app.http.delete(`/api/v1/interactions/${target.id}`).set(admin.auth)).status,
    ).toBe(428);
    expect((await api.delete(`/api/v1/interactions/${target.id}`, { ifMatch: '"1"' })).status).toBe(
      204,
    );
    expect((await get(target.id)).status).toBe(404);
    expect(
      (await api.patch(`/api/v1/interactions/${target.id}`, { subject: 'x' }, { ifMatch: '"2"' }))
        .status,
    ).toBe(404);
    const live = await app.http
      .get(`/api/v1/interactions?contactId=${contactA.id}&limit=200`)
      .set(admin.auth);
    expect(ids(live.body)).not.toContain(target.id);
    const deleted = await app.http
      .get(`/api/v1/interactions?deleted=true&contactId=${contactA.id}&limit=200`)
      .set(admin.auth);
    expect(ids(deleted.body)).toEqual([target.id]);
    expect(deleted.body.items[0].contactIds).toEqual([contactA.id]);
    // Restoring a live record, or one that never existed, is a 404.
    expect(
      (await app.http.post(`/api/v1/interactions/${shared.id}/restore`).set(admin.auth)).status,
    ).toBe(404);
    expect(
      (await app.http.post(`/api/v1/interactions/${UNKNOWN_ID}/restore`).set(admin.auth)).status,
    ).toBe(404);
  });

  it('purge: only a deleted record, with its links; 409 while a follow-up points at it', async () => {
    const target = await made({ contactIds: [contactA.id], partnerIds: [partner.id] });
    const purge = (id: string) => app.http.post(`/api/v1/interactions/${id}/purge`).set(admin.auth);
    expect((await purge(target.id)).status).toBe(404);
    await api.delete(`/api/v1/interactions/${target.id}`);
    expect((await purge(target.id)).status).toBe(204);
    const { rows: left } = await app.db.query(
      `SELECT (SELECT count(*) FROM interactions WHERE id = $1)
            + (SELECT count(*) FROM interaction_contacts WHERE interaction_id = $1)
            + (SELECT count(*) FROM interaction_partners WHERE interaction_id = $1) AS n`,
      [target.id],
    );
    expect(Number(left[0].n)).toBe(0);

    const referenced = await made();
    await app.db.query(
      `INSERT INTO follow_ups (title, assignee_id, interaction_id) VALUES ('Nachfassen', $1, $2)`,
      [admin.user.id, referenced.id],
    );
    await api.delete(`/api/v1/interactions/${referenced.id}`);
    expect((await purge(referenced.id)).status).toBe(409);
  });
});

describe('interactions: audit', () => {
  it('records each change with before and after, the id lists included', async () => {
    const target = await made({ contactIds: [contactA.id], subject: 'Erstkontakt' });
    await api.patch(`/api/v1/interactions/${target.id}`, {
      contactIds: [contactA.id, contactB.id],
      subject: 'Zweitkontakt',
    });
    await api.delete(`/api/v1/interactions/${target.id}`);
    const audit = await app.http
      .get(`/api/v1/audit?entity=interaction&entityId=${target.id}`)
      .set(admin.auth);
    expect(audit.status).toBe(200);
    const events = audit.body.items as { action: string; changes: Record<string, unknown> }[];
    expect(events.map((e) => e.action).sort()).toEqual(['create', 'delete', 'update']);
    const update = events.find((e) => e.action === 'update')!;
    const creation = events.find((e) => e.action === 'create')!;
    expect(update).toMatchObject({
      action: 'update',
      actorId: admin.user.id,
      changes: {
        subject: { before: 'Erstkontakt', after: 'Zweitkontakt' },
        contactIds: { before: [contactA.id], after: sorted([contactA.id, contactB.id]) },
      },
    });
    expect(Object.keys(update.changes).sort()).toEqual(['contactIds', 'subject']);
    expect(creation).toMatchObject({
      action: 'create',
      actorId: c.sessions.staff.user.id,
      changes: {
        subject: { before: null, after: 'Erstkontakt' },
        contactIds: { before: null, after: [contactA.id] },
      },
    });
  });
});

describe('contact log', () => {
  const log = (body: Record<string, unknown>) =>
    app.http
      .post('/api/v1/contact-log')
      .set(c.sessions.staff.auth)
      .send({ ...BASE, ...body });

  it('adds a new contact given only by a name in Chinese script, in pinyin', async () => {
    const res = await log({ newContacts: [{ nativeName: '欧阳娜娜' }, { nativeName: '王小明' }] });
    expect(res.status).toBe(201);
    const contacts = await Promise.all(
      (res.body.contactIds as string[]).map(
        async (id) => (await app.http.get(`/api/v1/contacts/${id}`).set(admin.auth)).body,
      ),
    );
    expect(contacts.map((x) => [x.familyName, x.givenName, x.nativeName])).toEqual([
      ['Ouyang', 'Nana', '欧阳娜娜'],
      ['Wang', 'Xiaoming', '王小明'],
    ]);
  });

  it('gives a new contact its country in the same transaction, and refuses a code that is none', async () => {
    const res = await log({ newContacts: [{ familyName: 'Chen', country: 'cn' }] });
    expect(res.status).toBe(201);
    const [id] = res.body.contactIds as string[];
    const contact = (await app.http.get(`/api/v1/contacts/${id}`).set(admin.auth)).body;
    expect(contact.country).toBe('CN');
    const bad = await log({ newContacts: [{ familyName: 'Chen', country: 'XX' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      expect.objectContaining({ field: 'newContacts.0.country', code: 'isISO31661Alpha2' }),
    ]);
  });

  it('still needs a familyName otherwise, and names each bad field with its code', async () => {
    const before = await count();
    const res = await log({
      newContacts: [{ nativeName: '李明' }, { givenName: 'Jürgen', nativeName: 'Müller' }],
      tripId: UNKNOWN_ID,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual(
      expect.arrayContaining([['newContacts.1.familyName', 'required']]),
    );
    expect(fields(res.body)).not.toContain('newContacts.0.familyName');
    const dangling = await log({ contactIds: [contactA.id], tripId: UNKNOWN_ID });
    expect(dangling.body.errors).toEqual([
      expect.objectContaining({ field: 'tripId', code: 'reference' }),
    ]);
    const nobody = await log({});
    expect(nobody.body.errors).toEqual([
      expect.objectContaining({ field: 'contactIds', code: 'required' }),
    ]);
    expect(await count()).toBe(before);
  });

  it('writes a new contact as POST /contacts does: the same row, search keys and all, and the same audit event', async () => {
    const input = {
      familyName: 'Zhao',
      givenName: 'Lei',
      nativeName: '赵磊',
      position: 'Generalsekretär',
      companyId: c.ownCompany.id,
      country: 'cn',
    };
    const logged = await log({ newContacts: [input] });
    expect(logged.status).toBe(201);
    // What the log adds of its own: a person met is kept for the agency's public task.
    const legalBasis = { basis: 'public_task', source: 'Kontakt erfasst / contact logged' };
    const direct = await app.http
      .post('/api/v1/contacts')
      .set(c.sessions.staff.auth)
      .send({ ...input, legalBasis });
    expect(direct.status).toBe(201);
    const ids = [(logged.body.contactIds as string[])[0], direct.body.id as string];

    const { rows } = await app.db.query('SELECT * FROM contacts WHERE id = ANY($1)', [ids]);
    const [fromLog, fromContacts] = ids.map((id) => {
      const {
        id: _id,
        created_at,
        updated_at,
        legal_basis_recorded_at,
        ...row
      } = rows.find((r: { id: string }) => r.id === id);
      expect([created_at, updated_at, legal_basis_recorded_at]).toEqual([
        expect.any(Date),
        expect.any(Date),
        expect.any(Date),
      ]);
      return row as Record<string, unknown>;
    });
    expect(fromLog).toEqual(fromContacts);
    expect(fromLog).toMatchObject({
      family_name: 'Zhao',
      country: 'CN',
      legal_basis: 'public_task',
    });
    expect(fromLog.search_key).toEqual(expect.stringContaining('zhao'));
    expect(fromLog.search_prefixes).toEqual(expect.arrayContaining(['zh']));

    const [logEvents, contactEvents] = await Promise.all(
      ids.map(async (id) => {
        const res = await app.http
          .get(`/api/v1/audit?entity=contact&entityId=${id}`)
          .set(admin.auth);
        return res.body.items as {
          action: string;
          entity: string;
          actorId: string;
          changes: Record<string, { before: unknown; after: unknown }>;
        }[];
      }),
    );
    const comparable = (events: typeof logEvents) =>
      events.map(({ action, entity, actorId, changes }) => {
        const { legalBasisRecordedAt, ...rest } = changes;
        expect(legalBasisRecordedAt).toEqual({ before: null, after: expect.any(String) });
        return { action, entity, actorId, changes: rest };
      });
    expect(comparable(logEvents)).toEqual(comparable(contactEvents));
    expect(comparable(logEvents)).toEqual([
      expect.objectContaining({
        action: 'create',
        entity: 'contact',
        actorId: c.sessions.staff.user.id,
        changes: expect.objectContaining({
          familyName: { before: null, after: 'Zhao' },
          companyId: { before: null, after: c.ownCompany.id },
          legalBasis: { before: null, after: 'public_task' },
        }),
      }),
    ]);
  });

  it("names an owner's refusal by its place in the log, and keeps nothing of it", async () => {
    const gone = await make.row.company({ name: 'Aufgelöst GmbH' });
    await make.softDelete('companies', gone.id);
    const before = await count();
    const badContact = await log({ newContacts: [{ familyName: 'Sun', companyId: gone.id }] });
    expect(badContact.status).toBe(400);
    expect(badContact.body.errors).toEqual([
      expect.objectContaining({ field: 'newContacts.0.companyId', code: 'reference' }),
    ]);
    const badLead = await log({
      newContacts: [{ familyName: 'Sun' }],
      lead: { companyId: gone.id, title: 'Kooperation' },
    });
    expect(badLead.status).toBe(400);
    expect(badLead.body.errors).toEqual([
      expect.objectContaining({ field: 'lead.companyId', code: 'reference' }),
    ]);
    expect(await count()).toBe(before);
    const { rows: sun } = await app.db.query(`SELECT 1 FROM contacts WHERE family_name = 'Sun'`);
    expect(sun).toEqual([]);
  });

  it('stores nothing and audits nothing when the follow-up, the last record written, fails', async () => {
    const tables = ['contacts', 'interactions', 'interaction_contacts', 'leads', 'follow_ups'];
    const counts = async () =>
      (
        await app.db.query(
          `SELECT ${[...tables, 'audit_events'].map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`,
        )
      ).rows[0];
    const body = {
      newContacts: [{ familyName: 'Qian' }],
      lead: { companyId: c.ownCompany.id, title: 'Austausch' },
      followUp: { title: 'Unterlagen schicken' },
    };
    const before = await counts();
    // The database refuses this one follow-up, after everything before it has been written.
    await app.db.query(
      `ALTER TABLE follow_ups ADD CONSTRAINT test_refused CHECK (title <> 'Unterlagen schicken') NOT VALID`,
    );
    try {
      expect((await log(body)).status).toBe(500);
    } finally {
      await app.db.query('ALTER TABLE follow_ups DROP CONSTRAINT test_refused');
    }
    expect(await counts()).toEqual(before);

    const res = await log(body);
    expect(res.status).toBe(201);
    const after = await counts();
    expect(tables.map((t) => after[t] - before[t])).toEqual([1, 1, 1, 1, 1]);
    expect(after.audit_events - before.audit_events).toBe(4);
    const followUp = (
      await app.http.get(`/api/v1/follow-ups/${res.body.followUpId}`).set(admin.auth)
    ).body;
    expect(followUp).toMatchObject({
      contactId: res.body.contactIds[0],
      interactionId: res.body.interactionId,
      leadId: res.body.leadId,
      assigneeId: c.sessions.staff.user.id,
    });
  });
});

import { randomUUID } from 'node:crypto';
import { softDeleteStory } from './helpers/lifecycle';
import { AGENCY_CREATES, expectStatuses } from './helpers/roles';
import { Api, Cast, Kit, RoleName, Session, TestApp, useWorld } from './helpers/world';

interface LeadBody {
  id: string;
  companyId: string;
  title: string;
  stage: string;
  version: number;
  [field: string]: unknown;
}

let app: TestApp, admin: Session, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, admin, c, make, api } = w));
let ownLead: LeadBody;
let foreignLead: LeadBody;

beforeAll(async () => {
  ownLead = (await create(admin, { companyId: c.ownCompany.id, title: 'Own Rasiermesser China' }))
    .body;
  foreignLead = (
    await create(admin, { companyId: c.foreignCompany.id, title: 'Foreign Scheren Export' })
  ).body;
});

const create = (session: Session, body: Record<string, unknown>) =>
  api.as(session).post('/api/v1/leads', body);
const fields = (body: { errors?: { field: string }[] }) => [
  ...new Set((body.errors ?? []).map((e) => e.field)),
];
const ids = (body: { items: { id: string }[] }) => body.items.map((x) => x.id);
const lead = async (overrides: Record<string, unknown> = {}) => {
  const res = await create(admin, { companyId: c.ownCompany.id, title: 'Lead', ...overrides });
  if (res.status !== 201) throw new Error(`lead: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as LeadBody;
};

describe('leads: create and update', () => {
  it('creates with defaults: stage new, owned by its creator, money a number, days as text', async () => {
    const res = await create(c.sessions.staff, {
      companyId: c.ownCompany.id,
      title: '  Messer für den 3D-Campus  ',
      valueEur: 125000.5,
      expectedCloseOn: '2026-12-31',
    });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual({
      id: expect.any(String),
      companyId: c.ownCompany.id,
      title: 'Messer für den 3D-Campus',
      description: null,
      stage: 'new',
      valueEur: 125000.5,
      expectedCloseOn: '2026-12-31',
      contactId: null,
      partnerId: null,
      tripId: null,
      appointmentId: null,
      lostReason: null,
      ownerId: c.sessions.staff.user.id,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      deletedAt: null,
    });
    const read = await app.http.get(`/api/v1/leads/${res.body.id}`).set(admin.auth);
    expect(read.body).toEqual(res.body);
    expect(read.headers.etag).toBe('"1"');
  });

  it('links a contact, partner, trip and appointment; an appointment brings its trip', async () => {
    const [contact, partner, trip] = await Promise.all([
      make.row.contact(),
      make.row.partner(),
      make.row.trip(),
    ]);
    const appointment = await make.row.appointment(trip.id);
    const res = await create(admin, {
      companyId: c.ownCompany.id,
      title: 'Linked',
      contactId: contact.id,
      partnerId: partner.id,
      appointmentId: appointment.id,
      ownerId: null,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      contactId: contact.id,
      partnerId: partner.id,
      tripId: trip.id,
      appointmentId: appointment.id,
      ownerId: null,
    });
  });

  it('refuses an appointment of another trip, naming appointmentId', async () => {
    const [trip, otherTrip] = await Promise.all([make.row.trip(), make.row.trip()]);
    const appointment = await make.row.appointment(otherTrip.id);
    const res = await create(admin, {
      companyId: c.ownCompany.id,
      title: 'Mismatch',
      tripId: trip.id,
      appointmentId: appointment.id,
    });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['appointmentId']);

    const linked = await lead({ tripId: otherTrip.id, appointmentId: appointment.id });
    const moved = await api.patch(`/api/v1/leads/${linked.id}`, { tripId: trip.id });
    expect(moved.status).toBe(400);
    expect(fields(moved.body)).toEqual(['appointmentId']);
    const both = await api.patch(`/api/v1/leads/${linked.id}`, {
      tripId: trip.id,
      appointmentId: null,
    });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ tripId: trip.id, appointmentId: null });
  });

  it('refuses links to missing or deleted records, naming each field', async () => {
    const [contact, trip, company] = await Promise.all([
      make.row.contact(),
      make.row.trip(),
      make.company(),
    ]);
    const appointment = await make.row.appointment(trip.id);
    await Promise.all([
      make.softDelete('contacts', contact.id),
      make.softDelete('appointments', appointment.id),
      make.softDelete('companies', company.id),
    ]);
    const res = await create(admin, {
      companyId: company.id,
      title: 'Dead links',
      contactId: contact.id,
      partnerId: randomUUID(),
      tripId: trip.id,
      appointmentId: appointment.id,
    });
    expect(res.status).toBe(400);
    expect(fields(res.body).sort()).toEqual([
      'appointmentId',
      'companyId',
      'contactId',
      'partnerId',
    ]);
    expect(
      fields((await create(admin, { companyId: randomUUID(), title: 'Nobody' })).body),
    ).toEqual(['companyId']);
  });

  it('accepts as owner only an active admin or staff user', async () => {
    const [staff, viewer, companyUser, inactive] = await Promise.all([
      make.user({ role: 'staff' }),
      make.user({ role: 'viewer' }),
      make.user({ role: 'company', companyId: c.ownCompany.id }),
      make.user({ role: 'staff' }),
    ]);
    await app.db.query('UPDATE users SET active = false WHERE id = $1', [inactive.id]);
    expect(
      (await create(admin, { companyId: c.ownCompany.id, title: 'O', ownerId: staff.id })).body,
    ).toMatchObject({ ownerId: staff.id });
    for (const ownerId of [viewer.id, companyUser.id, inactive.id, randomUUID()]) {
      const res = await create(admin, { companyId: c.ownCompany.id, title: 'O', ownerId });
      expect({ ownerId, status: res.status, fields: fields(res.body) }).toEqual({
        ownerId,
        status: 400,
        fields: ['ownerId'],
      });
    }
    const owned = await lead();
    expect((await api.patch(`/api/v1/leads/${owned.id}`, { ownerId: viewer.id })).status).toBe(400);
    expect((await api.patch(`/api/v1/leads/${owned.id}`, { ownerId: staff.id })).body.ownerId).toBe(
      staff.id,
    );
  });

  it('keeps a lost reason only on a lost lead', async () => {
    const res = await create(admin, {
      companyId: c.ownCompany.id,
      title: 'Lost',
      stage: 'lost',
      lostReason: 'Budget gestrichen',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ stage: 'lost', lostReason: 'Budget gestrichen' });
    const reopened = await api.patch(`/api/v1/leads/${res.body.id}`, { stage: 'qualified' });
    expect(reopened.body).toMatchObject({ stage: 'qualified', lostReason: null });
    const refused = await api.patch(`/api/v1/leads/${res.body.id}`, { lostReason: 'too late' });
    expect(refused.status).toBe(400);
    expect(fields(refused.body)).toEqual(['lostReason']);
  });

  it('changes the fields sent and leaves the others alone', async () => {
    const target = await lead({ description: 'Beschreibung', valueEur: 10 });
    const res = await api.patch(`/api/v1/leads/${target.id}`, {
      valueEur: 99.99,
      expectedCloseOn: '2027-01-15',
    });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      description: 'Beschreibung',
      valueEur: 99.99,
      expectedCloseOn: '2027-01-15',
      version: 2,
    });
    const cleared = await api.patch(`/api/v1/leads/${target.id}`, {
      valueEur: null,
      description: '',
    });
    expect(cleared.body).toMatchObject({ valueEur: null, description: null, version: 3 });
  });

  it('refuses an empty body, naming the required fields', async () => {
    const res = await create(admin, {});
    expect(res.status).toBe(400);
    expect(fields(res.body).sort()).toEqual(['companyId', 'title']);
  });

  it.each([
    [{ companyId: 'not-a-uuid', title: 'x' }, ['companyId']],
    [{ title: 42 }, ['title']],
    [{ title: '   ' }, ['title']],
    [{ title: 'x'.repeat(301) }, ['title']],
    [{ stage: 'closed' }, ['stage']],
    [{ stage: null }, ['stage']],
    [{ valueEur: -1 }, ['valueEur']],
    [{ valueEur: '100' }, ['valueEur']],
    [{ valueEur: 1.005 }, ['valueEur']],
    [{ valueEur: 1e15 }, ['valueEur']],
    [{ expectedCloseOn: '2026-02-30' }, ['expectedCloseOn']],
    [{ expectedCloseOn: '2025-02-29' }, ['expectedCloseOn']],
    [{ expectedCloseOn: '2026-02-28T10:00:00Z' }, ['expectedCloseOn']],
    [{ expectedCloseOn: 20260228 }, ['expectedCloseOn']],
    [{ contactId: 'abc' }, ['contactId']],
    [{ ownerId: 7 }, ['ownerId']],
    [{ lostReason: 'nope' }, ['lostReason']],
    [{ id: '00000000-0000-4000-8000-000000000000' }, ['id']],
    [{ version: 3 }, ['version']],
    [{ notes: 'unknown field' }, ['notes']],
  ])('refuses to create %j with 400 naming %j', async (body, expected) => {
    const res = await create(admin, { companyId: c.ownCompany.id, title: 'T', ...body });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(fields(res.body)).toEqual(expect.arrayContaining(expected));
  });

  it.each([
    [{ title: null }, ['title']],
    [{ companyId: null }, ['companyId']],
    [{ stage: null }, ['stage']],
    [{ stage: 'Won' }, ['stage']],
    [{ valueEur: -0.01 }, ['valueEur']],
    // A number whose text has no decimal point (class-validator's own check threw on these).
    [{ valueEur: 5e-324 }, ['valueEur']],
    [{ valueEur: 1e-7 }, ['valueEur']],
    [{ expectedCloseOn: '2026-04-31' }, ['expectedCloseOn']],
    [{ companyId: '00000000-0000-4000-8000-000000000000' }, ['companyId']],
    [{ createdAt: '2020-01-01T00:00:00Z' }, ['createdAt']],
  ])('refuses to update with %j, naming %j', async (body, expected) => {
    const res = await api.patch(`/api/v1/leads/${ownLead.id}`, body);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(expected);
  });

  it('needs If-Match on PATCH: none 428, malformed 400, stale 412', async () => {
    const url = `/api/v1/leads/${ownLead.id}`;
    const body = { title: 'Own Rasiermesser China' };
    expect((await app.http.patch(url).set(admin.auth).send(body)).status).toBe(428);
    expect((await api.patch(url, body, { ifMatch: 'W/"1"' })).status).toBe(400);
    const stale = await api.patch(url, body, { ifMatch: '"999"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe((await api.get(url)).headers.etag);
  });

  it('answers a malformed id with 400 and an unknown one with 404', async () => {
    expect((await app.http.get('/api/v1/leads/1%20OR%201=1').set(admin.auth)).status).toBe(400);
    expect((await app.http.get(`/api/v1/leads/${randomUUID()}`).set(admin.auth)).status).toBe(404);
  });
});

describe('leads: list, filters, search and sort', () => {
  let trip: { id: string };
  let contact: { id: string };
  let partner: { id: string };
  let mine: LeadBody[];
  const companyIds: string[] = [];
  const list = async (query: string, session: Session = admin) => {
    const res = await app.http.get(`/api/v1/leads?${query}`).set(session.auth);
    if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { items: LeadBody[]; nextCursor: string | null };
  };

  beforeAll(async () => {
    [trip, contact, partner] = await Promise.all([
      make.row.trip(),
      make.row.contact(),
      make.row.partner(),
    ]);
    const company = await make.company({ name: 'Sortierwerk' });
    companyIds.push(company.id);
    const base = { companyId: company.id };
    mine = [];
    for (const body of [
      { title: 'Müller-Lüdenscheidt Export', stage: 'won', valueEur: 500, tripId: trip.id },
      { title: 'beta Schneidwaren', stage: 'new', valueEur: null, expectedCloseOn: '2026-03-01' },
      { title: 'Alpha Klingen', stage: 'new', valueEur: 20, contactId: contact.id },
      { title: 'Gamma 100% Rabatt_aktion', stage: 'proposal', valueEur: 20, partnerId: partner.id },
      { title: 'Delta Exportmesse', stage: 'lost', expectedCloseOn: '2026-01-15' },
    ]) {
      mine.push(await lead({ ...base, ...body }));
    }
  });

  const titles = async (query: string, session: Session = admin) =>
    (await list(`companyId=${companyIds[0]}&${query}`, session)).items.map((l) => l.title);

  it('filters by stage, contact, partner, trip and company', async () => {
    expect((await titles('stage=new')).sort()).toEqual(['Alpha Klingen', 'beta Schneidwaren']);
    expect(await titles(`contactId=${contact.id}`)).toEqual(['Alpha Klingen']);
    expect(await titles(`partnerId=${partner.id}`)).toEqual(['Gamma 100% Rabatt_aktion']);
    expect(await titles(`tripId=${trip.id}`)).toEqual(['Müller-Lüdenscheidt Export']);
    expect((await titles('')).length).toBe(5);
  });

  it('filters by owner, `me` being the caller', async () => {
    const staff = await make.session('staff');
    const owned = await create(staff, { companyId: c.ownCompany.id, title: 'Staff owns' });
    expect(ids(await list('ownerId=me&limit=200', staff))).toEqual([owned.body.id]);
    expect(ids(await list('ownerId=ME&limit=200', staff))).toEqual([owned.body.id]);
    expect(ids(await list(`ownerId=${staff.user.id}`, admin))).toEqual([owned.body.id]);
    expect(ids(await list('ownerId=me&limit=200', admin))).not.toContain(owned.body.id);
  });

  it('searches titles accent- and case-insensitively, by parts of words, short terms too', async () => {
    expect(await titles('q=muller')).toEqual(['Müller-Lüdenscheidt Export']);
    expect(await titles('q=LÜDENSCHEIDT%20mull')).toEqual(['Müller-Lüdenscheidt Export']);
    expect((await titles('q=export')).sort()).toEqual([
      'Delta Exportmesse',
      'Müller-Lüdenscheidt Export',
    ]);
    expect(await titles('q=kl')).toEqual(['Alpha Klingen']);
    expect((await titles('q=a')).sort()).toEqual([
      'Alpha Klingen',
      'Delta Exportmesse',
      'Gamma 100% Rabatt_aktion',
      'beta Schneidwaren',
    ]);
    expect(await titles('q=100%25')).toEqual(['Gamma 100% Rabatt_aktion']);
    expect(await titles('q=%25')).toEqual([]);
    expect(await titles('q=_')).toEqual([]);
  });

  it.each([
    ['createdAt', [0, 1, 2, 3, 4]],
    ['-createdAt', [4, 3, 2, 1, 0]],
    ['title', [2, 1, 4, 3, 0]],
    ['valueEur', null],
    ['-valueEur', null],
    ['expectedCloseOn', null],
    ['-updatedAt', [4, 3, 2, 1, 0]],
  ])('pages through sort=%s two at a time, each lead exactly once', async (sort, order) => {
    const seen: LeadBody[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await list(`companyId=${companyIds[0]}&${query}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((l) => l.id).sort()).toEqual(mine.map((l) => l.id).sort());
    if (order) expect(seen.map((l) => l.id)).toEqual(order.map((i) => mine[i].id));
    if (sort === 'valueEur') {
      // null counts as 0, then the two leads of 20 (tie broken by id), then 500
      expect(seen.map((l) => l.valueEur ?? 0)).toEqual([0, 0, 20, 20, 500]);
    }
    if (sort === '-valueEur') expect(seen.map((l) => l.valueEur ?? 0)).toEqual([500, 20, 20, 0, 0]);
    if (sort === 'expectedCloseOn') {
      expect(seen.map((l) => l.expectedCloseOn)).toEqual([
        '2026-01-15',
        '2026-03-01',
        null,
        null,
        null,
      ]);
    }
  });

  it.each([
    ['garbage cursor', 'cursor=not-a-cursor', 'cursor'],
    ['forged cursor', `cursor=${'A'.repeat(60)}`, 'cursor'],
    ['unknown sort', 'sort=companyId', 'sort'],
    ['SQL in sort', 'sort=title;DROP%20TABLE%20leads', 'sort'],
    ['limit 0', 'limit=0', 'limit'],
    ['limit 201', 'limit=201', 'limit'],
    ['bad stage', 'stage=closed', 'stage'],
    ['two stages', 'stage=new&stage=won', 'stage'],
    ['bad companyId', 'companyId=1', 'companyId'],
    ['bad ownerId', 'ownerId=someone', 'ownerId'],
    ['bad deleted', 'deleted=yes', 'deleted'],
    ['5,000-character q', `q=${'x'.repeat(5000)}`, 'q'],
    ['unknown filter', 'colour=red', 'colour'],
  ])('refuses a list with a %s (400 naming it)', async (_, query, field) => {
    const res = await app.http.get(`/api/v1/leads?${query}`).set(admin.auth);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toContain(field);
  });

  it('refuses a cursor made for another sort order', async () => {
    const page = await list(`companyId=${companyIds[0]}&sort=title&limit=1`);
    const res = await app.http
      .get(`/api/v1/leads?sort=-title&cursor=${page.nextCursor}`)
      .set(admin.auth);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['cursor']);
  });

  it.each(["' OR 1=1 --", "'; DROP TABLE leads; --", '%', '\\', '%_%', '王芳', ' '])(
    'answers q=%j without a 5xx',
    async (q) => {
      const res = await app.http.get(`/api/v1/leads?q=${encodeURIComponent(q)}`).set(admin.auth);
      expect(res.status).toBe(200);
    },
  );
});

describe('leads: role matrix', () => {
  it('lists every lead for the agency, only its own company’s for a company user', async () => {
    for (const role of ['admin', 'staff', 'viewer'] as const) {
      const res = await app.http.get('/api/v1/leads?limit=200').set(c.sessions[role].auth);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual(expect.arrayContaining([ownLead.id, foreignLead.id]));
    }
    const own = await app.http.get('/api/v1/leads?limit=200').set(c.sessions.own.auth);
    expect(own.status).toBe(200);
    expect(ids(own.body)).toContain(ownLead.id);
    expect(ids(own.body)).not.toContain(foreignLead.id);
    expect(new Set(own.body.items.map((l: LeadBody) => l.companyId))).toEqual(
      new Set([c.ownCompany.id]),
    );
    const foreign = await app.http.get('/api/v1/leads?limit=200').set(c.sessions.foreign.auth);
    expect(ids(foreign.body)).toEqual([foreignLead.id]);
  });

  it('finds nothing of another company by filter, search or sort', async () => {
    for (const query of [
      `companyId=${c.foreignCompany.id}`,
      'q=foreign',
      'q=scheren',
      'sort=-valueEur&limit=200',
      `ownerId=${admin.user.id}&limit=200`,
    ]) {
      const res = await app.http.get(`/api/v1/leads?${query}`).set(c.sessions.own.auth);
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      expect(ids(res.body)).not.toContain(foreignLead.id);
      for (const l of res.body.items as LeadBody[]) expect(l.companyId).toBe(c.ownCompany.id);
    }
  });

  it('reads: the own company’s lead 200, another company’s 404', async () => {
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 200, own: 200, foreign: 404 },
      async (_, s) => (await app.http.get(`/api/v1/leads/${ownLead.id}`).set(s.auth)).status,
    );
    await expectStatuses(
      c,
      { own: 404, foreign: 200 },
      async (_, s) => (await app.http.get(`/api/v1/leads/${foreignLead.id}`).set(s.auth)).status,
      ['own', 'foreign'],
    );
  });

  it('creates: agency only, even for the own company', async () => {
    await expectStatuses(
      c,
      AGENCY_CREATES,
      async (role, s) =>
        (await create(s, { companyId: c.ownCompany.id, title: `By ${role}` })).status,
    );
  });

  it('moves the stage: agency and the own company, not the viewer nor another company', async () => {
    const stages: Record<RoleName, string> = {
      admin: 'contacted',
      staff: 'qualified',
      viewer: 'won',
      own: 'proposal',
      foreign: 'won',
    };
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 403, own: 200, foreign: 404 },
      async (role, s) =>
        (await api.as(s).patch(`/api/v1/leads/${ownLead.id}`, { stage: stages[role] })).status,
    );
    expect((await app.http.get(`/api/v1/leads/${ownLead.id}`).set(admin.auth)).body.stage).toBe(
      'proposal',
    );
    expect(
      (await api.as(c.sessions.own).patch(`/api/v1/leads/${foreignLead.id}`, { stage: 'won' }))
        .status,
    ).toBe(404);
    expect(
      (
        await api
          .as(c.sessions.foreign)
          .patch(`/api/v1/leads/${foreignLead.id}`, { stage: 'contacted' })
      ).status,
    ).toBe(200);
  });

  it('lets a company user change only stage and lost reason (403 naming the rest)', async () => {
    for (const body of [
      { valueEur: 1 },
      { companyId: c.foreignCompany.id },
      { ownerId: c.sessions.own.user.id },
      { stage: 'won', title: 'Renamed' },
      { description: null },
    ]) {
      const res = await api.as(c.sessions.own).patch(`/api/v1/leads/${ownLead.id}`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 403 });
      const refused = Object.keys(body).filter((k) => k !== 'stage');
      for (const field of refused) expect(res.body.detail).toContain(field);
    }
    const lost = await api.as(c.sessions.own).patch(`/api/v1/leads/${ownLead.id}`, {
      stage: 'lost',
      lostReason: 'Anderer Lieferant',
    });
    expect(lost.status).toBe(200);
    expect(lost.body).toMatchObject({ stage: 'lost', lostReason: 'Anderer Lieferant' });
    const after = (await app.http.get(`/api/v1/leads/${ownLead.id}`).set(admin.auth)).body;
    expect(after).toMatchObject({ title: 'Own Rasiermesser China', companyId: c.ownCompany.id });
    // the 403 is the role's, whatever the lead: it tells nothing about another company's lead
    expect(
      (await api.as(c.sessions.own).patch(`/api/v1/leads/${foreignLead.id}`, { valueEur: 1 }))
        .status,
    ).toBe(403);
  });

  it('deletes, restores and purges: agency deletes and restores, only admin purges', async () => {
    const target = await lead({ title: 'Short-lived lead' });
    await softDeleteStory(app, c, `/api/v1/leads/${target.id}`);
  });

  it('purges a lead with its notes; a live one is 404, one still referenced 409', async () => {
    expect((await app.http.post(`/api/v1/leads/${ownLead.id}/purge`).set(admin.auth)).status).toBe(
      404,
    );
    const noted = await lead({ title: 'With notes' });
    await app.http.post(`/api/v1/leads/${noted.id}/notes`).set(admin.auth).send({ body: 'Hallo' });
    await api.delete(`/api/v1/leads/${noted.id}`);
    expect((await app.http.post(`/api/v1/leads/${noted.id}/purge`).set(admin.auth)).status).toBe(
      204,
    );
    const left = await app.db.query('SELECT 1 FROM lead_notes WHERE lead_id = $1', [noted.id]);
    expect(left.rowCount).toBe(0);

    const referenced = await lead({ title: 'Followed up' });
    await app.http
      .post(`/api/v1/leads/${referenced.id}/notes`)
      .set(admin.auth)
      .send({ body: 'Bleibt' });
    await app.db.query(
      `INSERT INTO follow_ups (title, assignee_id, lead_id) VALUES ('Nachfassen', $1, $2)`,
      [admin.user.id, referenced.id],
    );
    await api.delete(`/api/v1/leads/${referenced.id}`);
    expect(
      (await app.http.post(`/api/v1/leads/${referenced.id}/purge`).set(admin.auth)).status,
    ).toBe(409);
    // nothing half-done: the notes deleted before the refused DELETE are back
    const kept = await app.db.query('SELECT 1 FROM lead_notes WHERE lead_id = $1', [referenced.id]);
    expect(kept.rowCount).toBe(1);
  });
});

describe('leads: notes', () => {
  let thread: LeadBody;
  beforeAll(async () => {
    thread = await lead({ title: 'Thread' });
  });
  const post = (s: Session, leadId: string, body: unknown) =>
    app.http
      .post(`/api/v1/leads/${leadId}/notes`)
      .set(s.auth)
      .send(body as object);
  const read = (s: Session, leadId: string, query = '') =>
    app.http.get(`/api/v1/leads/${leadId}/notes${query}`).set(s.auth);

  it('is a thread staff and the company share, oldest first, with the author’s name', async () => {
    const first = await post(c.sessions.staff, thread.id, { body: '  Muster verschickt.  ' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      leadId: thread.id,
      authorId: c.sessions.staff.user.id,
      authorName: expect.stringMatching(/^Test User/),
      body: 'Muster verschickt.',
      createdAt: expect.any(String),
    });
    const second = await post(c.sessions.own, thread.id, { body: 'Danke, angekommen.' });
    expect(second.status).toBe(201);
    expect(second.body.authorId).toBe(c.sessions.own.user.id);

    for (const s of [c.sessions.own, c.sessions.staff, c.sessions.viewer]) {
      const res = await read(s, thread.id);
      expect(res.status).toBe(200);
      expect(res.body.items.map((n: { body: string }) => n.body)).toEqual([
        'Muster verschickt.',
        'Danke, angekommen.',
      ]);
    }
  });

  it('role matrix on the own company’s lead: read all but the other company, write all but viewer', async () => {
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 200, own: 200, foreign: 404 },
      async (_, s) => (await read(s, ownLead.id)).status,
    );
    await expectStatuses(
      c,
      { admin: 201, staff: 201, viewer: 403, own: 201, foreign: 404 },
      async (_, s) => (await post(s, ownLead.id, { body: 'Notiz' })).status,
    );
  });

  it('hides another company’s thread (404 both ways) and a deleted lead’s', async () => {
    await post(admin, foreignLead.id, { body: 'Foreign secret' });
    expect((await read(c.sessions.own, foreignLead.id)).status).toBe(404);
    expect((await post(c.sessions.own, foreignLead.id, { body: 'Hi' })).status).toBe(404);
    const own = await read(c.sessions.own, ownLead.id);
    expect(own.body.items.map((n: { leadId: string }) => n.leadId)).not.toContain(foreignLead.id);

    const gone = await lead({ title: 'Gone' });
    await api.delete(`/api/v1/leads/${gone.id}`);
    expect((await read(admin, gone.id)).status).toBe(404);
    expect((await post(admin, gone.id, { body: 'Hi' })).status).toBe(404);
    expect((await read(admin, randomUUID())).status).toBe(404);
  });

  it('pages oldest first with a cursor', async () => {
    const paged = await lead({ title: 'Paged thread' });
    for (let i = 1; i <= 5; i++) await post(admin, paged.id, { body: `Note ${i}` });
    const bodies: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await read(admin, paged.id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      bodies.push(...res.body.items.map((n: { body: string }) => n.body));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(bodies).toEqual(['Note 1', 'Note 2', 'Note 3', 'Note 4', 'Note 5']);
    expect((await read(admin, paged.id, '?cursor=garbage')).status).toBe(400);
    expect((await read(admin, paged.id, '?sort=body')).status).toBe(400);
  });

  it.each([
    ['no body', {}, 'body'],
    ['an empty body', { body: '' }, 'body'],
    ['a blank body', { body: '   ' }, 'body'],
    ['a number', { body: 42 }, 'body'],
    ['10,001 characters', { body: 'x'.repeat(10_001) }, 'body'],
    ['an author', { body: 'ok', authorId: '00000000-0000-4000-8000-000000000000' }, 'authorId'],
  ])('refuses a note with %s, naming %s', async (_, body, field) => {
    const res = await post(admin, thread.id, body);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toContain(field);
  });

  it('takes a note of 10,000 characters and records it in the audit trail as leadNote', async () => {
    const res = await post(c.sessions.own, thread.id, { body: 'y'.repeat(10_000) });
    expect(res.status).toBe(201);
    const audit = await app.http
      .get(`/api/v1/audit?entity=leadNote&entityId=${res.body.id}`)
      .set(admin.auth);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      action: 'create',
      actorId: c.sessions.own.user.id,
      changes: { leadId: { before: null, after: thread.id } },
    });
  });
});

describe('leads: audit and concurrency', () => {
  it('records before and after of each change', async () => {
    const target = await lead({ title: 'Audit me', valueEur: 10 });
    await api
      .as(c.sessions.staff)
      .patch(`/api/v1/leads/${target.id}`, { valueEur: 12.5, stage: 'contacted' });
    await api.delete(`/api/v1/leads/${target.id}`);
    const audit = await app.http
      .get(`/api/v1/audit?entity=lead&entityId=${target.id}`)
      .set(admin.auth);
    const [deletion, update, creation] = audit.body.items;
    expect(deletion).toMatchObject({ action: 'delete', changes: { deletedAt: { before: null } } });
    expect(update).toMatchObject({
      action: 'update',
      actorId: c.sessions.staff.user.id,
      changes: {
        valueEur: { before: 10, after: 12.5 },
        stage: { before: 'new', after: 'contacted' },
      },
    });
    expect(Object.keys(update.changes).sort()).toEqual(['stage', 'valueEur']);
    expect(creation).toMatchObject({
      action: 'create',
      changes: { title: { before: null, after: 'Audit me' } },
    });
  });

  it('writes nothing when a change is refused', async () => {
    const count = async () =>
      Number(
        (await app.db.query(`SELECT count(*) AS n FROM audit_events WHERE entity = 'lead'`)).rows[0]
          .n,
      );
    const before = await count();
    await create(admin, { companyId: c.ownCompany.id, title: 'Bad', partnerId: randomUUID() });
    await api.patch(`/api/v1/leads/${ownLead.id}`, { contactId: randomUUID() });
    expect(await count()).toBe(before);
    expect((await app.db.query(`SELECT 1 FROM leads WHERE title = 'Bad'`)).rowCount).toBe(0);
  });

  it('20 parallel PATCHes with the same ETag: exactly one 200, nineteen 412', async () => {
    const target = await lead({ title: 'Race' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.patch(`/api/v1/leads/${target.id}`, { valueEur: i }, { ifMatch: '"1"' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const winner = results.find((r) => r.status === 200)!;
    const now = await app.http.get(`/api/v1/leads/${target.id}`).set(admin.auth);
    expect(now.body).toMatchObject({ version: 2, valueEur: winner.body.valueEur });
  });

  it('20 parallel stage changes by the company user: one 200, nineteen 412', async () => {
    const target = await lead({ title: 'Company race' });
    const stages = ['contacted', 'qualified', 'proposal', 'won'];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api
          .as(c.sessions.own)
          .patch(`/api/v1/leads/${target.id}`, { stage: stages[i % 4] }, { ifMatch: '"1"' }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(412)]);
  });
});

describe('leads pipeline', () => {
  it('sums count and value per company and stage, within the caller scope', async () => {
    const staffSession = c.sessions.staff;
    const mine = await app.http.get('/api/v1/leads/pipeline').set(c.sessions.own.auth);
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.items.map((r: { companyId: string }) => r.companyId))).toEqual(
      new Set(mine.body.items.length ? [c.ownCompany.id] : []),
    );
    const all = await app.http.get('/api/v1/leads/pipeline').set(staffSession.auth);
    const { rows } = await app.db.query(
      `SELECT company_id, stage, count(*)::int AS n, coalesce(sum(value_eur), 0)::float8 AS v FROM leads WHERE deleted_at IS NULL GROUP BY 1, 2`,
    );
    expect(all.body.items).toHaveLength(rows.length);
    for (const row of rows) {
      expect(all.body.items).toContainEqual(
        expect.objectContaining({
          companyId: row.company_id,
          stage: row.stage,
          count: row.n,
          valueEur: row.v,
        }),
      );
    }
  });

  it('narrows to a company, a trip and an owner, so a filtered board totals what it shows', async () => {
    const [trip, company] = await Promise.all([
      make.row.trip(),
      make.company({ name: 'Filterwerk' }),
    ]);
    const staffId = c.sessions.staff.user.id;
    await lead({ companyId: company.id, title: 'F1', valueEur: 100, tripId: trip.id });
    await lead({ companyId: company.id, title: 'F2', valueEur: 50, ownerId: staffId });
    await lead({ companyId: company.id, title: 'F3', valueEur: 7, stage: 'won' });
    const pipeline = async (query: string, session = admin) => {
      const res = await app.http.get(`/api/v1/leads/pipeline?${query}`).set(session.auth);
      expect(res.status).toBe(200);
      return res.body.items as {
        companyId: string;
        stage: string;
        count: number;
        valueEur: number;
      }[];
    };
    expect(await pipeline(`companyId=${company.id}`)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stage: 'new', count: 2, valueEur: 150 }),
        expect.objectContaining({ stage: 'won', count: 1, valueEur: 7 }),
      ]),
    );
    expect(await pipeline(`companyId=${company.id}&tripId=${trip.id}`)).toEqual([
      expect.objectContaining({ stage: 'new', count: 1, valueEur: 100 }),
    ]);
    expect(await pipeline(`companyId=${company.id}&ownerId=me`, c.sessions.staff)).toEqual([
      expect.objectContaining({ stage: 'new', count: 1, valueEur: 50 }),
    ]);
    // Another company's id narrows a company user's scope to nothing, not to that company.
    expect(await pipeline(`companyId=${company.id}`, c.sessions.own)).toEqual([]);
    expect((await app.http.get('/api/v1/leads/pipeline?stage=new').set(admin.auth)).status).toBe(
      400,
    );
  });
  it('keeps its totals per company and stage equal to the leads through every kind of change', async () => {
    // What the unfiltered pipeline reads (kept by triggers) against the leads' own sums.
    const expectKept = async () => {
      const same = async (kept: string, summed: string) => {
        const [k, s] = await Promise.all([app.db.query(kept), app.db.query(summed)]);
        expect(k.rows).toEqual(s.rows);
      };
      await same(
        `SELECT company_id, stage, count, value_eur::float8 AS v FROM lead_totals
         WHERE count > 0 ORDER BY 1, 2`,
        `SELECT company_id, stage, count(*)::int AS count, coalesce(sum(value_eur), 0)::float8 AS v
         FROM leads WHERE deleted_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      await same(
        `SELECT stage, count, value_eur::float8 AS v FROM lead_stage_totals
         WHERE count > 0 ORDER BY 1`,
        `SELECT stage, count(*)::int AS count, coalesce(sum(value_eur), 0)::float8 AS v
         FROM leads WHERE deleted_at IS NULL GROUP BY 1 ORDER BY 1`,
      );
      await same(
        `SELECT company_id, count, open_value_eur::float8 AS v FROM lead_company_totals
         WHERE count > 0 ORDER BY 1`,
        `SELECT company_id, count(*)::int AS count,
                coalesce(sum(value_eur) FILTER (WHERE stage NOT IN ('won', 'lost')), 0)::float8 AS v
         FROM leads WHERE deleted_at IS NULL GROUP BY 1 ORDER BY 1`,
      );
      const negative = await app.db.query(
        `SELECT 1 FROM lead_totals WHERE count < 0 UNION ALL
         SELECT 1 FROM lead_stage_totals WHERE count < 0 UNION ALL
         SELECT 1 FROM lead_company_totals WHERE count < 0`,
      );
      expect(negative.rowCount).toBe(0);
    };
    const [kept, other] = await Promise.all([
      make.company({ name: 'Summenwerk' }),
      make.company({ name: 'Summenwerk GmbH' }),
    ]);
    const a = await lead({ companyId: kept.id, title: 'S1', valueEur: 100 });
    const b = await lead({ companyId: kept.id, title: 'S2', stage: 'qualified' });
    const d = await lead({ companyId: other.id, title: 'S3', valueEur: 30, stage: 'won' });
    await expectKept();
    // Moved, revalued, renamed (a change that moves nothing), deleted, restored.
    const moved = await api.patch(
      `/api/v1/leads/${a.id}`,
      { stage: 'contacted', valueEur: 150.5 },
      { ifMatch: `"${a.version}"` },
    );
    expect(moved.status).toBe(200);
    await expectKept();
    const renamed = await api.patch(
      `/api/v1/leads/${a.id}`,
      { title: 'S1 umbenannt' },
      { ifMatch: `"${moved.body.version}"` },
    );
    expect(renamed.status).toBe(200);
    expect((await api.delete(`/api/v1/leads/${b.id}`, { ifMatch: `"${b.version}"` })).status).toBe(
      204,
    );
    await expectKept();
    expect((await api.post(`/api/v1/leads/${b.id}/restore`)).status).toBe(200);
    await expectKept();
    // A merge of companies moves the other's leads to the kept one.
    const merged = await api.post(
      `/api/v1/companies/${kept.id}/merge`,
      { otherId: other.id, otherVersion: 1, fields: {} },
      { ifMatch: '"1"' },
    );
    expect(merged.status).toBe(200);
    expect((await api.get(`/api/v1/leads/${d.id}`)).body.companyId).toBe(kept.id);
    await expectKept();
    // Statements of many rows, and rows removed for good.
    await app.db.query(`UPDATE leads SET stage = 'proposal' WHERE company_id = $1`, [kept.id]);
    await expectKept();
    await app.db.query(`DELETE FROM leads WHERE id = $1`, [d.id]);
    await expectKept();
    // Twenty writers at once, each moving its own lead through the stages.
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        lead({ companyId: i % 2 ? kept.id : c.ownCompany.id, title: `P${i}`, valueEur: i }),
      ),
    );
    await Promise.all(
      many.map((x, i) =>
        api.patch(
          `/api/v1/leads/${x.id}`,
          { stage: ['contacted', 'qualified', 'proposal', 'won'][i % 4], valueEur: i * 2 },
          { ifMatch: `"${x.version}"` },
        ),
      ),
    );
    await expectKept();
  });

  it('sums per stage alone (by=stage) and keeps the companies with the most open value (top=)', async () => {
    const big = await make.company({ name: 'Großwerk Pipeline' });
    await lead({ companyId: big.id, title: 'Riesig', valueEur: 900_000_000, stage: 'proposal' });
    await lead({ companyId: big.id, title: 'Gewonnen', valueEur: 5, stage: 'won' });
    const get = async (query: string, session = admin) => {
      const res = await app.http.get(`/api/v1/leads/pipeline?${query}`).set(session.auth);
      expect(res.status).toBe(200);
      return res.body.items as {
        companyId: string | null;
        stage: string;
        count: number;
        valueEur: number;
      }[];
    };
    const { rows } = await app.db.query(
      `SELECT stage, count(*)::int AS n, coalesce(sum(value_eur), 0)::float8 AS v FROM leads WHERE deleted_at IS NULL GROUP BY 1`,
    );
    const stages = await get('by=stage');
    expect(stages).toHaveLength(rows.length);
    for (const row of rows)
      expect(stages).toContainEqual({
        companyId: null,
        companyName: null,
        stage: row.stage,
        count: row.n,
        valueEur: row.v,
      });
    // A company user's totals are its own company's only.
    const own = await get('by=stage', c.sessions.own);
    const { rows: ownRows } = await app.db.query(
      `SELECT count(*)::int AS n FROM leads WHERE deleted_at IS NULL AND company_id = $1`,
      [c.ownCompany.id],
    );
    expect(own.reduce((sum, r) => sum + r.count, 0)).toBe(ownRows[0].n);
    // top=1: the company with the most open value, all its stages (won too).
    const top = await get('top=1');
    expect(new Set(top.map((r) => r.companyId))).toEqual(new Set([big.id]));
    expect(top.map((r) => r.stage).sort()).toEqual(['proposal', 'won']);
    for (const bad of ['by=lead', 'top=0', 'top=101', 'top=x'])
      expect((await app.http.get(`/api/v1/leads/pipeline?${bad}`).set(admin.auth)).status).toBe(
        400,
      );
  });
});

describe('leads board', () => {
  const STAGES = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'];
  interface Column {
    stage: string;
    count: number;
    valueEur: number;
    items: LeadBody[];
    nextCursor: string | null;
  }
  const board = async (query: string, session: Session = admin) => {
    const res = await app.http.get(`/api/v1/leads/board?${query}`).set(session.auth);
    expect(res.status).toBe(200);
    return res.body.stages as Column[];
  };

  it('gives every stage its totals and first leads in one answer, the rest by the list', async () => {
    const company = await make.company({ name: 'Tafelwerk' });
    const made: LeadBody[] = [];
    for (const [i, stage] of ['new', 'new', 'new', 'proposal', 'won', 'new', 'proposal'].entries())
      made.push(await lead({ companyId: company.id, title: `T${i}`, stage, valueEur: 10 + i }));
    // Changing the first makes it the newest of its stage.
    const touched = await api
      .as(admin)
      .patch(`/api/v1/leads/${made[0].id}`, { valueEur: 5 }, { ifMatch: '"1"' });
    expect(touched.status).toBe(200);

    const columns = await board(`companyId=${company.id}&limit=2`);
    const { rows } = await app.db.query(
      `SELECT stage, count(*)::int AS n, sum(value_eur)::float8 AS v FROM leads
        WHERE company_id = $1 AND deleted_at IS NULL GROUP BY 1`,
      [company.id],
    );
    expect(columns.map((s) => s.stage)).toEqual(STAGES);
    for (const column of columns) {
      const row = rows.find((r) => r.stage === column.stage);
      expect([column.stage, column.count, column.valueEur]).toEqual([
        column.stage,
        row?.n ?? 0,
        row?.v ?? 0,
      ]);
      expect(column.items.length).toBe(Math.min(2, column.count));
      expect(column.nextCursor === null).toBe(column.count <= 2);
      for (const item of column.items) expect(item.stage).toBe(column.stage);
    }
    const news = columns.find((s) => s.stage === 'new')!;
    expect(news.items.map((x) => x.title)).toEqual(['T0', 'T5']);
    // The column's next leads: the list with the same filters, stage and sort, from its cursor.
    const rest = await app.http
      .get(
        `/api/v1/leads?companyId=${company.id}&stage=new&sort=-updatedAt&limit=2&cursor=${encodeURIComponent(news.nextCursor!)}`,
      )
      .set(admin.auth);
    expect(rest.status).toBe(200);
    expect(rest.body.items.map((x: LeadBody) => x.title)).toEqual(['T2', 'T1']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it("shows a company user its own company's leads only, and nothing by another's", async () => {
    const own = c.sessions.own;
    const columns = await board('limit=50', own);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM leads WHERE company_id = $1 AND deleted_at IS NULL`,
      [c.ownCompany.id],
    );
    expect(columns.reduce((n, s) => n + s.count, 0)).toBe(rows[0].n);
    const shown = columns.flatMap((s) => s.items);
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown.map((x) => x.companyId))).toEqual(new Set([c.ownCompany.id]));
    const foreign = await board(`companyId=${c.foreignCompany.id}`, own);
    expect(foreign.filter((s) => s.count > 0 || s.items.length > 0)).toEqual([]);
  });

  it('refuses a bad filter or size with a 400 naming it', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=51', 'limit'],
      ['limit=x', 'limit'],
      ['companyId=nope', 'companyId'],
      ['ownerId=someone', 'ownerId'],
      ['stage=new', 'stage'],
    ]) {
      const res = await app.http.get(`/api/v1/leads/board?${query}`).set(admin.auth);
      expect([query, res.status, fields(res.body)]).toEqual([query, 400, [field]]);
    }
  });
});

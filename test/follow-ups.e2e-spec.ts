import { randomUUID } from 'node:crypto';
import { softDeleteStory } from './helpers/lifecycle';
import { AGENCY_CREATES, AGENCY_WRITES, ROLE_NAMES, expectStatuses } from './helpers/roles';
import { Api, Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

interface FollowUpBody {
  id: string;
  title: string;
  status: string;
  version: number;
  assigneeId: string | null;
  companyId: string | null;
  completedAt: string | null;
  dueOn: string | null;
  [field: string]: unknown;
}

let app: TestApp, admin: Session, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, admin, c, make, api } = w));
/** Assigned to the own company; to the own company user; to the foreign company. */
let ownFollowUp: FollowUpBody;
let ownUserFollowUp: FollowUpBody;
let foreignFollowUp: FollowUpBody;

const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  ownFollowUp = await followUp({
    title: 'Own company: Muster schicken',
    companyId: c.ownCompany.id,
  });
  ownUserFollowUp = await followUp({
    title: 'Own user: Termin bestätigen',
    assigneeId: c.sessions.own.user.id,
  });
  foreignFollowUp = await followUp({
    title: 'Foreign company: Angebot',
    companyId: c.foreignCompany.id,
  });
});

const create = (session: Session, body: Record<string, unknown>) =>
  api.as(session).post('/api/v1/follow-ups', body);
async function followUp(body: Record<string, unknown> = {}): Promise<FollowUpBody> {
  const res = await create(admin, { title: 'Nachfassen', ...body });
  if (res.status !== 201) throw new Error(`follow-up: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as FollowUpBody;
}
/** Marks a follow-up done; `ifMatch` only where a test is about the precondition. */
const complete = (session: Session, id: string, ifMatch?: string) =>
  api.as(session).post(`/api/v1/follow-ups/${id}/complete`, undefined, { ifMatch });
const fields = (body: { errors?: { field: string }[] }) => [
  ...new Set((body.errors ?? []).map((e) => e.field)),
];
const ids = (body: { items: { id: string }[] }) => body.items.map((x) => x.id);

describe('follow-ups: create and update', () => {
  it('assigns it to its creator when nobody is named', async () => {
    const res = await create(c.sessions.staff, { title: '  Dankesbrief an den Campus  ' });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual({
      id: expect.any(String),
      title: 'Dankesbrief an den Campus',
      notes: null,
      dueOn: null,
      status: 'open',
      priority: 'normal',
      assigneeId: c.sessions.staff.user.id,
      companyId: null,
      contactId: null,
      partnerId: null,
      leadId: null,
      interactionId: null,
      agreementId: null,
      tripId: null,
      completedAt: null,
      createdBy: c.sessions.staff.user.id,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      deletedAt: null,
    });
  });

  it('goes to a company alone when only the company is named', async () => {
    const res = await create(admin, { title: 'Firma ruft an', companyId: c.ownCompany.id });
    expect(res.body).toMatchObject({ companyId: c.ownCompany.id, assigneeId: null });
  });

  it('links a contact, partner, lead, interaction, agreement and trip', async () => {
    const [contact, partner, trip, interaction] = await Promise.all([
      make.row.contact(),
      make.row.partner(),
      make.row.trip(),
      make.row.interaction(admin.user.id),
    ]);
    const agreement = await make.row.agreement(partner.id);
    const lead = await app.http
      .post('/api/v1/leads')
      .set(admin.auth)
      .send({ companyId: c.ownCompany.id, title: 'Lead to follow' });
    const links = {
      contactId: contact.id,
      partnerId: partner.id,
      leadId: lead.body.id,
      interactionId: interaction.id,
      agreementId: agreement.id,
      tripId: trip.id,
    };
    const res = await create(admin, {
      title: 'Verlinkt',
      dueOn: '2026-11-30',
      priority: 'high',
      notes: 'Mit allem',
      ...links,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...links, dueOn: '2026-11-30', priority: 'high' });

    for (const [field, id] of Object.entries(links)) {
      const filtered = await app.http.get(`/api/v1/follow-ups?${field}=${id}`).set(admin.auth);
      expect({ field, ids: ids(filtered.body) }).toEqual({ field, ids: [res.body.id] });
    }
  });

  it('refuses links to missing or deleted records, naming each field', async () => {
    const [contact, partner, trip, interaction, company] = await Promise.all([
      make.row.contact(),
      make.row.partner(),
      make.row.trip(),
      make.row.interaction(admin.user.id),
      make.company(),
    ]);
    const agreement = await make.row.agreement(partner.id);
    await Promise.all([
      make.softDelete('contacts', contact.id),
      make.softDelete('trips', trip.id),
      make.softDelete('interactions', interaction.id),
      make.softDelete('agreements', agreement.id),
      make.softDelete('companies', company.id),
    ]);
    const res = await create(admin, {
      title: 'Tote Links',
      companyId: company.id,
      contactId: contact.id,
      partnerId: randomUUID(),
      leadId: randomUUID(),
      interactionId: interaction.id,
      agreementId: agreement.id,
      tripId: trip.id,
      assigneeId: randomUUID(),
    });
    expect(res.status).toBe(400);
    expect(fields(res.body).sort()).toEqual([
      'agreementId',
      'assigneeId',
      'companyId',
      'contactId',
      'interactionId',
      'leadId',
      'partnerId',
      'tripId',
    ]);
  });

  it('assigns only to an active user', async () => {
    const [viewer, inactive] = await Promise.all([
      make.user({ role: 'viewer' }),
      make.user({ role: 'staff' }),
    ]);
    await app.db.query('UPDATE users SET active = false WHERE id = $1', [inactive.id]);
    expect((await create(admin, { title: 'A', assigneeId: viewer.id })).status).toBe(201);
    const res = await create(admin, { title: 'A', assigneeId: inactive.id });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['assigneeId']);
  });

  it('keeps someone responsible: clearing both assignee and company is a 400', async () => {
    const target = await followUp({ companyId: c.ownCompany.id });
    const res = await api.patch(`/api/v1/follow-ups/${target.id}`, { companyId: null });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['assigneeId']);
    const moved = await api.patch(`/api/v1/follow-ups/${target.id}`, {
      companyId: null,
      assigneeId: c.sessions.staff.user.id,
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ companyId: null, assigneeId: c.sessions.staff.user.id });
  });

  it('sets completedAt when done and clears it when reopened or cancelled', async () => {
    const target = await followUp();
    const done = await api.patch(`/api/v1/follow-ups/${target.id}`, { status: 'done' });
    expect(done.body.status).toBe('done');
    expect(Date.parse(done.body.completedAt)).toBeGreaterThan(Date.now() - 60_000);
    const renamed = await api.patch(`/api/v1/follow-ups/${target.id}`, { title: 'Renamed' });
    expect(renamed.body.completedAt).toBe(done.body.completedAt);
    const reopened = await api.patch(`/api/v1/follow-ups/${target.id}`, { status: 'open' });
    expect(reopened.body).toMatchObject({ status: 'open', completedAt: null });
    await api.patch(`/api/v1/follow-ups/${target.id}`, { status: 'done' });
    expect(
      (await api.patch(`/api/v1/follow-ups/${target.id}`, { status: 'cancelled' })).body
        .completedAt,
    ).toBeNull();
    expect(
      (await create(admin, { title: 'Schon erledigt', status: 'done' })).body.completedAt,
    ).not.toBeNull();
  });

  it('refuses an empty body, naming the title', async () => {
    const res = await create(admin, {});
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['title']);
  });

  it.each([
    [{ title: 42 }, ['title']],
    [{ title: '' }, ['title']],
    [{ title: 'x'.repeat(301) }, ['title']],
    [{ status: 'finished' }, ['status']],
    [{ status: null }, ['status']],
    [{ priority: 'urgent' }, ['priority']],
    [{ priority: 3 }, ['priority']],
    [{ dueOn: '2026-02-30' }, ['dueOn']],
    [{ dueOn: '2026-13-01' }, ['dueOn']],
    [{ dueOn: 'tomorrow' }, ['dueOn']],
    [{ dueOn: '2026-11-30T09:00:00+08:00' }, ['dueOn']],
    [{ assigneeId: 'me' }, ['assigneeId']],
    [{ leadId: 17 }, ['leadId']],
    [{ notes: ['a'] }, ['notes']],
    [{ completedAt: '2026-01-01T00:00:00Z' }, ['completedAt']],
    [{ createdBy: '00000000-0000-4000-8000-000000000000' }, ['createdBy']],
    [{ version: 2 }, ['version']],
  ])('refuses to create %j with 400 naming %j', async (body, expected) => {
    const res = await create(admin, { title: 'T', ...body });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(fields(res.body)).toEqual(expected);
  });

  it.each([
    [{ title: null }, ['title']],
    [{ status: null }, ['status']],
    [{ priority: null }, ['priority']],
    [{ dueOn: '2025-02-29' }, ['dueOn']],
    [{ companyId: '00000000-0000-4000-8000-000000000000' }, ['companyId']],
    [{ id: randomUUID() }, ['id']],
  ])('refuses to update with %j, naming %j', async (body, expected) => {
    const res = await api.patch(`/api/v1/follow-ups/${ownFollowUp.id}`, body);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(expected);
  });

  it('needs If-Match on PATCH and complete: none 428, stale 412', async () => {
    const url = `/api/v1/follow-ups/${ownFollowUp.id}`;
    expect((await app.http.patch(url).set(admin.auth).send({ notes: 'x' })).status).toBe(428);
    expect((await app.http.post(`${url}/complete`).set(admin.auth)).status).toBe(428);
    const stale = await api.patch(url, {}, { ifMatch: '"99"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe((await api.get(url)).headers.etag);
    expect((await complete(admin, ownFollowUp.id, '"99"')).status).toBe(412);
  });
});

describe('follow-ups: list, filters and sort', () => {
  let company: { id: string };
  let dated: Record<string, FollowUpBody>;
  let assignee: Session;
  const list = async (query: string, session: Session = admin) => {
    const res = await app.http.get(`/api/v1/follow-ups?${query}`).set(session.auth);
    if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { items: FollowUpBody[]; nextCursor: string | null };
  };
  const titles = async (query: string, session: Session = admin) =>
    (await list(`companyId=${company.id}&${query}`, session)).items.map((f) => f.title);

  beforeAll(async () => {
    company = await make.company({ name: 'Filterwerk' });
    assignee = await make.session('staff');
    dated = {};
    for (const [key, body] of Object.entries({
      overdue: { title: 'Overdue open', dueOn: day(-2), priority: 'high' },
      overdueDone: { title: 'Overdue but done', dueOn: day(-3), status: 'done' },
      overdueCancelled: { title: 'Overdue but cancelled', dueOn: day(-1), status: 'cancelled' },
      today: { title: 'Due today', dueOn: day(0), priority: 'low' },
      later: { title: 'Due later 100%', dueOn: day(5), assigneeId: assignee.user.id },
      undated: { title: 'No due date', dueOn: null },
    })) {
      dated[key] = await followUp({ companyId: company.id, ...body });
    }
  });

  it('finds the overdue ones: open and due before today', async () => {
    expect(await titles('overdue=true')).toEqual(['Overdue open']);
    expect((await titles('overdue=false')).sort()).toEqual(
      [
        'Overdue but done',
        'Overdue but cancelled',
        'Due today',
        'Due later 100%',
        'No due date',
      ].sort(),
    );
    expect(await titles('overdue=true&status=open')).toEqual(['Overdue open']);
  });

  it('filters by status, priority and assignee, `me` being the caller', async () => {
    expect(await titles('status=done')).toEqual(['Overdue but done']);
    expect(await titles('priority=low')).toEqual(['Due today']);
    expect(await titles('assigneeId=me', assignee)).toEqual(['Due later 100%']);
    expect(await titles(`assigneeId=${assignee.user.id}`)).toEqual(['Due later 100%']);
    const mine = await list('assigneeId=me&limit=200', assignee);
    expect(mine.items.every((f) => f.assigneeId === assignee.user.id)).toBe(true);
  });

  it('searches the title, with wildcards taken literally', async () => {
    expect(await titles('q=OVERDUE%20but')).toEqual(
      expect.arrayContaining(['Overdue but done', 'Overdue but cancelled']),
    );
    expect(await titles('q=100%25')).toEqual(['Due later 100%']);
    expect(await titles('q=%25')).toEqual(['Due later 100%']);
    expect(await titles('q=_')).toEqual([]);
  });

  it('sorts by due date with undated last, and pages without losing one', async () => {
    const order = ['overdueDone', 'overdue', 'overdueCancelled', 'today', 'later', 'undated'].map(
      (k) => dated[k].id,
    );
    for (const [sort, expected] of [
      ['dueOn', order],
      ['-dueOn', [...order].reverse()],
      ['createdAt', Object.values(dated).map((f) => f.id)],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: FollowUpBody[]; nextCursor: string | null } = await list(
          `companyId=${company.id}&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...ids(page));
        cursor = page.nextCursor;
      } while (cursor);
      expect({ sort, seen }).toEqual({ sort, seen: expected });
    }
  });

  it.each([
    ['garbage cursor', 'cursor=%27%20OR%201%3D1', 'cursor'],
    ['unknown sort', 'sort=status', 'sort'],
    ['limit 500', 'limit=500', 'limit'],
    ['bad status', 'status=closed', 'status'],
    ['bad priority', 'priority=urgent', 'priority'],
    ['bad overdue', 'overdue=maybe', 'overdue'],
    ['bad assignee', 'assigneeId=you', 'assigneeId'],
    ['bad leadId', 'leadId=42', 'leadId'],
    ['5,000-character q', `q=${'y'.repeat(5000)}`, 'q'],
    ['unknown filter', 'ownerId=me', 'ownerId'],
  ])('refuses a list with a %s (400 naming it)', async (_, query, field) => {
    const res = await app.http.get(`/api/v1/follow-ups?${query}`).set(admin.auth);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toContain(field);
  });

  it.each(["' OR 1=1 --", "'); DELETE FROM follow_ups; --", '\\', '%%', '王芳'])(
    'answers q=%j without a 5xx',
    async (q) => {
      const res = await app.http
        .get(`/api/v1/follow-ups?q=${encodeURIComponent(q)}`)
        .set(admin.auth);
      expect(res.status).toBe(200);
    },
  );
});

describe('follow-ups: role matrix', () => {
  it('lists all for the agency; for a company user those of its company or assigned to it', async () => {
    const everyone = [ownFollowUp.id, ownUserFollowUp.id, foreignFollowUp.id];
    for (const role of ['admin', 'staff', 'viewer'] as const) {
      const res = await app.http.get('/api/v1/follow-ups?limit=200').set(c.sessions[role].auth);
      expect(ids(res.body)).toEqual(expect.arrayContaining(everyone));
    }
    const own = await app.http.get('/api/v1/follow-ups?limit=200').set(c.sessions.own.auth);
    expect(ids(own.body)).toEqual(expect.arrayContaining([ownFollowUp.id, ownUserFollowUp.id]));
    expect(ids(own.body)).not.toContain(foreignFollowUp.id);
    for (const f of own.body.items as FollowUpBody[]) {
      expect(f.companyId === c.ownCompany.id || f.assigneeId === c.sessions.own.user.id).toBe(true);
    }
    const foreign = await app.http.get('/api/v1/follow-ups?limit=200').set(c.sessions.foreign.auth);
    expect(ids(foreign.body)).toEqual([foreignFollowUp.id]);
  });

  it('finds nothing of another company by filter, search, sort or status', async () => {
    for (const query of [
      `companyId=${c.foreignCompany.id}`,
      'q=foreign',
      'sort=-createdAt&limit=200',
      'status=open&limit=200',
      `assigneeId=${admin.user.id}`,
      'deleted=false&limit=200',
    ]) {
      const res = await app.http.get(`/api/v1/follow-ups?${query}`).set(c.sessions.own.auth);
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      for (const f of res.body.items as FollowUpBody[]) {
        expect(f.companyId === c.ownCompany.id || f.assigneeId === c.sessions.own.user.id).toBe(
          true,
        );
      }
      expect(ids(res.body)).not.toContain(foreignFollowUp.id);
    }
  });

  it('reads: in scope 200, out of scope 404', async () => {
    for (const [target, expected] of [
      [ownFollowUp, { admin: 200, staff: 200, viewer: 200, own: 200, foreign: 404 }],
      [ownUserFollowUp, { admin: 200, staff: 200, viewer: 200, own: 200, foreign: 404 }],
      [foreignFollowUp, { admin: 200, staff: 200, viewer: 200, own: 404, foreign: 200 }],
    ] as const) {
      await expectStatuses(
        c,
        expected,
        async (_, s) => (await app.http.get(`/api/v1/follow-ups/${target.id}`).set(s.auth)).status,
      );
    }
  });

  it('creates and updates: agency only (a company user may not edit even its own)', async () => {
    await expectStatuses(
      c,
      AGENCY_CREATES,
      async (role, s) =>
        (await create(s, { title: `By ${role}`, companyId: c.ownCompany.id })).status,
    );
    await expectStatuses(
      c,
      AGENCY_WRITES,
      async (role, s) =>
        (
          await api
            .as(s)
            .patch(`/api/v1/follow-ups/${ownFollowUp.id}`, { notes: `Note by ${role}` })
        ).status,
    );
  });

  it('completes: agency, and a company user for its own; foreign 404, viewer 403', async () => {
    const targets = await Promise.all(
      ROLE_NAMES.map(() => followUp({ title: 'Zu erledigen', companyId: c.ownCompany.id })),
    );
    const byRole = Object.fromEntries(ROLE_NAMES.map((r, i) => [r, targets[i]]));
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 403, own: 200, foreign: 404 },
      async (role, s) => (await complete(s, byRole[role].id)).status,
    );

    const done = await complete(c.sessions.own, ownUserFollowUp.id);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', version: ownUserFollowUp.version + 1 });
    expect(done.body.completedAt).not.toBeNull();
    expect(done.headers.etag).toBe(`"${done.body.version}"`);
    // again: nothing changes, not even the version
    const again = await complete(c.sessions.own, ownUserFollowUp.id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(done.body);

    expect((await complete(c.sessions.own, foreignFollowUp.id)).status).toBe(404);
    expect((await complete(c.sessions.foreign, ownFollowUp.id)).status).toBe(404);
    expect(
      (await app.http.get(`/api/v1/follow-ups/${foreignFollowUp.id}`).set(admin.auth)).body.status,
    ).toBe('open');
  });

  it('deletes, restores and purges: agency deletes and restores, only admin purges', async () => {
    const target = await followUp({ title: 'Short-lived', companyId: c.ownCompany.id });
    await softDeleteStory(app, c, `/api/v1/follow-ups/${target.id}`, {
      async whileDeleted() {
        expect((await complete(c.sessions.own, target.id, '"2"')).status).toBe(404);
        const own = await app.http.get('/api/v1/follow-ups?limit=200').set(c.sessions.own.auth);
        expect(ids(own.body)).not.toContain(target.id);
      },
    });
  });
});

describe('follow-ups: audit and concurrency', () => {
  it('records create, update and complete with before and after', async () => {
    const target = await followUp({
      title: 'Audit me',
      priority: 'low',
      companyId: c.ownCompany.id,
    });
    await api
      .as(c.sessions.staff)
      .patch(`/api/v1/follow-ups/${target.id}`, { priority: 'high', dueOn: '2026-12-01' });
    await complete(c.sessions.own, target.id);
    const audit = await app.http
      .get(`/api/v1/audit?entity=followUp&entityId=${target.id}`)
      .set(admin.auth);
    const [completion, update, creation] = audit.body.items;
    expect(completion).toMatchObject({
      action: 'complete',
      actorId: c.sessions.own.user.id,
      changes: { status: { before: 'open', after: 'done' }, completedAt: { before: null } },
    });
    expect(update).toMatchObject({
      action: 'update',
      changes: {
        priority: { before: 'low', after: 'high' },
        dueOn: { before: null, after: '2026-12-01' },
      },
    });
    expect(Object.keys(update.changes).sort()).toEqual(['dueOn', 'priority']);
    expect(creation).toMatchObject({
      action: 'create',
      actorId: admin.user.id,
      changes: { title: { before: null, after: 'Audit me' } },
    });
  });

  it('20 parallel PATCHes with the same ETag: exactly one 200, nineteen 412', async () => {
    const target = await followUp({ title: 'Race' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.patch(`/api/v1/follow-ups/${target.id}`, { notes: `Writer ${i}` }, { ifMatch: '"1"' }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(412)]);
    const winner = results.find((r) => r.status === 200)!;
    const now = await app.http.get(`/api/v1/follow-ups/${target.id}`).set(admin.auth);
    expect(now.body).toMatchObject({ version: 2, notes: winner.body.notes });
  });

  it('20 parallel completes with the same ETag by the company user: one 200, nineteen 412', async () => {
    const target = await followUp({ title: 'Complete race', companyId: c.ownCompany.id });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => complete(c.sessions.own, target.id, '"1"')),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(412)]);
  });
});

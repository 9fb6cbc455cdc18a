import type { Response } from 'supertest';
import { softDeleteStory } from './helpers/lifecycle';
import { AGENCY_CREATES, AGENCY_WRITES, expectLeadScoped, expectStatuses } from './helpers/roles';
import { Api, Cast, RoleName, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast, api: Api;
useWorld((w) => ({ app, admin, c, api } = w));

const create = (session: Session, body: Record<string, unknown>) =>
  api.as(session).post('/api/v1/partners', body);
const make = async (body: Record<string, unknown>) => {
  const res = await create(admin, { country: 'CN', ...body });
  if (res.status !== 201) throw new Error(`partner: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; version: number };
};
const ids = (body: { items: { id: string }[] }) => body.items.map((x) => x.id);
/** A lead of `companyId` that names the partner: what lets a company user see it. */
const linkToLead = async (companyId: string, partnerId: string) =>
  (
    await app.db.query<{ id: string }>(
      `INSERT INTO leads (company_id, title, partner_id) VALUES ($1, 'Lead', $2) RETURNING id`,
      [companyId, partnerId],
    )
  ).rows[0].id;

describe('partners: validation', () => {
  it('creates with defaults and normalised values', async () => {
    const res = await create(admin, {
      name: '  Zhongguancun Science Park ',
      nativeName: '中关村科技园区',
      country: 'cn',
      city: ' Beijing ',
      website: 'https://www.zgc.gov.cn',
    });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      name: 'Zhongguancun Science Park',
      nativeName: '中关村科技园区',
      kind: 'other',
      country: 'CN',
      city: 'Beijing',
      address: null,
      version: 1,
      deletedAt: null,
    });
    expect(res.body).not.toHaveProperty('searchKey');
  });

  it.each([
    [{}, ['name', 'country']],
    [{ name: 'X' }, ['country']],
    [{ name: '', country: 'CN' }, ['name']],
    [{ name: 42, country: 'CN' }, ['name']],
    [{ name: 'X', country: 'XX' }, ['country']],
    [{ name: 'X', country: 'China' }, ['country']],
    [{ name: 'X', country: 'CN', kind: 'zoo' }, ['kind']],
    [{ name: 'X', country: 'CN', kind: null }, ['kind']],
    [{ name: 'X', country: 'CN', website: 'ftp://example.cn' }, ['website']],
    [{ name: 'X', country: 'CN', website: 'javascript:alert(1)' }, ['website']],
    [{ name: 'X', country: 'CN', nativeName: ['中'] }, ['nativeName']],
    [{ name: 'X', country: 'CN', id: '00000000-0000-4000-8000-000000000000' }, ['id']],
    [{ name: 'X', country: 'CN', searchKey: 'x' }, ['searchKey']],
    [{ name: 'x'.repeat(201), country: 'CN' }, ['name']],
  ])('refuses %j with 400 naming %j', async (body, fields) => {
    const res = await create(admin, body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(fields),
    );
  });

  it('refuses null for required fields on PATCH, clears optional ones', async () => {
    const partner = await make({ name: 'Nullable Park', city: 'Shanghai' });
    for (const field of ['name', 'country', 'kind']) {
      const res = await api.patch(`/api/v1/partners/${partner.id}`, { [field]: null });
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const cleared = await api.patch(`/api/v1/partners/${partner.id}`, {
      city: null,
      kind: 'campus',
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ city: null, kind: 'campus', version: 2 });
  });

  it.each([
    ['a lone %', 'q=%25', 200],
    ['SQL-looking', `q=${encodeURIComponent("' OR 1=1; DROP TABLE partners; --")}`, 200],
    ['5,000 characters', `q=${'x'.repeat(5000)}`, 400],
    ['limit 0', 'limit=0', 400],
    ['limit 201', 'limit=201', 400],
    ['limit abc', 'limit=abc', 400],
    ['a garbage cursor', 'cursor=garbage', 400],
    ['a 3,000-character cursor', `cursor=${'A'.repeat(3000)}`, 400],
    ['an unknown sort', 'sort=password', 400],
    ['an SQL-looking sort', `sort=${encodeURIComponent('-name;drop')}`, 400],
    ['an unknown kind', 'kind=zoo', 400],
    ['a bad country', 'country=XYZ', 400],
    ['deleted=maybe', 'deleted=maybe', 400],
    ['an unknown parameter', 'unknown=1', 400],
  ])('answers a list query with %s: %#', async (_label, query, status) => {
    const res = await app.http.get(`/api/v1/partners?${query}`).set(admin.auth);
    expect(res.status).toBe(status);
  });

  it('answers a malformed id with 400 and an unknown one with 404', async () => {
    expect((await app.http.get('/api/v1/partners/nope').set(admin.auth)).status).toBe(400);
    expect(
      (await app.http.get('/api/v1/partners/00000000-0000-4000-8000-000000000000').set(admin.auth))
        .status,
    ).toBe(404);
  });
});

describe('partners: search, filters, sorting', () => {
  beforeAll(async () => {
    await make({ name: 'Shanghai 3D Campus', nativeName: '上海三维园区', kind: 'campus' });
    await make({ name: 'Ümraniye Handelskammer', country: 'TR', kind: 'chamber' });
    await make({ name: '100% Tech_Park', country: 'IL', kind: 'technology_park' });
    await make({ name: 'Axb Institute', country: 'IL', kind: 'university' });
  });
  const names = async (query: string, session: Session = admin) => {
    const res = await app.http.get(`/api/v1/partners?limit=200&${query}`).set(session.auth);
    expect(res.status).toBe(200);
    return (res.body.items as { name: string }[]).map((x) => x.name);
  };

  it('finds by name accent- and case-insensitively, by native script and by pinyin', async () => {
    expect(await names('q=umraniye')).toEqual(['Ümraniye Handelskammer']);
    expect(await names('q=HANDELS')).toEqual(['Ümraniye Handelskammer']);
    expect(await names(`q=${encodeURIComponent('上海')}`)).toContain('Shanghai 3D Campus');
    expect(await names('q=shang%20hai%20san%20wei')).toContain('Shanghai 3D Campus');
    expect(await names('q=sanwei')).toContain('Shanghai 3D Campus');
  });

  it('finds by a one- or two-letter prefix', async () => {
    expect(await names('q=u')).toContain('Ümraniye Handelskammer');
    expect(await names('q=um')).toEqual(['Ümraniye Handelskammer']);
  });

  it('takes % and _ literally', async () => {
    expect(await names('q=%25')).toEqual([]);
    expect(await names('q=_')).toEqual([]);
    expect(await names('q=a_b')).toEqual([]);
    expect(await names('q=axb')).toEqual(['Axb Institute']);
    expect(await names('q=100%25')).toEqual(['100% Tech_Park']);
  });

  it('filters by country and kind', async () => {
    expect(await names('country=il')).toEqual(['100% Tech_Park', 'Axb Institute']);
    expect(await names('country=IL&kind=university')).toEqual(['Axb Institute']);
    expect(await names('kind=chamber')).toEqual(['Ümraniye Handelskammer']);
  });

  it('pages through every sort without losing or repeating a partner', async () => {
    const all = await names('');
    for (const sort of ['name', '-name', 'createdAt', '-createdAt', 'updatedAt', '-updatedAt']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await app.http
          .get(
            `/api/v1/partners?limit=2&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          )
          .set(admin.auth);
        expect(res.status).toBe(200);
        seen.push(...ids(res.body));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(all.length);
      expect(new Set(seen).size).toBe(all.length);
    }
    const up = await names('sort=name');
    expect(up.indexOf('100% Tech_Park')).toBeLessThan(up.indexOf('Axb Institute'));
    expect(up.indexOf('Axb Institute')).toBeLessThan(up.indexOf('Shanghai 3D Campus'));
    expect(await names('sort=-name')).toEqual([...up].reverse());
  });

  it('refuses a cursor made for another sort', async () => {
    const first = await app.http.get('/api/v1/partners?limit=1&sort=name').set(admin.auth);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const res = await app.http
      .get(`/api/v1/partners?limit=1&sort=-createdAt&cursor=${first.body.nextCursor}`)
      .set(admin.auth);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('cursor');
  });
});

describe('partners: a rename updates what finds its contacts', () => {
  it('finds a contact by its partner’s new names, not the old ones', async () => {
    const partner = await make({ name: 'Wuxi Knife Guild', nativeName: '无锡刀具协会' });
    const contact = await app.http
      .post('/api/v1/contacts')
      .set(admin.auth)
      .send({ familyName: 'Zhou', partnerId: partner.id });
    expect(contact.status).toBe(201);
    const found = async (q: string) =>
      ids((await app.http.get(`/api/v1/contacts?q=${encodeURIComponent(q)}`).set(admin.auth)).body);
    expect(await found('knife guild')).toEqual([contact.body.id]);
    expect(await found('wuxi')).toEqual([contact.body.id]);

    expect(
      (
        await api.patch(`/api/v1/partners/${partner.id}`, {
          name: 'Suzhou Blade Society',
          nativeName: '苏州刀剑会',
        })
      ).status,
    ).toBe(200);
    expect(await found('knife guild')).toEqual([]);
    expect(await found('无锡')).toEqual([]);
    expect(await found('blade society')).toEqual([contact.body.id]);
    expect(await found('苏州')).toEqual([contact.body.id]);
    expect(await found('suzhou')).toEqual([contact.body.id]);
  });
});

describe('partners: role matrix', () => {
  let own: { id: string };
  let foreign: { id: string };
  let unlinked: { id: string };
  beforeAll(async () => {
    own = await make({ name: 'Own Linked Park' });
    foreign = await make({ name: 'Foreign Linked Park' });
    unlinked = await make({ name: 'Unlinked Park' });
    await linkToLead(c.ownCompany.id, own.id);
    await linkToLead(c.foreignCompany.id, foreign.id);
  });
  const read = (id: string) => async (_: RoleName, s: Session) =>
    (await app.http.get(`/api/v1/partners/${id}`).set(s.auth)).status;

  it('lists every partner for the agency, only those of its leads for a company user', async () => {
    for (const role of ['admin', 'staff', 'viewer'] as const) {
      const res = await app.http.get('/api/v1/partners?limit=200').set(c.sessions[role].auth);
      expect(ids(res.body)).toEqual(expect.arrayContaining([own.id, foreign.id, unlinked.id]));
    }
    const mine = await app.http.get('/api/v1/partners?limit=200').set(c.sessions.own.auth);
    expect(ids(mine.body)).toEqual([own.id]);
    const theirs = await app.http.get('/api/v1/partners?limit=200').set(c.sessions.foreign.auth);
    expect(ids(theirs.body)).toEqual([foreign.id]);
    for (const q of ['foreign', 'unlinked', 'park', 'f', 'li']) {
      const res = await app.http.get(`/api/v1/partners?q=${q}`).set(c.sessions.own.auth);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(foreign.id);
      expect(JSON.stringify(res.body)).not.toContain(unlinked.id);
    }
    expect(
      (await app.http.get('/api/v1/partners?deleted=true').set(c.sessions.own.auth)).status,
    ).toBe(403);
  });

  it('reads: a company user its leads’ partners (200), any other 404', async () => {
    await expectLeadScoped(c, read, {
      own: own.id,
      foreign: foreign.id,
      unlinked: unlinked.id,
    });
  });

  it('hides the partner again when the linking lead is deleted', async () => {
    const partner = await make({ name: 'Briefly Linked Park' });
    const lead = await linkToLead(c.ownCompany.id, partner.id);
    expect(await read(partner.id)('own', c.sessions.own)).toBe(200);
    await app.db.query('UPDATE leads SET deleted_at = now() WHERE id = $1', [lead]);
    expect(await read(partner.id)('own', c.sessions.own)).toBe(404);
    const list = await app.http.get('/api/v1/partners?limit=200').set(c.sessions.own.auth);
    expect(ids(list.body)).not.toContain(partner.id);
  });

  it('creates: agency only', async () => {
    await expectStatuses(
      c,
      AGENCY_CREATES,
      async (role, s) => (await create(s, { name: `By ${role}`, country: 'CN' })).status,
    );
  });

  it('updates: agency only, even a partner of the own leads', async () => {
    for (const target of [own, foreign]) {
      await expectStatuses(
        c,
        AGENCY_WRITES,
        async (role, s) =>
          (await api.as(s).patch(`/api/v1/partners/${target.id}`, { city: `City ${role}` })).status,
      );
    }
  });

  it('deletes, restores and purges: staff deletes and restores, only admin purges', async () => {
    const target = await make({ name: 'Short-lived Park' });
    await linkToLead(c.ownCompany.id, target.id);
    // purge: only deleted records, only admin, not while a lead still points to it
    await softDeleteStory(app, c, `/api/v1/partners/${target.id}`, {
      unlink: async () =>
        void (await app.db.query('DELETE FROM leads WHERE partner_id = $1', [target.id])),
    });
  });
});

describe('partners: audit and concurrency', () => {
  it('records before and after of each change', async () => {
    const partner = await make({ name: 'Audit Park', city: 'Beijing' });
    await api.patch(`/api/v1/partners/${partner.id}`, { city: 'Tianjin', kind: 'government' });
    await api.delete(`/api/v1/partners/${partner.id}`);
    const audit = await app.http
      .get(`/api/v1/audit?entity=partner&entityId=${partner.id}`)
      .set(admin.auth);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'delete',
      'update',
      'create',
    ]);
    expect(audit.body.items[1].changes).toEqual({
      city: { before: 'Beijing', after: 'Tianjin' },
      kind: { before: 'other', after: 'government' },
    });
    expect(audit.body.items[2].changes).toMatchObject({
      name: { before: null, after: 'Audit Park' },
      country: { before: null, after: 'CN' },
    });
  });

  it('writes nothing when the change is refused', async () => {
    const partner = await make({ name: 'Untouched Park' });
    const res = await api.patch(`/api/v1/partners/${partner.id}`, { name: 'Changed', kind: 'zoo' });
    expect(res.status).toBe(400);
    const after = await app.http.get(`/api/v1/partners/${partner.id}`).set(admin.auth);
    expect(after.body).toMatchObject({ name: 'Untouched Park', version: 1 });
  });

  it('20 parallel PATCHes with the same ETag: exactly one 200, nineteen 412', async () => {
    const partner = await make({ name: 'Race Park' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.patch(`/api/v1/partners/${partner.id}`, { city: `Writer ${i}` }, { ifMatch: '"1"' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const winner = results.find((r) => r.status === 200)!;
    const stored = await app.http.get(`/api/v1/partners/${partner.id}`).set(admin.auth);
    expect(stored.body).toMatchObject({ city: winner.body.city, version: 2 });
    for (const loser of results.filter((r) => r.status === 412))
      expect(loser.headers.etag).toBe('"2"');
  });
});

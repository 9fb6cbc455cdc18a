import type { Response } from 'supertest';
import { softDeleteStory } from './helpers/lifecycle';
import { AGENCY_CREATES, AGENCY_WRITES, expectLeadScoped, expectStatuses } from './helpers/roles';
import { Api, Cast, Kit, RoleName, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, admin, c, make, api } = w));

type Body = Record<string, unknown>;
interface ContactBody {
  id: string;
  familyName: string;
  version: number;
  [field: string]: unknown;
}

const create = (session: Session, body: Body) => api.as(session).post('/api/v1/contacts', body);
const contact = async (body: Body, session = admin): Promise<ContactBody> => {
  const res = await create(session, body);
  if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ContactBody;
};
const partner = async (body: Body = {}): Promise<{ id: string; name: string }> => {
  const res = await app.http
    .post('/api/v1/partners')
    .set(admin.auth)
    .send({ name: `Partner ${Math.random().toString(36).slice(2, 8)}`, country: 'CN', ...body });
  if (res.status !== 201) throw new Error(`partner: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string };
};
const ids = (body: { items: { id: string }[] }) => body.items.map((x) => x.id);
const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
const found = async (q: string, session: Session = admin) => {
  const res = await app.http
    .get(`/api/v1/contacts?limit=200&q=${encodeURIComponent(q)}`)
    .set(session.auth);
  expect(res.status).toBe(200);
  return ids(res.body);
};
/** A lead of `companyId` naming the contact: what lets that company's users see it. */
const lead = async (companyId: string, contactId: string, extra: Body = {}) =>
  (
    await app.db.query<{ id: string }>(
      `INSERT INTO leads (company_id, contact_id, title, stage, created_at, deleted_at)
       VALUES ($1, $2, $3, $4, coalesce($5, now()), $6) RETURNING id`,
      [
        companyId,
        contactId,
        extra.title ?? 'Lead',
        extra.stage ?? 'new',
        extra.createdAt ?? null,
        extra.deletedAt ?? null,
      ],
    )
  ).rows[0].id;

describe('contacts: validation', () => {
  it('creates with defaults: owned by its creator, no organisation, no legal basis', async () => {
    const staff = c.sessions.staff;
    const res = await create(staff, {
      familyName: ' Chen ',
      givenName: 'Jie',
      nativeName: '陈杰',
      languages: ['ZH-hant-tw', 'en-us', 'de'],
      tags: [' delegation-2026 ', 'VIP'],
      country: 'tw',
    });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      familyName: 'Chen',
      givenName: 'Jie',
      nativeName: '陈杰',
      languages: ['zh-Hant-TW', 'en-US', 'de'],
      tags: ['delegation-2026', 'VIP'],
      country: 'TW',
      companyId: null,
      partnerId: null,
      ownerId: staff.user.id,
      legalBasis: null,
      version: 1,
      deletedAt: null,
    });
    expect(res.body).not.toHaveProperty('searchKey');
  });

  it('takes a name in Chinese script alone, with family and given name in pinyin', async () => {
    const li = await create(admin, { nativeName: '李明' });
    expect(li.status).toBe(201);
    expect(li.body).toMatchObject({ familyName: 'Li', givenName: 'Ming', nativeName: '李明' });
    const ouyang = await create(admin, { nativeName: '欧阳娜娜', position: 'Director' });
    expect(ouyang.body).toMatchObject({ familyName: 'Ouyang', givenName: 'Nana' });
    const named = await create(admin, { nativeName: '赵小明', givenName: 'Tony' });
    expect(named.body).toMatchObject({ familyName: 'Zhao', givenName: 'Tony' });
    // found like any other: by pinyin, by the derived names, by the characters
    for (const q of ['ouyang nana', 'Ouyang', '欧阳'])
      expect(await found(q)).toContain(ouyang.body.id);
    // a familyName that is sent is kept (and checked)
    const given = await create(admin, { familyName: 'Lee', nativeName: '李明' });
    expect(given.body).toMatchObject({ familyName: 'Lee', givenName: null });
    const empty = await create(admin, { familyName: ' ', nativeName: '李明' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([
      expect.objectContaining({ field: 'familyName', code: 'isLength' }),
    ]);
  });

  it('still needs familyName without a name in Chinese script (400 required)', async () => {
    for (const body of [
      { givenName: 'Jürgen', nativeName: 'Müller' },
      { nativeName: '山田はな' },
      {},
    ]) {
      const res = await create(admin, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(new Set(fields(res.body))).toEqual(new Set(['familyName']));
      for (const e of res.body.errors) expect(e.code).toBe('required');
    }
    // and a name cannot be cleared on PATCH, Chinese script or not
    const x = await contact({ nativeName: '张伟' });
    const res = await api.patch(`/api/v1/contacts/${x.id}`, { familyName: null });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toContain('familyName');
  });

  it('stores the legal basis, recordedAt as an instant, now when left out', async () => {
    const res = await create(admin, {
      familyName: 'Basis',
      legalBasis: {
        basis: 'consent',
        recordedAt: '2026-10-20T09:30:00+08:00',
        source: ' Business card ',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.legalBasis).toEqual({
      basis: 'consent',
      recordedAt: '2026-10-20T01:30:00.000Z',
      source: 'Business card',
    });
    const before = Date.now();
    const now = await create(admin, { familyName: 'Basis', legalBasis: { basis: 'public_task' } });
    expect(now.status).toBe(201);
    expect(Date.parse(now.body.legalBasis.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(now.body.legalBasis.source).toBeNull();
  });

  const future = new Date(Date.now() + 86_400_000).toISOString();
  it.each([
    [{}, ['familyName']],
    [{ familyName: '' }, ['familyName']],
    [{ familyName: '   ' }, ['familyName']],
    [{ familyName: 42 }, ['familyName']],
    [{ familyName: 'X', givenName: ['a'] }, ['givenName']],
    [{ familyName: 'X', id: '00000000-0000-4000-8000-000000000000' }, ['id']],
    [{ familyName: 'X', searchKey: 'x' }, ['searchKey']],
    [{ familyName: 'X', email: 'not-an-email' }, ['email']],
    [{ familyName: 'X', phone: 'call me' }, ['phone']],
    [{ familyName: 'X', wechatId: 'two words' }, ['wechatId']],
    [{ familyName: 'X', country: 'XX' }, ['country']],
    [{ familyName: 'X', languages: 'de' }, ['languages']],
    [{ familyName: 'X', languages: null }, ['languages']],
    [{ familyName: 'X', languages: ['en_US'] }, ['languages']],
    [{ familyName: 'X', languages: ['deutsch!'] }, ['languages']],
    [{ familyName: 'X', languages: [''] }, ['languages']],
    [{ familyName: 'X', languages: [7] }, ['languages']],
    [{ familyName: 'X', languages: ['de-de', 'de-DE'] }, ['languages']],
    [{ familyName: 'X', tags: ['vip', 'VIP'] }, ['tags']],
    [{ familyName: 'X', tags: [''] }, ['tags']],
    [{ familyName: 'X', tags: ['x'.repeat(51)] }, ['tags']],
    [{ familyName: 'X', tags: 'vip' }, ['tags']],
    [{ familyName: 'X', companyId: 'nope' }, ['companyId']],
    [{ familyName: 'X', ownerId: 'nope' }, ['ownerId']],
    [{ familyName: 'X', ownerId: null }, ['ownerId']],
    [
      {
        familyName: 'X',
        companyId: '00000000-0000-4000-8000-000000000001',
        partnerId: '00000000-0000-4000-8000-000000000002',
      },
      ['companyId', 'partnerId'],
    ],
    [{ familyName: 'X', legalBasis: 'consent' }, ['legalBasis']],
    [{ familyName: 'X', legalBasis: ['consent'] }, ['legalBasis']],
    [{ familyName: 'X', legalBasis: {} }, ['legalBasis.basis']],
    [{ familyName: 'X', legalBasis: { basis: 'whim' } }, ['legalBasis.basis']],
    [{ familyName: 'X', legalBasis: { basis: 'consent', extra: 1 } }, ['legalBasis.extra']],
    [
      { familyName: 'X', legalBasis: { basis: 'consent', recordedAt: '2026-02-30T10:00:00Z' } },
      ['legalBasis.recordedAt'],
    ],
    [
      { familyName: 'X', legalBasis: { basis: 'consent', recordedAt: '2026-02-28' } },
      ['legalBasis.recordedAt'],
    ],
    [
      { familyName: 'X', legalBasis: { basis: 'consent', recordedAt: '2026-02-28T25:00:00Z' } },
      ['legalBasis.recordedAt'],
    ],
    [
      { familyName: 'X', legalBasis: { basis: 'consent', recordedAt: '2026-02-28T10:00:00' } },
      ['legalBasis.recordedAt'],
    ],
    [
      { familyName: 'X', legalBasis: { basis: 'consent', recordedAt: future } },
      ['legalBasis.recordedAt'],
    ],
    [
      { familyName: 'X', legalBasis: { basis: 'consent', recordedAt: 17 } },
      ['legalBasis.recordedAt'],
    ],
  ])('refuses %j with 400 naming %j', async (body, expected) => {
    const res = await create(admin, body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(fields(res.body)).toEqual(expect.arrayContaining(expected));
  });

  it('refuses references to what does not exist, is deleted, or may not own contacts', async () => {
    const gone = await make.company({ name: 'Gone GmbH' });
    await app.db.query('UPDATE companies SET deleted_at = now() WHERE id = $1', [gone.id]);
    const gonePartner = await partner();
    await app.db.query('UPDATE partners SET deleted_at = now() WHERE id = $1', [gonePartner.id]);
    const viewer = await make.user({ role: 'viewer' });
    const retired = await make.user({ role: 'staff' });
    await app.db.query('UPDATE users SET active = false WHERE id = $1', [retired.id]);
    const cases: [Body, string[]][] = [
      [{ companyId: '00000000-0000-4000-8000-000000000000' }, ['companyId']],
      [{ companyId: gone.id }, ['companyId']],
      [{ partnerId: '00000000-0000-4000-8000-000000000000' }, ['partnerId']],
      [{ partnerId: gonePartner.id }, ['partnerId']],
      [{ ownerId: '00000000-0000-4000-8000-000000000000' }, ['ownerId']],
      [{ ownerId: viewer.id }, ['ownerId']],
      [{ ownerId: retired.id }, ['ownerId']],
      [{ ownerId: c.sessions.own.user.id }, ['ownerId']],
      [{ companyId: gone.id, ownerId: viewer.id }, ['companyId', 'ownerId']],
    ];
    for (const [body, expected] of cases) {
      const res = await create(admin, { familyName: 'Ref', ...body });
      expect({ body, status: res.status, fields: fields(res.body) }).toEqual({
        body,
        status: 400,
        fields: expected,
      });
    }
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM contacts WHERE family_name = 'Ref'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('takes another active agency user as owner', async () => {
    const colleague = await make.user({ role: 'admin' });
    const res = await create(c.sessions.staff, { familyName: 'Owned', ownerId: colleague.id });
    expect(res.status).toBe(201);
    expect(res.body.ownerId).toBe(colleague.id);
  });

  it('on PATCH: refuses null for required fields, clears optional ones', async () => {
    const x = await contact({
      familyName: 'Nulls',
      city: 'Beijing',
      tags: ['a'],
      legalBasis: { basis: 'public_task' },
    });
    for (const field of ['familyName', 'languages', 'tags', 'ownerId']) {
      const res = await api.patch(`/api/v1/contacts/${x.id}`, { [field]: null });
      expect({ field, status: res.status, fields: [...new Set(fields(res.body))] }).toEqual({
        field,
        status: 400,
        fields: [field],
      });
    }
    const res = await api.patch(`/api/v1/contacts/${x.id}`, {
      city: null,
      legalBasis: null,
      tags: [],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ city: null, legalBasis: null, tags: [], version: 2 });
  });

  it('keeps a contact at one organisation: both → 400, moving needs the other cleared', async () => {
    const company = await make.company();
    const p = await partner();
    const x = await contact({ familyName: 'Mover', partnerId: p.id });
    const both = await api.patch(`/api/v1/contacts/${x.id}`, { companyId: company.id });
    expect(both.status).toBe(400);
    expect(fields(both.body).sort()).toEqual(['companyId', 'partnerId']);
    const moved = await api.patch(`/api/v1/contacts/${x.id}`, {
      companyId: company.id,
      partnerId: null,
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ companyId: company.id, partnerId: null, version: 2 });
  });

  it('lets a contact of a since-deleted company be edited, but not be moved to one', async () => {
    const company = await make.company();
    const x = await contact({ familyName: 'Stays', companyId: company.id });
    await app.db.query('UPDATE companies SET deleted_at = now() WHERE id = $1', [company.id]);
    expect((await api.patch(`/api/v1/contacts/${x.id}`, { city: 'Haan' })).status).toBe(200);
    const other = await contact({ familyName: 'Moves' });
    const res = await api.patch(`/api/v1/contacts/${other.id}`, { companyId: company.id });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['companyId']);
  });

  it('writes nothing when a change is refused', async () => {
    const x = await contact({ familyName: 'Untouched' });
    const res = await api.patch(`/api/v1/contacts/${x.id}`, {
      familyName: 'Changed',
      ownerId: '00000000-0000-4000-8000-000000000000',
    });
    expect(res.status).toBe(400);
    const after = await app.http.get(`/api/v1/contacts/${x.id}`).set(admin.auth);
    expect(after.body).toMatchObject({ familyName: 'Untouched', version: 1 });
  });

  it.each([
    ['a lone %', 'q=%25', 200],
    ['a lone _', 'q=_', 200],
    ['SQL-looking', `q=${encodeURIComponent("'); DROP TABLE contacts; --")}`, 200],
    ['5,000 characters', `q=${'x'.repeat(5000)}`, 400],
    ['limit 0', 'limit=0', 400],
    ['limit 201', 'limit=201', 400],
    ['a garbage cursor', 'cursor=garbage', 400],
    ['an unknown sort', 'sort=email', 400],
    ['a bad companyId', 'companyId=1', 400],
    ['a bad ownerId', 'ownerId=you', 400],
    ['ownerId=me', 'ownerId=me', 200],
    ['a bad country', 'country=Germany', 400],
    ['an empty tag', 'tag=', 400],
    ['an unknown parameter', 'familyName=Wang', 400],
  ])('answers a list query with %s: %#', async (_label, query, status) => {
    const res = await app.http.get(`/api/v1/contacts?${query}`).set(admin.auth);
    expect(res.status).toBe(status);
  });
});

describe('contacts: search and filters', () => {
  let muller: ContactBody;
  let wang: ContactBody;
  let atCompany: ContactBody;
  let atPartner: ContactBody;
  let company: { id: string; name: string };
  let p: { id: string; name: string };
  beforeAll(async () => {
    muller = await contact({ familyName: 'Müller', givenName: 'Jürgen', country: 'DE' });
    wang = await contact({
      familyName: 'Wang',
      givenName: 'Fang',
      nativeName: '王芳',
      email: 'wang.fang@tech-park.example.cn',
      country: 'CN',
      tags: ['signing'],
    });
    company = await make.company({ name: 'Klingenhaus Solingen' });
    atCompany = await contact({ familyName: 'Schmidt', companyId: company.id });
    p = await partner({ name: 'Zhongguancun Science Park', nativeName: '中关村' });
    atPartner = await contact({ familyName: 'Li', givenName: 'Wei', partnerId: p.id });
    await contact({ familyName: 'Axb' });
  });

  it('finds accent- and case-insensitively', async () => {
    expect(await found('muller')).toEqual([muller.id]);
    expect(await found('MÜLLER')).toEqual([muller.id]);
    expect(await found('jurgen muller')).toEqual([muller.id]);
    expect(await found('mull')).toEqual([muller.id]);
  });

  it('finds 王芳 by pinyin, spaced or run together, and by the characters', async () => {
    for (const q of ['wang fang', 'wangfang', '王芳', 'Fang Wang', '王'])
      expect({ q, found: await found(q) }).toEqual({ q, found: [wang.id] });
  });

  it('finds by a one- or two-letter prefix', async () => {
    expect(await found('w')).toContain(wang.id);
    expect(await found('wa')).toContain(wang.id);
    expect(await found('mü')).toEqual([muller.id]);
    expect(await found('wa')).not.toContain(muller.id);
  });

  it('finds by part of an email', async () => {
    expect(await found('tech-park')).toEqual([wang.id]);
    expect(await found('fang@tech')).toEqual([wang.id]);
    expect(await found('example.cn')).toEqual([wang.id]);
  });

  it('finds by a whole address what contains it, and nothing of another domain', async () => {
    const anna = await contact({ familyName: 'Albers', email: 'anna.wolters@qq-post.example' });
    const hanna = await contact({ familyName: 'Berg', email: 'Hanna.Wolters@QQ-Post.example' });
    const other = await contact({ familyName: 'Conrad', email: 'anna.wolters@web.example' });
    expect((await found('anna.wolters@qq-post.example')).sort()).toEqual(
      [anna.id, hanna.id].sort(),
    );
    expect(await found('Hanna.Wolters@qq-post.example')).toEqual([hanna.id]);
    expect(await found('anna.wolters@web')).toEqual([other.id]);
    expect((await found('wolters@')).sort()).toEqual([anna.id, hanna.id, other.id].sort());
    // Too short to look up before the @: found by the whole word all the same.
    const li = await contact({ familyName: 'Li', email: 'li@qq-post.example' });
    expect(await found('li@qq-post')).toEqual([li.id]);
  });

  it('finds by the name of the company or partner the contact works at', async () => {
    expect(await found('klingenhaus')).toEqual([atCompany.id]);
    expect(await found('zhongguancun')).toEqual([atPartner.id]);
    expect(await found('中关村')).toEqual([atPartner.id]);
    expect(await found('zhong guan cun')).toEqual([atPartner.id]);
  });

  it('follows a company rename (and a contact moving away) with what finds the contact', async () => {
    const renamed = await api.patch(`/api/v1/companies/${company.id}`, {
      name: 'Scherenwerk Haan',
    });
    expect(renamed.status).toBe(200);
    expect(await found('klingenhaus')).toEqual([]);
    expect(await found('scherenwerk')).toEqual([atCompany.id]);

    const moved = await api.patch(`/api/v1/contacts/${atCompany.id}`, { companyId: null });
    expect(moved.status).toBe(200);
    expect(await found('scherenwerk')).toEqual([]);
    expect(await found('schmidt')).toEqual([atCompany.id]);
  });

  it('takes % and _ literally', async () => {
    expect(await found('%')).toEqual([]);
    expect(await found('_')).toEqual([]);
    expect(await found('%%')).toEqual([]);
    expect(await found('a_b')).toEqual([]);
    expect(await found('ax%')).toContain((await found('axb'))[0]);
  });

  it('filters by organisation, owner, country and tag', async () => {
    const list = async (query: string, session = admin) => {
      const res = await app.http.get(`/api/v1/contacts?limit=200&${query}`).set(session.auth);
      expect(res.status).toBe(200);
      return ids(res.body);
    };
    expect(await list(`partnerId=${p.id}`)).toEqual([atPartner.id]);
    const at = await contact({ familyName: 'Filtered', companyId: c.ownCompany.id });
    expect(await list(`companyId=${c.ownCompany.id}`)).toEqual([at.id]);
    expect(await list('country=cn')).toEqual([wang.id]);
    expect(await list('tag=signing')).toEqual([wang.id]);
    expect(await list('tag=sign')).toEqual([]);

    const colleague = await make.session('staff');
    const mine = await contact({ familyName: 'Mine' }, colleague);
    expect(await list('ownerId=me', colleague)).toEqual([mine.id]);
    expect(await list(`ownerId=${colleague.user.id}`)).toEqual([mine.id]);
    expect(await list('ownerId=ME', colleague)).toEqual([mine.id]);
    expect(await list('ownerId=me')).not.toContain(mine.id);
    expect(await list(`ownerId=me&q=mine`, c.sessions.viewer)).toEqual([]);
  });

  it('pages through every sort without losing or repeating a contact', async () => {
    for (const name of ['Ärger', 'Über', 'Zorn', 'adler', 'Adler', 'Adler']) {
      await contact({ familyName: name, givenName: name === 'Adler' ? 'Anna' : null });
    }
    const all = ids((await app.http.get('/api/v1/contacts?limit=200').set(admin.auth)).body);
    for (const sort of ['name', '-name', 'createdAt', '-createdAt', 'updatedAt', '-updatedAt']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query = `limit=2&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res: Response = await app.http.get(`/api/v1/contacts?${query}`).set(admin.auth);
        expect(res.status).toBe(200);
        seen.push(...ids(res.body));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect({ sort, count: seen.length, unique: new Set(seen).size }).toEqual({
        sort,
        count: all.length,
        unique: all.length,
      });
    }
    const up = ids(
      (await app.http.get('/api/v1/contacts?limit=200&sort=name').set(admin.auth)).body,
    );
    const down = ids(
      (await app.http.get('/api/v1/contacts?limit=200&sort=-name').set(admin.auth)).body,
    );
    expect(down).toEqual([...up].reverse());
    const names = (
      await app.http.get('/api/v1/contacts?limit=200&q=adler&sort=name').set(admin.auth)
    ).body.items.map((x: ContactBody) => `${x.familyName} ${x.givenName ?? ''}`.trim());
    expect(names).toEqual(['adler', 'Adler Anna', 'Adler Anna']);
  });
});

describe('contacts: role matrix', () => {
  let own: ContactBody;
  let foreign: ContactBody;
  let unlinked: ContactBody;
  let foreignLead: string;
  beforeAll(async () => {
    own = await contact({
      familyName: 'Ownlinked',
      notes: 'Prefers WeChat; sceptical about prices',
      tags: ['vip'],
      legalBasis: { basis: 'public_task' },
    });
    foreign = await contact({ familyName: 'Foreignlinked', companyId: c.foreignCompany.id });
    unlinked = await contact({ familyName: 'Unlinked' });
    await lead(c.ownCompany.id, own.id);
    foreignLead = await lead(c.foreignCompany.id, foreign.id);
  });
  const read =
    (id: string, suffix = '') =>
    async (_: RoleName, s: Session) =>
      (await app.http.get(`/api/v1/contacts/${id}${suffix}`).set(s.auth)).status;

  it('lists every contact for the agency, only those of its leads for a company user', async () => {
    for (const role of ['admin', 'staff', 'viewer'] as const) {
      const res = await app.http.get('/api/v1/contacts?limit=200').set(c.sessions[role].auth);
      expect(ids(res.body)).toEqual(expect.arrayContaining([own.id, foreign.id, unlinked.id]));
    }
    const mine = await app.http.get('/api/v1/contacts?limit=200').set(c.sessions.own.auth);
    expect(ids(mine.body)).toEqual([own.id]);
    const theirs = await app.http.get('/api/v1/contacts?limit=200').set(c.sessions.foreign.auth);
    expect(ids(theirs.body)).toEqual([foreign.id]);
  });

  it('gives a company user no trace of another company’s data in lists and search', async () => {
    const queries = [
      'limit=200',
      'q=foreignlinked',
      'q=unlinked',
      'q=linked',
      'q=f',
      'q=foreign%20scheren',
      `companyId=${c.foreignCompany.id}`,
      'sort=-createdAt',
    ];
    for (const query of queries) {
      const res = await app.http.get(`/api/v1/contacts?${query}`).set(c.sessions.own.auth);
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      for (const secret of [foreign.id, unlinked.id, c.foreignCompany.id, foreignLead])
        expect({ query, leaks: text.includes(secret) }).toEqual({ query, leaks: false });
    }
    expect(
      (await app.http.get('/api/v1/contacts?deleted=true').set(c.sessions.own.auth)).status,
    ).toBe(403);
  });

  it('reads: a company user its leads’ contacts (200), any other 404', async () => {
    for (const suffix of ['', '/timeline']) {
      await expectLeadScoped(c, (id) => read(id, suffix), {
        own: own.id,
        foreign: foreign.id,
        unlinked: unlinked.id,
      });
    }
  });

  it('shows a company user the person, not the agency’s notes, tags or legal basis', async () => {
    const seen = await app.http.get(`/api/v1/contacts/${own.id}`).set(c.sessions.own.auth);
    expect(seen.body).toMatchObject({ id: own.id, familyName: 'Ownlinked' });
    for (const field of ['notes', 'tags', 'legalBasis'])
      expect(seen.body).not.toHaveProperty(field);
    expect(JSON.stringify(seen.body)).not.toContain('WeChat');
    const viewer = await app.http.get(`/api/v1/contacts/${own.id}`).set(c.sessions.viewer.auth);
    expect(viewer.body).toMatchObject({
      notes: 'Prefers WeChat; sceptical about prices',
      tags: ['vip'],
      legalBasis: { basis: 'public_task' },
    });
  });

  it('hides the contact again when the linking lead is deleted', async () => {
    const x = await contact({ familyName: 'Briefly' });
    const l = await lead(c.ownCompany.id, x.id);
    expect(await read(x.id)('own', c.sessions.own)).toBe(200);
    await app.db.query('UPDATE leads SET deleted_at = now() WHERE id = $1', [l]);
    expect(await read(x.id)('own', c.sessions.own)).toBe(404);
    expect(await read(x.id, '/timeline')('own', c.sessions.own)).toBe(404);
    expect(await found('briefly', c.sessions.own)).toEqual([]);
  });

  it('creates: agency only', async () => {
    await expectStatuses(
      c,
      AGENCY_CREATES,
      async (role, s) => (await create(s, { familyName: `By ${role}` })).status,
    );
  });

  it('updates: agency only, even a contact of the own leads', async () => {
    for (const target of [own, foreign, unlinked]) {
      await expectStatuses(
        c,
        AGENCY_WRITES,
        async (role, s) =>
          (await api.as(s).patch(`/api/v1/contacts/${target.id}`, { city: `City ${role}` })).status,
      );
    }
  });

  it('deletes, restores and purges: staff deletes and restores, only admin purges', async () => {
    const target = await contact({ familyName: 'Shortlived' });
    const l = await lead(c.ownCompany.id, target.id);
    await softDeleteStory(app, c, `/api/v1/contacts/${target.id}`, {
      async whileDeleted() {
        expect(await found('shortlived')).toEqual([]);
        const deleted = await app.http
          .get('/api/v1/contacts?deleted=true&q=shortlived')
          .set(c.sessions.staff.auth);
        expect(ids(deleted.body)).toEqual([target.id]);
      },
      // still named by a lead: 409 until that goes
      unlink: async () => void (await app.db.query('DELETE FROM leads WHERE id = $1', [l])),
    });
  });
});

describe('contacts: timeline', () => {
  let subject: ContactBody;
  const expected: Record<string, string> = {};
  interface Item {
    title: string;
    id: string;
    type: string;
    event: string;
    at: string;
    [field: string]: unknown;
  }
  const titles = async (session: Session, query = '') => {
    const res = await app.http
      .get(`/api/v1/contacts/${subject.id}/timeline${query}`)
      .set(session.auth);
    expect(res.status).toBe(200);
    return res.body as { items: Item[]; nextCursor: string | null };
  };
  const shown = (page: { items: Item[] }) => page.items.map((x) => `${x.title} (${x.event})`);
  /** An audit event of a lead, as the leads service writes it. */
  const leadEvent = (leadId: string, at: string, changes: Body, action = 'update') =>
    app.db.query(
      `INSERT INTO audit_events (at, actor_id, action, entity, entity_id, changes)
       VALUES ($1, $2, $3, 'lead', $4, $5)`,
      [at, admin.user.id, action, leadId, JSON.stringify(changes)],
    );

  beforeAll(async () => {
    subject = await contact({ familyName: 'Timeline' });
    const other = await contact({ familyName: 'Bystander' });
    const author = admin.user.id;
    const trip = (
      await app.db.query<{ id: string }>(
        `INSERT INTO trips (title, starts_on, ends_on) VALUES ('China 2026', '2026-10-18', '2026-10-24') RETURNING id`,
      )
    ).rows[0].id;
    expected.trip = trip;
    const interaction = async (title: string, at: string, extra: Body = {}) => {
      const { rows } = await app.db.query<{ id: string }>(
        `INSERT INTO interactions (occurred_at, kind, subject, summary, location, trip_id, confidential, author_id, deleted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          at,
          extra.kind ?? 'meeting',
          title,
          extra.summary ?? null,
          extra.location ?? null,
          extra.tripId ?? null,
          extra.confidential ?? false,
          author,
          extra.deletedAt ?? null,
        ],
      );
      await app.db.query(
        'INSERT INTO interaction_contacts (interaction_id, contact_id) VALUES ($1, $2)',
        [rows[0].id, extra.contactId ?? subject.id],
      );
      expected[title] = rows[0].id;
    };
    const followUp = async (title: string, createdAt: string, extra: Body = {}) => {
      const { rows } = await app.db.query<{ id: string }>(
        `INSERT INTO follow_ups (title, due_on, status, priority, completed_at, assignee_id, company_id, contact_id, created_at, deleted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [
          title,
          extra.dueOn ?? null,
          extra.status ?? 'open',
          extra.priority ?? 'normal',
          extra.completedAt ?? null,
          extra.assigneeId ?? null,
          extra.companyId ?? null,
          subject.id,
          createdAt,
          extra.deletedAt ?? null,
        ],
      );
      expected[title] = rows[0].id;
    };
    await interaction('Signing at the tech park', '2026-10-20T09:00:00Z', {
      kind: 'event',
      summary: 'Signed the cooperation agreement. '.repeat(20),
      location: 'Beijing',
      tripId: trip,
    });
    await interaction('State reception', '2026-10-21T09:00:00Z', {
      kind: 'reception',
      confidential: true,
    });
    await interaction('Deleted meeting', '2026-10-22T09:00:00Z', {
      deletedAt: '2026-10-23T00:00:00Z',
    });
    await interaction('Somebody else’s call', '2026-10-22T10:00:00Z', { contactId: other.id });
    // Written down long before: each sits where it is due or was done, not where it was written.
    await followUp('Send brochure (own user)', '2026-01-05T09:00:00Z', {
      assigneeId: c.sessions.own.user.id,
      dueOn: '2026-10-23', // summer time in Berlin: 2026-10-22T22:00Z
    });
    await followUp('Samples (own company)', '2026-01-06T09:00:00Z', {
      companyId: c.ownCompany.id,
      dueOn: '2026-12-01',
      status: 'done',
      completedAt: '2026-10-24T09:00:00Z',
      priority: 'high',
    });
    await followUp('Agency memo (staff)', '2026-10-25T09:00:00Z', {
      assigneeId: c.sessions.staff.user.id,
    });
    await followUp('Offer (foreign company)', '2026-01-07T09:00:00Z', {
      companyId: c.foreignCompany.id,
      dueOn: '2026-10-26', // winter time again: 2026-10-25T23:00Z
    });
    await followUp('Deleted follow-up', '2026-10-26T10:00:00Z', {
      assigneeId: c.sessions.own.user.id,
      deletedAt: '2026-10-27T00:00:00Z',
    });
    expected['Own lead'] = await lead(c.ownCompany.id, subject.id, {
      title: 'Own lead',
      createdAt: '2026-10-19T09:00:00Z',
      stage: 'qualified',
    });
    await app.db.query(`UPDATE leads SET value_eur = 45000 WHERE id = $1`, [expected['Own lead']]);
    await leadEvent(
      expected['Own lead'],
      '2026-10-19T09:00:00Z',
      {
        stage: { before: null, after: 'new' },
        title: { before: null, after: 'Own lead' },
      },
      'create',
    );
    await leadEvent(expected['Own lead'], '2026-10-22T12:00:00Z', {
      stage: { before: 'new', after: 'contacted' },
    });
    await leadEvent(expected['Own lead'], '2026-10-22T13:00:00Z', {
      title: { before: 'x', after: 'Own lead' },
    });
    await leadEvent(expected['Own lead'], '2026-10-24T12:00:00Z', {
      stage: { before: 'contacted', after: 'qualified' },
      lostReason: { before: null, after: null },
    });
    expected['Foreign lead'] = await lead(c.foreignCompany.id, subject.id, {
      title: 'Foreign lead',
      createdAt: '2026-10-27T09:00:00Z',
    });
    await leadEvent(expected['Foreign lead'], '2026-10-28T09:00:00Z', {
      stage: { before: 'new', after: 'proposal' },
    });
    const deletedLead = await lead(c.ownCompany.id, subject.id, {
      title: 'Deleted lead',
      createdAt: '2026-10-28T09:00:00Z',
      deletedAt: '2026-10-28T10:00:00Z',
    });
    await leadEvent(deletedLead, '2026-10-28T09:30:00Z', {
      stage: { before: 'new', after: 'won' },
    });
  });

  it('shows the agency everything live, when it happened, with what each item is', async () => {
    const page = await titles(c.sessions.staff);
    expect(shown(page)).toEqual([
      'Foreign lead (stageChanged)',
      'Foreign lead (created)',
      'Offer (foreign company) (due)',
      'Agency memo (staff) (created)',
      'Own lead (stageChanged)',
      'Samples (own company) (completed)',
      'Send brochure (own user) (due)',
      'Own lead (stageChanged)',
      'State reception (occurred)',
      'Signing at the tech park (occurred)',
      'Own lead (created)',
    ]);
    expect(page.nextCursor).toBeNull();
    const item = (title: string, event: string) =>
      page.items.find((x) => x.title === title && x.event === event);
    expect(item('Signing at the tech park', 'occurred')).toEqual({
      type: 'interaction',
      event: 'occurred',
      id: expected['Signing at the tech park'],
      at: '2026-10-20T09:00:00.000Z',
      title: 'Signing at the tech park',
      kind: 'event',
      summary: `${'Signed the cooperation agreement. '.repeat(20).slice(0, 499)}…`,
      location: 'Beijing',
      confidential: false,
      tripId: expected.trip,
    });
    expect(item('State reception', 'occurred')).toEqual({
      type: 'interaction',
      event: 'occurred',
      id: expected['State reception'],
      at: '2026-10-21T09:00:00.000Z',
      title: 'State reception',
      kind: 'reception',
      summary: null,
      location: null,
      confidential: true,
      tripId: null,
    });
    expect(item('Samples (own company)', 'completed')).toEqual({
      type: 'followUp',
      event: 'completed',
      id: expected['Samples (own company)'],
      at: '2026-10-24T09:00:00.000Z',
      title: 'Samples (own company)',
      status: 'done',
      priority: 'high',
      dueOn: '2026-12-01',
      completedAt: '2026-10-24T09:00:00.000Z',
    });
    expect(item('Send brochure (own user)', 'due')).toMatchObject({
      at: '2026-10-22T22:00:00.000Z',
      dueOn: '2026-10-23',
      status: 'open',
      completedAt: null,
    });
    expect(item('Offer (foreign company)', 'due')?.at).toBe('2026-10-25T23:00:00.000Z');
    expect(item('Agency memo (staff)', 'created')).toMatchObject({
      at: '2026-10-25T09:00:00.000Z',
      dueOn: null,
    });
    expect(item('Own lead', 'created')).toEqual({
      type: 'lead',
      event: 'created',
      id: expected['Own lead'],
      at: '2026-10-19T09:00:00.000Z',
      title: 'Own lead',
      // The stage it was created in (before its first change), not the one it has now.
      stage: 'new',
      fromStage: null,
      valueEur: 45000,
      companyId: c.ownCompany.id,
    });
    expect(
      page.items
        .filter((x) => x.id === expected['Own lead'] && x.event === 'stageChanged')
        .map((x) => [x.at, x.fromStage, x.stage, x.valueEur, x.companyId]),
    ).toEqual([
      ['2026-10-24T12:00:00.000Z', 'contacted', 'qualified', 45000, c.ownCompany.id],
      ['2026-10-22T12:00:00.000Z', 'new', 'contacted', 45000, c.ownCompany.id],
    ]);
  });

  it('shows a viewer no confidential interaction', async () => {
    const page = await titles(c.sessions.viewer);
    expect(page.items.map((x) => x.title)).not.toContain('State reception');
    expect(page.items).toHaveLength(10);
  });

  it('shows a company user no interaction, only its follow-ups and its own leads', async () => {
    const page = await titles(c.sessions.own);
    expect(shown(page)).toEqual([
      'Own lead (stageChanged)',
      'Samples (own company) (completed)',
      'Send brochure (own user) (due)',
      'Own lead (stageChanged)',
      'Own lead (created)',
    ]);
    const text = JSON.stringify(page);
    for (const title of ['Foreign lead', 'Offer (foreign company)', 'Agency memo (staff)']) {
      expect(text).not.toContain(expected[title]);
    }
    expect(text).not.toContain(c.foreignCompany.id);
    expect(text).not.toContain('proposal');
    const theirs = await titles(c.sessions.foreign);
    expect(shown(theirs)).toEqual([
      'Foreign lead (stageChanged)',
      'Foreign lead (created)',
      'Offer (foreign company) (due)',
    ]);
    expect(JSON.stringify(theirs)).not.toContain(expected['Own lead']);
  });

  it('pages with a signed cursor, without losing or repeating an item', async () => {
    const all = (await titles(admin)).items;
    for (const limit of [1, 2, 3]) {
      const seen: Item[] = [];
      let cursor: string | null = null;
      do {
        const page = await titles(
          admin,
          `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
    }
  });

  it('pages through items of the same instant, a lead’s changes among them', async () => {
    const x = await contact({ familyName: 'Simultaneous' });
    for (let i = 0; i < 5; i++) {
      await app.db.query(
        `INSERT INTO follow_ups (title, assignee_id, contact_id, created_at)
         VALUES ($1, $2, $3, '2026-10-20T09:00:00Z')`,
        [`Same ${i}`, admin.user.id, x.id],
      );
    }
    await app.db.query(
      `INSERT INTO follow_ups (title, assignee_id, contact_id, due_on)
       VALUES ('Due that day', $1, $2, '2026-10-20')`,
      [admin.user.id, x.id],
    );
    const l = await lead(c.ownCompany.id, x.id, { createdAt: '2026-10-20T09:00:00Z' });
    for (const [before, after] of [
      ['new', 'contacted'],
      ['contacted', 'qualified'],
    ])
      await leadEvent(l, '2026-10-20T09:00:00Z', { stage: { before, after } });
    const read = async (query: string) =>
      (await app.http.get(`/api/v1/contacts/${x.id}/timeline${query}`).set(admin.auth)).body as {
        items: Item[];
        nextCursor: string | null;
      };
    const all = (await read('')).items;
    expect(all).toHaveLength(9);
    expect(all.map((i) => i.at)).toEqual([
      ...Array(8).fill('2026-10-20T09:00:00.000Z'),
      '2026-10-19T22:00:00.000Z',
    ]);
    const seen: Item[] = [];
    let cursor: string | null = null;
    do {
      const page = await read(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('refuses bad paging with 400 and answers 404 for what is not there', async () => {
    const listCursor = (await app.http.get('/api/v1/contacts?limit=1').set(admin.auth)).body
      .nextCursor as string;
    for (const query of [
      '?cursor=garbage',
      `?cursor=${encodeURIComponent(listCursor)}`,
      '?limit=0',
      '?limit=201',
      '?sort=at',
      '?q=x',
    ]) {
      const res = await app.http
        .get(`/api/v1/contacts/${subject.id}/timeline${query}`)
        .set(admin.auth);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
    expect(
      (
        await app.http
          .get('/api/v1/contacts/00000000-0000-4000-8000-000000000000/timeline')
          .set(admin.auth)
      ).status,
    ).toBe(404);
    expect((await app.http.get('/api/v1/contacts/nope/timeline').set(admin.auth)).status).toBe(400);
  });
});

describe('contacts: audit and concurrency', () => {
  it('records before and after of each change', async () => {
    const x = await contact({ familyName: 'Audit', city: 'Beijing' });
    await api.patch(`/api/v1/contacts/${x.id}`, {
      city: 'Shanghai',
      legalBasis: { basis: 'consent', recordedAt: '2026-10-20T09:30:00Z' },
    });
    await api.delete(`/api/v1/contacts/${x.id}`);
    const audit = await app.http
      .get(`/api/v1/audit?entity=contact&entityId=${x.id}`)
      .set(admin.auth);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'delete',
      'update',
      'create',
    ]);
    expect(audit.body.items[1].changes).toEqual({
      city: { before: 'Beijing', after: 'Shanghai' },
      legalBasis: { before: null, after: 'consent' },
      legalBasisRecordedAt: { before: null, after: '2026-10-20T09:30:00.000Z' },
    });
    expect(audit.body.items[2].changes).toMatchObject({
      familyName: { before: null, after: 'Audit' },
      ownerId: { before: null, after: admin.user.id },
    });
  });

  it('needs If-Match on PATCH (428) and refuses a stale one (412)', async () => {
    const x = await contact({ familyName: 'Versioned' });
    expect(
      (await app.http.patch(`/api/v1/contacts/${x.id}`).set(admin.auth).send({ city: 'A' })).status,
    ).toBe(428);
    expect((await api.patch(`/api/v1/contacts/${x.id}`, { city: 'A' })).status).toBe(200);
    const stale = await api.patch(`/api/v1/contacts/${x.id}`, { city: 'B' }, { ifMatch: '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe('"2"');
  });

  it('20 parallel PATCHes with the same ETag: exactly one 200, nineteen 412', async () => {
    const x = await contact({ familyName: 'Race' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.patch(
          `/api/v1/contacts/${x.id}`,
          { city: `Writer ${i}`, tags: [`t${i}`] },
          { ifMatch: '"1"' },
        ),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const winner = results.find((r) => r.status === 200)!;
    const stored = await app.http.get(`/api/v1/contacts/${x.id}`).set(admin.auth);
    expect(stored.body).toMatchObject({
      city: winner.body.city,
      tags: winner.body.tags,
      version: 2,
    });
    const audit = await app.http
      .get(`/api/v1/audit?entity=contact&entityId=${x.id}`)
      .set(admin.auth);
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'update')).toHaveLength(
      1,
    );
  });
});

import { softDeleteStory } from './helpers/lifecycle';
import { AGENCY_CREATES, AGENCY_WRITES, expectStatuses } from './helpers/roles';
import { Api, Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast, api: Api, make: Kit;
useWorld((w) => ({ app, admin, c, api, make } = w));

const create = (session: Session, body: Record<string, unknown>) =>
  api.as(session).post('/api/v1/companies', body);

describe('companies: validation', () => {
  it('creates with defaults and normalises ISO codes', async () => {
    const res = await create(admin, {
      name: '  Klingenwerk  ',
      country: 'de',
      branchCountries: ['cn', 'US'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Klingenwerk',
      country: 'DE',
      branchCountries: ['CN', 'US'],
      version: 1,
      deletedAt: null,
    });
  });

  it.each([
    [{}, ['name']],
    [{ name: '' }, ['name']],
    [{ name: 42 }, ['name']],
    [{ name: 'X', country: 'XX' }, ['country']],
    [{ name: 'X', country: 'Germany' }, ['country']],
    [{ name: 'X', website: 'not a url' }, ['website']],
    [{ name: 'X', website: 'javascript:alert(1)' }, ['website']],
    [{ name: 'X', branchCountries: 'CN' }, ['branchCountries']],
    [{ name: 'X', branchCountries: ['CN', 'ZZ'] }, ['branchCountries']],
    [{ name: 'X', id: '00000000-0000-4000-8000-000000000000' }, ['id']],
    [{ name: 'X', version: 7 }, ['version']],
    [{ name: 'x'.repeat(201) }, ['name']],
  ])('refuses %j with 400 naming %j', async (body, fields) => {
    const res = await create(admin, body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(fields),
    );
  });

  it.each(['%', "' OR 1=1 --", 'x'.repeat(5000), '_', '\\', 'a%b_c'])(
    'answers search %j with 2xx/4xx, never 5xx',
    async (q) => {
      const res = await app.http
        .get(`/api/v1/companies?q=${encodeURIComponent(q)}`)
        .set(admin.auth);
      expect(res.status).toBeLessThan(500);
      if (q.length > 200) expect(res.status).toBe(400);
    },
  );
});

describe('companies: search and filters', () => {
  beforeAll(async () => {
    await create(admin, { name: 'Müller Schneidwaren', country: 'DE', branchCountries: ['CN'] });
    await create(admin, {
      name: 'Wüsthof-Ähnlich KG',
      legalName: 'Wüsthof Ähnlich Kommanditgesellschaft',
    });
  });
  const names = async (query: string, session: Session = admin) =>
    (
      (await app.http.get(`/api/v1/companies?${query}`).set(session.auth)).body.items as {
        name: string;
      }[]
    ).map((x) => x.name);

  it('finds accent- and case-insensitively, by part of a word', async () => {
    expect(await names('q=muller')).toContain('Müller Schneidwaren');
    expect(await names('q=SCHNEID')).toContain('Müller Schneidwaren');
    expect(await names('q=ahnlich')).toContain('Wüsthof-Ähnlich KG');
    expect(await names('q=kommandit')).toContain('Wüsthof-Ähnlich KG');
  });

  it('finds by a one- or two-letter prefix', async () => {
    expect(await names('q=m')).toContain('Müller Schneidwaren');
    expect(await names('q=wu')).toContain('Wüsthof-Ähnlich KG');
    expect(await names('q=wu')).not.toContain('Müller Schneidwaren');
  });

  it('filters by branch country', async () => {
    const inChina = await names('branchCountry=cn');
    expect(inChina).toContain('Müller Schneidwaren');
    expect(inChina).not.toContain('Wüsthof-Ähnlich KG');
  });
});

describe('companies: role matrix', () => {
  let other: { id: string };
  beforeAll(async () => {
    other = (await create(admin, { name: 'Third Party Cutlery' })).body;
  });

  it('lists all companies for the agency, only its own for a company user', async () => {
    for (const role of ['admin', 'staff', 'viewer'] as const) {
      const res = await app.http.get('/api/v1/companies?limit=200').set(c.sessions[role].auth);
      const ids = res.body.items.map((x: { id: string }) => x.id);
      expect(ids).toEqual(expect.arrayContaining([c.ownCompany.id, c.foreignCompany.id, other.id]));
    }
    const own = await app.http.get('/api/v1/companies?limit=200').set(c.sessions.own.auth);
    expect(own.body.items.map((x: { id: string }) => x.id)).toEqual([c.ownCompany.id]);
    const searched = await app.http.get('/api/v1/companies?q=foreign').set(c.sessions.own.auth);
    expect(searched.body.items).toEqual([]);
  });

  it('reads: own company 200, any other 404 for a company user', async () => {
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 200, own: 200, foreign: 404 },
      async (_, s) =>
        (await app.http.get(`/api/v1/companies/${c.ownCompany.id}`).set(s.auth)).status,
    );
  });

  it('creates: agency only', async () => {
    await expectStatuses(
      c,
      AGENCY_CREATES,
      async (role, s) => (await create(s, { name: `Made by ${role}` })).status,
    );
  });

  it('updates: agency only, even the own company', async () => {
    await expectStatuses(
      c,
      AGENCY_WRITES,
      async (role, s) =>
        (await api.as(s).patch(`/api/v1/companies/${c.ownCompany.id}`, { city: `City ${role}` }))
          .status,
    );
  });

  it('deletes, restores and purges: staff deletes and restores, only admin purges', async () => {
    const target = (await create(admin, { name: 'Short-lived GmbH' })).body;
    await softDeleteStory(app, c, `/api/v1/companies/${target.id}`);
  });

  it('refuses to purge a company still referenced (409) and a live one (404)', async () => {
    expect(
      (await app.http.post(`/api/v1/companies/${c.ownCompany.id}/purge`).set(admin.auth)).status,
    ).toBe(404);
    const referenced = (await create(admin, { name: 'Referenced GmbH' })).body;
    await app.db.query(`INSERT INTO contacts (family_name, company_id) VALUES ('Linked', $1)`, [
      referenced.id,
    ]);
    await api.delete(`/api/v1/companies/${referenced.id}`);
    expect(
      (await app.http.post(`/api/v1/companies/${referenced.id}/purge`).set(admin.auth)).status,
    ).toBe(409);
  });
});

describe('companies: audit and concurrency', () => {
  it('records before and after of each change in the same transaction', async () => {
    const company = (await create(admin, { name: 'Audit Me', city: 'Solingen' })).body;
    await api.patch(`/api/v1/companies/${company.id}`, { city: 'Haan' });
    const audit = await app.http
      .get(`/api/v1/audit?entity=company&entityId=${company.id}`)
      .set(admin.auth);
    const [update, creation] = audit.body.items;
    expect(update).toMatchObject({
      action: 'update',
      changes: { city: { before: 'Solingen', after: 'Haan' } },
    });
    expect(creation).toMatchObject({
      action: 'create',
      changes: { name: { before: null, after: 'Audit Me' } },
    });
  });

  it('20 parallel PATCHes with the same ETag: exactly one 200, nineteen 412', async () => {
    const company = (await create(admin, { name: 'Race GmbH' })).body;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.patch(`/api/v1/companies/${company.id}`, { city: `Writer ${i}` }, { ifMatch: '"1"' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
  });
});

describe('companies: PATCH with null', () => {
  it('clears nullable fields and refuses null for required ones (400, never 500)', async () => {
    const admin2 = admin;
    const company = (await create(admin2, { name: 'Nullable GmbH', city: 'Solingen' })).body;
    const cleared = await api.as(admin2).patch(`/api/v1/companies/${company.id}`, { city: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.city).toBeNull();
    for (const body of [{ name: null }, { country: null }, { branchCountries: null }]) {
      const res = await api.as(admin2).patch(`/api/v1/companies/${company.id}`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
  });
});

describe('companies: ?ids=', () => {
  it('lists only the ids asked for, within the caller scope; a bad id is a 400', async () => {
    const [a, b] = await Promise.all([
      create(admin, { name: 'Ids Eins' }),
      create(admin, { name: 'Ids Zwei' }),
    ]);
    const list = async (query: string, session: Session = admin) => {
      const res = await app.http.get(`/api/v1/companies?${query}`).set(session.auth);
      expect(res.status).toBe(200);
      return (res.body.items as { id: string }[]).map((x) => x.id).sort();
    };
    expect(await list(`ids=${a.body.id},${b.body.id.toUpperCase()}`)).toEqual(
      [a.body.id, b.body.id].sort(),
    );
    expect(await list(`ids=${a.body.id}&ids=${b.body.id}`)).toEqual([a.body.id, b.body.id].sort());
    // A company user asking for another company's id learns nothing of it.
    expect(await list(`ids=${a.body.id},${c.ownCompany.id}`, c.sessions.own)).toEqual([
      c.ownCompany.id,
    ]);
    const bad = await app.http.get('/api/v1/companies?ids=not-a-uuid').set(admin.auth);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('ids');
    const many = Array.from({ length: 201 }, () => a.body.id).join(',');
    expect((await app.http.get(`/api/v1/companies?ids=${many}`).set(admin.auth)).status).toBe(400);
  });
});

describe('names: GET /<kind>/names', () => {
  const names = async (path: string, session: Session = admin) => {
    const res = await app.http.get(`/api/v1/${path}`).set(session.auth);
    expect([path, res.status]).toEqual([path, 200]);
    return res.body as { items: { id: string; name: string }[]; more: boolean };
  };

  it('names the ids asked for that the caller may see, each as its page shows it', async () => {
    const [company, partner, port, trip] = await Promise.all([
      make.company({ name: 'Namenswerk' }),
      make.partner({ name: 'Shanghai Blade Association' }),
      make.partner({ name: 'Qingdao Port Names', nativeName: '青岛港名称' }),
      make.trip(),
    ]);
    const [wang, own, gone] = await Promise.all([
      make.contact({ familyName: 'Wang', givenName: 'Fang', nativeName: '王芳' }),
      make.contact({ familyName: 'Müller', givenName: 'Anna', companyId: c.ownCompany.id }),
      make.company({ name: 'Gelöscht GmbH' }),
    ]);
    await app.db.query('UPDATE companies SET deleted_at = now() WHERE id = $1', [gone.id]);
    const { rows } = await app.db.query<{ title: string; day: string }>(
      "SELECT title, to_char(starts_on, 'YYYY-MM-DD') AS day FROM trips WHERE id = $1",
      [trip.id],
    );
    expect((await names(`companies/names?ids=${company.id},${gone.id}`)).items).toEqual([
      { id: company.id, name: 'Namenswerk' },
    ]);
    expect(await names('companies/names?ids=')).toEqual({ items: [], more: false });
    expect(await names(`partners/names?ids=${partner.id}`)).toEqual({
      items: [{ id: partner.id, name: 'Shanghai Blade Association' }],
      more: false,
    });
    // A partner's name in its own script comes beside its name, where it has one.
    expect((await names(`partners/names?ids=${port.id}`)).items).toEqual([
      { id: port.id, name: 'Qingdao Port Names', other: '青岛港名称' },
    ]);
    // A dated kind's names carry the day.
    expect((await names(`trips/names?ids=${trip.id}`)).items).toEqual([
      { id: trip.id, name: rows[0].title, day: rows[0].day },
    ]);
    expect(
      (await names(`contacts/names?ids=${wang.id},${own.id}`)).items.sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
    ).toEqual([
      { id: own.id, name: 'Anna Müller' },
      { id: wang.id, name: 'Wang Fang 王芳' },
    ]);
    // A company user hears only of what it may see.
    const mine = c.sessions.own;
    expect(
      (await names(`companies/names?ids=${company.id},${c.ownCompany.id}`, mine)).items,
    ).toEqual([{ id: c.ownCompany.id, name: c.ownCompany.name }]);
    // Its company's contact once a lead of its company names it (contacts/scope.ts).
    expect((await names(`contacts/names?ids=${wang.id},${own.id}`, mine)).items).toEqual([]);
    await make.lead({ companyId: c.ownCompany.id, contactId: own.id });
    expect((await names(`contacts/names?ids=${wang.id},${own.id}`, mine)).items).toEqual([
      { id: own.id, name: 'Anna Müller' },
    ]);
    expect((await names('companies/names?limit=200', mine)).items).toEqual([
      { id: c.ownCompany.id, name: c.ownCompany.name },
    ]);
  });

  it("without ids, the first names in the list's order and whether there are more", async () => {
    const list = await app.http.get('/api/v1/companies?sort=name&limit=3').set(admin.auth);
    const first = await names('companies/names?limit=3');
    expect(first.items).toEqual(
      list.body.items.map((x: { id: string; name: string }) => ({ id: x.id, name: x.name })),
    );
    expect(first.more).toBe(list.body.nextCursor !== null);
    const { rows } = await app.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM companies WHERE deleted_at IS NULL',
    );
    const all = await names('companies/names?limit=200');
    expect([all.items.length, all.more]).toEqual([Math.min(rows[0].n, 200), rows[0].n > 200]);
  });

  it('a dated kind without ids: the latest first, each with its day', async () => {
    const [older, newer] = await Promise.all([
      make.trip({ title: 'Namen älter', startsOn: '2001-03-01', endsOn: '2001-03-05' }),
      make.trip({ title: 'Namen neuer', startsOn: '2099-03-01', endsOn: '2099-03-05' }),
    ]);
    const { rows } = await app.db.query<{ id: string; name: string; day: string }>(
      `SELECT id, title AS name, to_char(starts_on, 'YYYY-MM-DD') AS day FROM trips
        WHERE deleted_at IS NULL ORDER BY starts_on DESC, lower(title), id`,
    );
    const first = await names('trips/names?limit=3');
    expect(first.items).toEqual(rows.slice(0, 3));
    expect(first.items[0]).toEqual({ id: newer.id, name: 'Namen neuer', day: '2099-03-01' });
    expect(first.more).toBe(rows.length > 3);
    const all = await names('trips/names?limit=200');
    expect(all.items).toEqual(rows.slice(0, 200));
    expect(all.items.map((x) => x.id)).toContain(older.id);
  });

  it('refuses bad ids or a bad limit with a 400 naming the field', async () => {
    const many = Array.from({ length: 201 }, () => c.ownCompany.id).join(',');
    for (const [query, field] of [
      ['ids=nope', 'ids'],
      [`ids=${many}`, 'ids'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=x', 'limit'],
      ['sort=name', 'sort'],
    ]) {
      const res = await app.http.get(`/api/v1/companies/names?${query}`).set(admin.auth);
      expect([query, res.status, JSON.stringify(res.body)]).toEqual([
        query,
        400,
        expect.stringContaining(`"field":"${field}"`),
      ]);
    }
  });
});

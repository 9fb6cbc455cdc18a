import { Api, Cast, Kit, Made, TestApp, useWorld } from './helpers/world';
import { expectStatuses } from './helpers/roles';

let app: TestApp, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, c, make, api } = w));

type Pair = { reasons: string[]; records: { id: string }[] };

/** Every pair of a kind's duplicate list, page by page. */
async function allPairs(resource: string, limit = 200): Promise<Pair[]> {
  const pairs: Pair[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.get(
      `/api/v1/${resource}/duplicates?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    pairs.push(...(res.body as { items: Pair[] }).items);
    cursor = (res.body as { nextCursor: string | null }).nextCursor;
  } while (cursor);
  return pairs;
}
const pairOf = (pairs: Pair[], x: string, y: string) =>
  pairs.find((p) => {
    const ids = p.records.map((r) => r.id);
    return ids.includes(x) && ids.includes(y);
  });

const merge = (resource: string, kept: Made, other: Made, fields: object = {}, ifMatch?: string) =>
  api.post(
    `/api/v1/${resource}/${kept.id}/merge`,
    { otherId: other.id, otherVersion: other.version, fields },
    { ifMatch: ifMatch ?? `"${kept.version}"` },
  );
const count = async (sql: string, id: string) =>
  Number((await app.db.query<{ n: string }>(sql, [id])).rows[0].n);
const auditOf = async (entity: string, id: string) =>
  (
    await app.db.query<{ action: string; changes: Record<string, unknown> }>(
      `SELECT action, changes FROM audit_events WHERE entity = $1 AND entity_id = $2 ORDER BY at, id`,
      [entity, id],
    )
  ).rows;

describe('possible duplicates', () => {
  it('pairs contacts by name in any script, e-mail, phone and WeChat, strongest first', async () => {
    const company = await make.company();
    const liWei = await make.contact({ familyName: 'Li', givenName: 'Wei', companyId: company.id });
    const 李伟 = await make.contact({ nativeName: '李伟', companyId: company.id });
    const weiLi = await make.contact({ familyName: 'Wei', givenName: 'Li' });
    const mail1 = await make.contact({ familyName: 'Schmidt', email: 'anna.schmidt@dovo.de' });
    const mail2 = await make.contact({ familyName: 'Schmitt', email: 'Anna.Schmidt@DOVO.de' });
    const phone1 = await make.contact({
      familyName: 'Wagner',
      phone: '0171 1234567',
      country: 'DE',
    });
    const phone2 = await make.contact({ familyName: 'Wegner', phone: '+49 171 1234567' });
    const chat1 = await make.contact({
      familyName: 'Zhang',
      givenName: 'Min',
      wechatId: 'zhangmin88',
    });
    const chat2 = await make.contact({
      familyName: 'Chang',
      givenName: 'Ming',
      wechatId: 'zhangmin88',
    });
    const alone = await make.contact({ familyName: 'Einzelgänger', email: 'einzel@x.de' });

    const pairs = await allPairs('contacts', 2);
    expect(pairOf(pairs, liWei.id, 李伟.id)?.reasons).toEqual(['name', 'organisation']);
    expect(pairOf(pairs, liWei.id, weiLi.id)?.reasons).toEqual(['name']);
    expect(pairOf(pairs, mail1.id, mail2.id)?.reasons).toEqual(['email']);
    expect(pairOf(pairs, phone1.id, phone2.id)?.reasons).toEqual(['phone']);
    expect(pairOf(pairs, chat1.id, chat2.id)?.reasons).toEqual(['wechat']);
    expect(pairs.filter((p) => p.records.some((r) => r.id === alone.id))).toEqual([]);
    // Each pair once, and same name at the same organisation above the same name alone.
    const keys = pairs.map((p) =>
      p.records
        .map((r) => r.id)
        .sort()
        .join(),
    );
    expect(new Set(keys).size).toBe(keys.length);
    const rank = (x: string, y: string) => pairs.indexOf(pairOf(pairs, x, y)!);
    expect(rank(liWei.id, 李伟.id)).toBeLessThan(rank(liWei.id, weiLi.id));
    expect(rank(mail1.id, mail2.id)).toBeLessThan(rank(liWei.id, 李伟.id));
  });

  it('pairs the bearers of a very common name only within one organisation', async () => {
    const company = await make.company();
    const colleagues = [
      await make.row.contact({ familyName: 'Wang', givenName: 'Fang', companyId: company.id }),
      await make.row.contact({
        nativeName: '王芳',
        familyName: 'Wang',
        givenName: 'Fang',
        companyId: company.id,
      }),
    ];
    for (let i = 0; i < 20; i++) await make.row.contact({ familyName: 'Wang', givenName: 'Fang' });
    const wangFang = (await allPairs('contacts')).filter((p) =>
      p.records.every((r) => (r as { givenName?: string }).givenName === 'Fang'),
    );
    expect(wangFang.map((p) => p.records.map((r) => r.id).sort())).toEqual([
      colleagues.map((x) => x.id).sort(),
    ]);
    expect(wangFang[0].reasons).toEqual(['name', 'organisation']);
  });

  it('pairs companies and partners by name without legal form, pinyin and website', async () => {
    const z1 = await make.company({ name: 'Zwilling J.A. Henckels AG' });
    const z2 = await make.company({ name: 'ZWILLING J. A. HENCKELS', city: 'Solingen' });
    const w1 = await make.company({ name: 'Klingenwerk', website: 'https://www.klingenwerk.de' });
    const w2 = await make.company({ name: 'KW Solingen GmbH', website: 'http://klingenwerk.de/' });
    const other = await make.company({ name: 'Zwilling Beauty Group' });
    const companies = await allPairs('companies');
    expect(pairOf(companies, z1.id, z2.id)?.reasons).toEqual(['name']);
    expect(pairOf(companies, w1.id, w2.id)?.reasons).toEqual(['website']);
    expect(companies.filter((p) => p.records.some((r) => r.id === other.id))).toEqual([]);

    const p1 = await make.partner({ name: 'Suzhou Industrial Park', nativeName: '苏州工业园区' });
    const p2 = await make.partner({ name: 'Suzhou Gongye Yuanqu' });
    const p3 = await make.partner({
      name: 'SIP Administrative Committee',
      nativeName: '苏州工业园区',
    });
    const partners = await allPairs('partners');
    expect(pairOf(partners, p1.id, p2.id)?.reasons).toEqual(['name']);
    expect(pairOf(partners, p1.id, p3.id)?.reasons).toEqual(['name']);
  });

  it('is for those who may write the kind: not viewers, not company users', async () => {
    for (const resource of ['contacts', 'companies', 'partners'])
      await expectStatuses(
        c,
        { admin: 200, staff: 200, viewer: 403, own: 403, foreign: 403 },
        async (_role, session) =>
          (await app.http.get(`/api/v1/${resource}/duplicates`).set(session.auth)).status,
      );
  });

  it('leaves out a pair marked "not a duplicate", audited on both', async () => {
    const x = await make.contact({ familyName: 'Huang', givenName: 'Lan' });
    const y = await make.contact({ familyName: 'Huang', givenName: 'Lan' });
    expect(pairOf(await allPairs('contacts'), x.id, y.id)).toBeDefined();
    await expectStatuses(
      c,
      { admin: 400, staff: 400, viewer: 403, own: 403, foreign: 403 },
      async (_role, session) =>
        (await app.http.post(`/api/v1/contacts/${x.id}/not-duplicate`).set(session.auth).send({}))
          .status,
    );
    const self = await api.post(`/api/v1/contacts/${x.id}/not-duplicate`, { otherId: x.id });
    expect(self.body.errors[0]).toMatchObject({ field: 'otherId', code: 'sameRecord' });
    for (let i = 0; i < 2; i++)
      expect(
        (await api.post(`/api/v1/contacts/${y.id}/not-duplicate`, { otherId: x.id })).status,
      ).toBe(204);
    expect(pairOf(await allPairs('contacts'), x.id, y.id)).toBeUndefined();
    for (const [id, other] of [
      [x.id, y.id],
      [y.id, x.id],
    ])
      expect((await auditOf('contact', id)).filter((e) => e.action === 'notDuplicate')).toEqual([
        { action: 'notDuplicate', changes: { notDuplicateOf: other } },
      ]);
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await api.get('/api/v1/contacts/duplicates?cursor=abc');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('cursor');
  });
});

describe('merge', () => {
  it('takes the chosen fields, moves every link, deletes the other and tells both audits', async () => {
    const company = await make.company();
    const kept = await make.contact({ familyName: 'Li', givenName: 'Wei', email: 'li.wei@a.cn' });
    const other = await make.contact({
      nativeName: '李伟',
      email: 'liwei@b.cn',
      phone: '+86 138 0013 8000',
      companyId: company.id,
    });
    const both = await make.contact({ familyName: 'Müller' });
    // Links of the other: an interaction with both (the join row must not double), one with the
    // other alone, a follow-up and a lead.
    await make.interaction({ contactIds: [kept.id, other.id, both.id] });
    await make.interaction({ contactIds: [other.id] });
    await make.followUp({ contactId: other.id, companyId: company.id });
    const lead = await make.lead({ companyId: company.id, contactId: other.id });

    const res = await merge('contacts', kept, other, {
      phone: 'other',
      companyId: 'other',
      email: 'kept',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: kept.id,
      familyName: 'Li',
      email: 'li.wei@a.cn',
      phone: '+86 138 0013 8000',
      companyId: company.id,
    });
    expect(res.headers.etag).toBe(`"${res.body.version}"`);

    const links = (id: string) =>
      Promise.all([
        count('SELECT count(*) n FROM interaction_contacts WHERE contact_id = $1', id),
        count('SELECT count(*) n FROM follow_ups WHERE contact_id = $1', id),
        count('SELECT count(*) n FROM leads WHERE contact_id = $1', id),
      ]);
    expect(await links(kept.id)).toEqual([2, 1, 1]);
    expect(await links(other.id)).toEqual([0, 0, 0]);
    // The moved lead is a change of the lead: a new version.
    expect((await api.get(`/api/v1/leads/${lead.id}`)).body.version).toBe(lead.version + 1);

    const gone = await api.get('/api/v1/contacts?deleted=true&limit=200');
    expect(gone.body.items.find((x: Made) => x.id === other.id)).toMatchObject({
      mergedIntoId: kept.id,
    });
    expect((await api.get(`/api/v1/contacts/${other.id}`)).status).toBe(404);

    const keptAudit = await auditOf('contact', kept.id);
    expect(keptAudit.find((e) => e.action === 'update')?.changes).toMatchObject({
      phone: { before: null, after: '+86 138 0013 8000' },
      companyId: { before: null, after: company.id },
    });
    expect(keptAudit.find((e) => e.action === 'merge')?.changes).toMatchObject({
      mergedFrom: other.id,
      moved: {
        'interaction_contacts.contact_id': 1,
        'follow_ups.contact_id': 1,
        'leads.contact_id': 1,
      },
    });
    expect((await auditOf('contact', other.id)).pop()).toMatchObject({
      action: 'merge',
      changes: { mergedInto: kept.id },
    });

    // Merging twice, and restoring the merged one, are refused.
    const again = await merge('contacts', res.body as Made, {
      ...other,
      version: other.version + 1,
    });
    expect(again.status).toBe(400);
    expect(again.body.errors[0]).toMatchObject({ field: 'otherId', code: 'reference' });
    const restore = await api.post(`/api/v1/contacts/${other.id}/restore`);
    expect(restore.status).toBe(409);
  });

  it('refuses a stale version of either record and changes nothing', async () => {
    const kept = await make.contact({ familyName: 'Wang' });
    const other = await make.contact({ familyName: 'Wang', email: 'wang@x.cn' });
    await make.followUp({ contactId: other.id });
    const staleKept = await merge(
      'contacts',
      kept,
      other,
      { email: 'other' },
      `"${kept.version + 1}"`,
    );
    expect(staleKept.status).toBe(412);
    expect(staleKept.headers.etag).toBe(`"${kept.version}"`);
    const staleOther = await merge('contacts', kept, { ...other, version: other.version + 1 });
    expect(staleOther.status).toBe(412);
    expect(staleOther.body.errors[0]).toMatchObject({ field: 'otherVersion', code: 'stale' });
    expect((await api.get(`/api/v1/contacts/${kept.id}`)).body).toMatchObject({
      version: kept.version,
      email: null,
    });
    expect((await api.get(`/api/v1/contacts/${other.id}`)).body.version).toBe(other.version);
    expect(await count('SELECT count(*) n FROM follow_ups WHERE contact_id = $1', other.id)).toBe(
      1,
    );
  });

  it('is one transaction: a field the kept record may not take leaves both as they were', async () => {
    const company = await make.company();
    const partner = await make.partner();
    const kept = await make.contact({ familyName: 'Chen', companyId: company.id });
    const other = await make.contact({ familyName: 'Chen', partnerId: partner.id });
    await make.followUp({ contactId: other.id });
    // The kept company beside the other's partner: a contact works at one of them only.
    const res = await merge('contacts', kept, other, { partnerId: 'other' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('fields.partnerId');
    expect((await api.get(`/api/v1/contacts/${kept.id}`)).body).toMatchObject({
      version: kept.version,
      partnerId: null,
    });
    expect((await api.get(`/api/v1/contacts/${other.id}`)).body.version).toBe(other.version);
    expect(await count('SELECT count(*) n FROM follow_ups WHERE contact_id = $1', other.id)).toBe(
      1,
    );
  });

  it('answers 400 for itself, an unknown field or source, 404 for an unknown id, 428 without If-Match', async () => {
    const kept = await make.contact({ familyName: 'Sun' });
    const other = await make.contact({ familyName: 'Sun' });
    const self = await merge('contacts', kept, kept);
    expect(self.status).toBe(400);
    expect(self.body.errors[0]).toMatchObject({ field: 'otherId', code: 'sameRecord' });
    const unknown = await merge('contacts', kept, other, { shoeSize: 'other', email: 'both' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'fields.shoeSize',
      'fields.email',
    ]);
    const missing = await merge('contacts', kept, {
      id: '00000000-0000-4000-8000-000000000000',
      version: 1,
    });
    expect(missing.status).toBe(404);
    const noVersion = await api.post(
      `/api/v1/contacts/${kept.id}/merge`,
      { otherId: other.id, otherVersion: other.version },
      { ifMatch: null },
    );
    expect(noVersion.status).toBe(428);
    await expectStatuses(
      c,
      { admin: 400, staff: 400, viewer: 403, own: 403, foreign: 403 },
      async (_role, session) =>
        (
          await app.http
            .post(`/api/v1/contacts/${kept.id}/merge`)
            .set(session.auth)
            .set('If-Match', `"${kept.version}"`)
            .send({})
        ).status,
    );
  });

  it('merges companies: contacts, leads, users and participants move, contacts are found by the kept name', async () => {
    const kept = await make.company({ name: 'Zwilling J.A. Henckels AG' });
    const other = await make.company({ name: 'ZWILLING J. A. HENCKELS', industry: 'Schneidwaren' });
    const contact = await make.contact({ familyName: 'Berger', companyId: other.id });
    await make.lead({ companyId: other.id, contactId: contact.id });
    const trip = await make.trip();
    await make.participant({ tripId: trip.id, companyId: other.id });
    const user = await make.user({ role: 'company', companyId: other.id });
    const res = await merge('companies', kept, other, { industry: 'other' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Zwilling J.A. Henckels AG', industry: 'Schneidwaren' });
    for (const table of ['contacts', 'leads', 'participants', 'users'])
      expect(await count(`SELECT count(*) n FROM ${table} WHERE company_id = $1`, other.id)).toBe(
        0,
      );
    expect((await api.get(`/api/v1/users/${user.id}`)).body.companyId).toBe(kept.id);
    // The moved contact's search key holds the kept company's name now.
    const found = await api.get('/api/v1/contacts?q=Berger%20Henckels');
    expect(found.body.items.map((x: Made) => x.id)).toEqual([contact.id]);
    expect(
      (await allPairs('companies')).filter((p) => p.records.some((r) => r.id === other.id)),
    ).toEqual([]);
  });

  it('merges partners: contacts and agreements move', async () => {
    const kept = await make.partner({ name: 'Suzhou Industrial Park', nativeName: '苏州工业园区' });
    const other = await make.partner({ name: 'Suzhou Gongye Yuanqu', city: 'Suzhou' });
    const contact = await make.contact({ familyName: 'Zhou', partnerId: other.id });
    await make.agreement({ partnerId: other.id });
    const links = await api.get(`/api/v1/partners/${kept.id}/merge/${other.id}`);
    expect(links.status).toBe(200);
    expect(links.body).toEqual({
      fields: [
        'name',
        'nativeName',
        'kind',
        'country',
        'city',
        'address',
        'website',
        'description',
      ],
      kept: {},
      other: { 'agreements.partner_id': 1, 'contacts.partner_id': 1 },
    });
    const res = await merge('partners', kept, other, { city: 'other' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nativeName: '苏州工业园区', city: 'Suzhou' });
    expect(await count('SELECT count(*) n FROM agreements WHERE partner_id = $1', kept.id)).toBe(1);
    expect((await api.get(`/api/v1/contacts/${contact.id}`)).body.partnerId).toBe(kept.id);
    expect((await api.get(`/api/v1/partners/${kept.id}/merge/${other.id}`)).status).toBe(404);
  });
});

import { ROLE_NAMES, statusReport } from './helpers/roles';
import { Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

interface Hit {
  id: string;
  label: string;
  detail: string | null;
}
interface Results {
  contacts: Hit[];
  companies: Hit[];
  partners: Hit[];
  leads: Hit[];
}
const GROUPS = ['contacts', 'companies', 'partners', 'leads'] as const;

let app: TestApp, admin: Session, c: Cast, make: Kit;
useWorld((w) => ({ app, admin, c, make } = w));

const search = (q: string, session: Session = admin, extra = '') =>
  app.http.get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`).set(session.auth);
const found = async (q: string, session: Session = admin): Promise<Results> => {
  const res = await search(q, session);
  if (res.status !== 200) throw new Error(`search ${q}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Results;
};
const idsOf = (results: Results) => GROUPS.flatMap((g) => results[g].map((h) => h.id));

describe('search: what a company user may find', () => {
  // Every record below matches "kaiser"; each company user must find exactly its own.
  const own: Record<(typeof GROUPS)[number], string[]> = {
    contacts: [],
    companies: [],
    partners: [],
    leads: [],
  };
  const foreign: typeof own = { contacts: [], companies: [], partners: [], leads: [] };
  const nobodys: string[] = [];

  beforeAll(async () => {
    await make.row.renameCompany(c.ownCompany.id, 'Kaiser Own Messer GmbH');
    await make.row.renameCompany(c.foreignCompany.id, 'Kaiser Foreign Scheren AG');
    own.companies.push(c.ownCompany.id);
    foreign.companies.push(c.foreignCompany.id);

    const ownPartner = await make.row.partner({ name: 'Kaiser Technologiepark Nord' });
    const foreignPartner = await make.row.partner({ name: 'Kaiser Campus Süd' });
    const loosePartner = await make.row.partner({ name: 'Kaiser Institut' });
    const ownContact = await make.row.contact({
      familyName: 'Kaiser',
      givenName: 'Anna',
      partnerId: loosePartner.id,
    });
    const foreignContact = await make.row.contact({ familyName: 'Kaiser', givenName: 'Bernd' });
    const looseContact = await make.row.contact({ familyName: 'Kaiser', givenName: 'Carla' });
    const deadLeadContact = await make.row.contact({ familyName: 'Kaiser', givenName: 'Dora' });
    const ownLead = await make.row.lead({
      companyId: c.ownCompany.id,
      title: 'Kaiser Rasiermesser für Peking',
      contactId: ownContact.id,
      partnerId: ownPartner.id,
      stage: 'qualified',
    });
    const foreignLead = await make.row.lead({
      companyId: c.foreignCompany.id,
      title: 'Kaiser Scheren für Shanghai',
      contactId: foreignContact.id,
      partnerId: foreignPartner.id,
    });
    const deadLead = await make.row.lead({
      companyId: c.ownCompany.id,
      title: 'Kaiser alter Lead',
      contactId: deadLeadContact.id,
      partnerId: loosePartner.id,
    });
    await make.softDelete('leads', deadLead.id);
    const deletedContact = await make.row.contact({ familyName: 'Kaiser', givenName: 'Emil' });
    await make.row.lead({
      companyId: c.ownCompany.id,
      title: 'Bezug',
      contactId: deletedContact.id,
    });
    await make.softDelete('contacts', deletedContact.id);

    own.contacts.push(ownContact.id);
    own.partners.push(ownPartner.id);
    own.leads.push(ownLead.id);
    foreign.contacts.push(foreignContact.id);
    foreign.partners.push(foreignPartner.id);
    foreign.leads.push(foreignLead.id);
    nobodys.push(
      loosePartner.id,
      looseContact.id,
      deadLeadContact.id,
      deadLead.id,
      deletedContact.id,
    );
  });

  const idsByGroup = (results: Results) =>
    Object.fromEntries(GROUPS.map((g) => [g, results[g].map((h) => h.id).sort()]));
  const sortedGroups = (expected: typeof own) =>
    Object.fromEntries(GROUPS.map((g) => [g, [...expected[g]].sort()]));

  it('a company user finds its own company, leads, and the contacts and partners of its leads', async () => {
    expect(idsByGroup(await found('kaiser', c.sessions.own))).toEqual(sortedGroups(own));
    expect(idsByGroup(await found('kaiser', c.sessions.foreign))).toEqual(sortedGroups(foreign));
  });

  it('never returns an id of another company’s data, whatever the term', async () => {
    const theirs = [...GROUPS.flatMap((g) => foreign[g]), ...nobodys];
    for (const q of [
      'kaiser',
      'k',
      'ka',
      'foreign',
      'scheren',
      'bernd',
      'campus',
      'shanghai',
      'institut',
    ]) {
      const ids = idsOf(await found(q, c.sessions.own));
      expect({ q, leaked: ids.filter((id) => theirs.includes(id)) }).toEqual({ q, leaked: [] });
    }
    expect(idsOf(await found('foreign scheren', c.sessions.own))).toEqual([]);
  });

  it('shows a company user no organisation it may not know of', async () => {
    const [contact] = (await found('anna kaiser', c.sessions.own)).contacts;
    expect(contact).toMatchObject({ id: own.contacts[0], label: 'Anna Kaiser' });
    expect(contact.detail ?? '').not.toContain('Institut');
    const [asAgency] = (await found('anna kaiser')).contacts;
    expect(asAgency.detail).toContain('Kaiser Institut');
  });

  it('agency roles find every record that is not deleted', async () => {
    for (const session of [admin, c.sessions.staff, c.sessions.viewer]) {
      const ids = idsOf(await found('kaiser', session));
      expect(ids).toEqual(
        expect.arrayContaining([
          ...GROUPS.flatMap((g) => own[g]),
          ...GROUPS.flatMap((g) => foreign[g]),
          ...nobodys.filter((id) => id !== nobodys[3] && id !== nobodys[4]),
        ]),
      );
      expect(ids).not.toContain(nobodys[3]); // the deleted lead
      expect(ids).not.toContain(nobodys[4]); // the deleted contact
    }
  });

  it('describes each hit', async () => {
    const results = await found('kaiser rasiermesser');
    expect(results.leads).toEqual([
      {
        id: own.leads[0],
        label: 'Kaiser Rasiermesser für Peking',
        detail: 'Kaiser Own Messer GmbH · qualified',
      },
    ]);
    const companies = (await found('kaiser own')).companies;
    expect(companies).toEqual([
      { id: c.ownCompany.id, label: 'Kaiser Own Messer GmbH', detail: 'Solingen · DE' },
    ]);
  });
});

describe('search: finding people the way staff remember them', () => {
  let wangFang: { id: string };
  let zhangWei: { id: string };
  let mueller: { id: string };
  let park: { id: string };
  let company: { id: string };
  let lead: { id: string };

  beforeAll(async () => {
    park = await make.row.partner({
      name: 'Zhongguancun Science Park',
      nativeName: '中关村科技园',
      kind: 'technology_park',
    });
    wangFang = await make.row.contact({
      familyName: 'Wang',
      givenName: 'Fang',
      nativeName: '王芳',
      email: 'wang.fang@zgc-park.example.cn',
      position: 'Direktorin',
      partnerId: park.id,
    });
    // Only Chinese script: found by pinyin or not at all.
    zhangWei = await make.row.contact({ familyName: '张伟' });
    mueller = await make.row.contact({ familyName: 'Müller-Lüdenscheidt', givenName: 'Jürgen' });
    company = (await make.row.company({ name: 'Bäckerei Öztürk', industry: 'Lebensmittel' })) as {
      id: string;
    };
    lead = await make.row.lead({ companyId: company.id, title: 'Exportförderung für Peking' });
  });

  it.each([
    'wang fang',
    'wangfang',
    '王芳',
    'WANG',
    'Fang Wang',
    'zgc-park',
    'wang.fang@zgc-park.example.cn',
  ])('finds 王芳 by %j', async (q) => {
    expect((await found(q)).contacts.map((h) => h.id)).toContain(wangFang.id);
  });

  it.each(['zhang wei', 'zhangwei', '张伟', 'zhang'])('finds 张伟 by the pinyin %j', async (q) => {
    expect((await found(q)).contacts.map((h) => h.id)).toContain(zhangWei.id);
  });

  it('labels a Chinese-named contact with both scripts and its organisation', async () => {
    const hit = (await found('wangfang')).contacts.find((h) => h.id === wangFang.id);
    expect(hit).toEqual({
      id: wangFang.id,
      label: 'Fang Wang (王芳)',
      detail: 'Direktorin · Zhongguancun Science Park · CN',
    });
  });

  it.each(['muller', 'MÜLLER', 'jurgen', 'ludenscheidt', 'mü', 'm', 'jürgen müll'])(
    'finds Müller-Lüdenscheidt by %j',
    async (q) => {
      expect((await found(q)).contacts.map((h) => h.id)).toContain(mueller.id);
    },
  );

  it('finds partners by name, native name and pinyin, and contacts by their organisation', async () => {
    for (const q of ['zhongguancun', '中关村', 'zh', 'science park', 'kejiyuan', 'ke ji yuan']) {
      expect({ q, ids: (await found(q)).partners.map((h) => h.id) }).toEqual({
        q,
        ids: expect.arrayContaining([park.id]),
      });
    }
    expect((await found('zhongguancun')).contacts.map((h) => h.id)).toContain(wangFang.id);
    expect((await found('zhongguancun')).partners[0]).toEqual({
      id: park.id,
      label: 'Zhongguancun Science Park',
      detail: '中关村科技园 · technology park · Beijing · CN',
    });
  });

  it('finds companies and leads without accents', async () => {
    expect((await found('backerei ozturk')).companies.map((h) => h.id)).toEqual([company.id]);
    expect((await found('exportforderung')).leads.map((h) => h.id)).toEqual([lead.id]);
    expect((await found('fur pek')).leads.map((h) => h.id)).toContain(lead.id);
    expect((await found('für peking')).leads.map((h) => h.id)).toContain(lead.id);
  });

  it('ranks the closest match first', async () => {
    // The best match has the highest id, so an order by id alone would put it last.
    const exact = await make.row.company({
      id: 'ffffffff-ffff-4fff-8fff-ffffffffffff',
      name: 'Klingenmeister',
    });
    const longer = await make.row.company({
      id: '00000000-0000-4000-8000-00000000000a',
      name: 'Solinger Klingenmeister Werkzeugbau und Handel',
    });
    const first = (await found('klingenmeister')).companies.map((h) => h.id);
    expect(first).toEqual([exact.id, longer.id]);
  });

  it('honours limit per group', async () => {
    for (let i = 0; i < 4; i++) await make.row.contact({ familyName: `Limitmann ${i}` });
    const res = await search('limitmann', admin, '&limit=3');
    expect(res.status).toBe(200);
    expect(res.body.contacts).toHaveLength(3);
    expect((await found('limitmann')).contacts).toHaveLength(4);
  });
});

describe('search: no term can make it fail', () => {
  beforeAll(async () => {
    await make.row.company({ name: '100% Edelstahl GmbH' });
    await make.row.lead({ companyId: c.ownCompany.id, title: 'Angebot 100% Edelstahl' });
  });

  it.each(['%', '_', '%%', '%_%', '\\', '  ', '-- ;'])(
    'treats %j as literal text: it matches nothing rather than everything',
    async (q) => {
      const res = await search(q);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ contacts: [], companies: [], partners: [], leads: [] });
    },
  );

  it('finds a literal 100% by its digits', async () => {
    const results = await found('100%');
    expect(results.companies.map((h) => h.label)).toEqual(['100% Edelstahl GmbH']);
    expect(results.leads.map((h) => h.label)).toEqual(['Angebot 100% Edelstahl']);
  });

  it.each([
    "' OR 1=1 --",
    "'; DROP TABLE contacts; --",
    "kaiser%' UNION SELECT id, email, password_hash FROM users --",
    ':search0 :term :limit',
    '$1 $2',
    'a'.repeat(200),
    Array.from({ length: 60 }, (_, i) => `w${i}`)
      .join(' ')
      .slice(0, 200),
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀',
    'null',
  ])('answers %j with 200', async (q) => {
    const res = await search(q);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual([...GROUPS].sort());
  });

  it.each([
    ['x'.repeat(5000), 'q'],
    ['x'.repeat(201), 'q'],
    ['', 'q'],
  ])('refuses q #%# with 400', async (q, field) => {
    const res = await search(q);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it.each([
    ['', 'q'],
    ['q=a&q=b', 'q'],
    ['q=kaiser&limit=0', 'limit'],
    ['q=kaiser&limit=51', 'limit'],
    ['q=kaiser&limit=ten', 'limit'],
    ['q=kaiser&scope=all', 'scope'],
  ])('refuses the query %j with 400 naming %s', async (query, field) => {
    const res = await app.http.get(`/api/v1/search?${query}`).set(admin.auth);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers every role, and nobody without a token', async () => {
    const statuses: Record<string, number> = {};
    for (const role of ROLE_NAMES)
      statuses[role] = (await search('kaiser', c.sessions[role])).status;
    expect(
      statusReport({ admin: 200, staff: 200, viewer: 200, own: 200, foreign: 200 }, statuses),
    ).toEqual([]);
    expect((await app.http.get('/api/v1/search?q=kaiser')).status).toBe(401);
  });
});

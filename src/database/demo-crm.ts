import { EntityManager } from 'typeorm';
import { searchColumns } from '../common/search';
import { contactSearchParts } from '../contacts/contact-search';

/**
 * The CRM side of the demo: the two partner institutions of the article, the (fictional) people
 * met there and at the Solingen firms, what was said, what must happen next, and the leads for
 * DOVO and Zwilling. Everyone here is invented; real people appear only by function, in trips.
 */
export interface DemoIds {
  companies: { zwilling: string; dovo: string; sparkasse: string; stadtwerke: string };
  users: { admin: string; staff: string; viewer: string; dovo: string; zwilling: string };
}

export interface DemoPartners {
  techPark: string;
  campus3d: string;
}

async function insert(
  em: EntityManager,
  table: string,
  row: Record<string, unknown>,
): Promise<string> {
  const columns = Object.keys(row);
  const [result] = (await em.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(row),
  )) as { id: string }[];
  return result.id;
}

export async function seedDemoPartners(em: EntityManager): Promise<DemoPartners> {
  const partner = (row: {
    name: string;
    native_name: string;
    kind: string;
    city: string;
    address: string;
    description: string;
  }) => {
    const { searchKey, searchPrefixes } = searchColumns([row.name, row.native_name]);
    return insert(em, 'partners', {
      ...row,
      country: 'CN',
      search_key: searchKey,
      search_prefixes: searchPrefixes,
    });
  };
  return {
    techPark: await partner({
      name: 'Technologiepark Peking',
      native_name: '北京科技园',
      kind: 'technology_park',
      city: 'Beijing',
      address: 'Haidian, Beijing',
      description:
        'Technologiepark in Peking; Kooperationsvereinbarung während der Delegationsreise 2019 unterzeichnet. Basis für Start-ups und Unternehmen aus Solingen.',
    }),
    campus3d: await partner({
      name: '3D-Campus Shanghai',
      native_name: '上海三维打印园区',
      kind: 'campus',
      city: 'Shanghai',
      address: 'Jiading, Shanghai',
      description:
        '3D-Campus in Shanghai; Kooperationsvereinbarung während der Delegationsreise 2019 unterzeichnet.',
    }),
  };
}

interface DemoContact {
  familyName: string;
  givenName: string;
  nativeName?: string;
  salutation?: string;
  position: string;
  company?: keyof DemoIds['companies'];
  partner?: keyof DemoPartners;
  email?: string;
  wechatId?: string;
  languages: string[];
  country: string;
  city: string;
  tags: string[];
}

const CONTACTS: Record<string, DemoContact> = {
  wangFang: {
    familyName: 'Wang',
    givenName: 'Fang',
    nativeName: '王芳',
    salutation: 'Frau',
    position: 'Leiterin Internationale Kooperation',
    partner: 'techPark',
    email: 'wang.fang@techpark-peking.example.cn',
    wechatId: 'wangfang_demo',
    languages: ['zh-CN', 'en'],
    country: 'CN',
    city: 'Beijing',
    tags: ['china-2019', 'start-ups'],
  },
  liWei: {
    familyName: 'Li',
    givenName: 'Wei',
    nativeName: '李伟',
    salutation: 'Herr',
    position: 'Direktor',
    partner: 'campus3d',
    email: 'li.wei@3d-campus.example.cn',
    languages: ['zh-CN', 'en'],
    country: 'CN',
    city: 'Shanghai',
    tags: ['china-2019', '3d-druck'],
  },
  zhangMin: {
    familyName: 'Zhang',
    givenName: 'Min',
    nativeName: '张敏',
    salutation: 'Frau',
    position: 'Projektmanagerin Industriekooperation',
    partner: 'campus3d',
    email: 'zhang.min@3d-campus.example.cn',
    languages: ['zh-CN', 'de'],
    country: 'CN',
    city: 'Shanghai',
    tags: ['china-2019'],
  },
  liuYang: {
    familyName: 'Liu',
    givenName: 'Yang',
    nativeName: '刘洋',
    salutation: 'Herr',
    position: 'Leiter der Niederlassung Shanghai',
    company: 'zwilling',
    email: 'liu.yang@zwilling-demo.example.cn',
    languages: ['zh-CN', 'de', 'en'],
    country: 'CN',
    city: 'Shanghai',
    tags: ['china-2019', 'niederlassung'],
  },
  muellerJuergen: {
    familyName: 'Müller',
    givenName: 'Jürgen',
    salutation: 'Herr',
    position: 'Exportleiter Asien',
    company: 'zwilling',
    email: 'j.mueller@zwilling-demo.example.de',
    languages: ['de', 'en'],
    country: 'DE',
    city: 'Solingen',
    tags: ['export'],
  },
  koehlerSabine: {
    familyName: 'Köhler',
    givenName: 'Sabine',
    salutation: 'Frau',
    position: 'Vertrieb International',
    company: 'dovo',
    email: 's.koehler@dovo-demo.example.de',
    languages: ['de', 'en', 'fr'],
    country: 'DE',
    city: 'Solingen',
    tags: ['export'],
  },
  weissThomas: {
    familyName: 'Weiß',
    givenName: 'Thomas',
    salutation: 'Herr',
    position: 'Bereichsleiter Energiedienstleistungen',
    company: 'stadtwerke',
    email: 't.weiss@stadtwerke-demo.example.de',
    languages: ['de', 'en'],
    country: 'DE',
    city: 'Solingen',
    tags: ['israel-2017', 'china-2019'],
  },
};

const COMPANY_NAMES: Record<keyof DemoIds['companies'], string[]> = {
  zwilling: ['Zwilling', 'ZWILLING J.A. Henckels AG'],
  dovo: ['DOVO Stahlwaren', 'DOVO Stahlwaren Bracht GmbH & Co. KG'],
  sparkasse: ['Stadt-Sparkasse Solingen'],
  stadtwerke: ['Stadtwerke Solingen', 'Stadtwerke Solingen GmbH'],
};
const PARTNER_NAMES: Record<keyof DemoPartners, string[]> = {
  techPark: ['Technologiepark Peking', '北京科技园'],
  campus3d: ['3D-Campus Shanghai', '上海三维打印园区'],
};

/** The trip records the CRM demo points at, when the trip demo has been seeded before it. */
async function chinaTrip(em: EntityManager): Promise<{
  tripId: string | null;
  appointment: (kind: string, city?: string) => Promise<string | null>;
}> {
  const [trip] = (await em.query(
    `SELECT id FROM trips WHERE starts_on = '2019-10-20' ORDER BY created_at LIMIT 1`,
  )) as { id: string }[];
  return {
    tripId: trip?.id ?? null,
    appointment: async (kind, city) => {
      if (!trip) return null;
      const [row] = (await em.query(
        `SELECT id FROM appointments WHERE trip_id = $1 AND kind = $2 AND ($3::text IS NULL OR city = $3) ORDER BY starts_at LIMIT 1`,
        [trip.id, kind, city ?? null],
      )) as { id: string }[];
      return row?.id ?? null;
    },
  };
}

export async function seedDemoCrm(
  em: EntityManager,
  ids: DemoIds,
  partners: DemoPartners,
): Promise<void> {
  const staff = ids.users.staff;
  const contact: Record<string, string> = {};
  for (const [key, c] of Object.entries(CONTACTS)) {
    const organisation = c.company
      ? COMPANY_NAMES[c.company]
      : c.partner
        ? PARTNER_NAMES[c.partner]
        : [];
    const { searchKey, searchPrefixes } = searchColumns(contactSearchParts({ ...c, organisation }));
    contact[key] = await insert(em, 'contacts', {
      family_name: c.familyName,
      given_name: c.givenName,
      native_name: c.nativeName ?? null,
      salutation: c.salutation ?? null,
      position: c.position,
      company_id: c.company ? ids.companies[c.company] : null,
      partner_id: c.partner ? partners[c.partner] : null,
      email: c.email ?? null,
      wechat_id: c.wechatId ?? null,
      languages: c.languages,
      country: c.country,
      city: c.city,
      tags: c.tags,
      notes: 'Fiktive Demo-Person.',
      owner_id: staff,
      legal_basis: 'public_task',
      legal_basis_recorded_at: '2019-10-21T10:00:00+08:00',
      legal_basis_source:
        'Kennengelernt während der Delegationsreise (Aufgabe der Wirtschaftsförderung)',
      search_key: searchKey,
      search_prefixes: searchPrefixes,
    });
  }

  const trip = await chinaTrip(em);
  const lead = async (row: Record<string, unknown>) =>
    insert(em, 'leads', { owner_id: staff, trip_id: trip.tripId, ...row });
  const dovoLead = await lead({
    company_id: ids.companies.dovo,
    title: 'Rasiermesser für das Händlernetz des 3D-Campus',
    description:
      'Herr Li stellte Kontakte zu Fachhändlern in Shanghai in Aussicht; DOVO möchte ohne Messe in den chinesischen Markt.',
    stage: 'new',
    value_eur: 45000,
    expected_close_on: '2020-06-30',
    contact_id: contact.liWei,
    partner_id: partners.campus3d,
    // written down the evening after the signing at the 3D campus, not on the day of the seed
    created_at: '2019-10-24T18:00:00+08:00',
    updated_at: '2019-10-24T18:00:00+08:00',
  });
  const zwillingLead = await lead({
    company_id: ids.companies.zwilling,
    title: 'Showroom im Technologiepark Peking',
    description:
      'Zwilling prüft eine Ausstellungsfläche im Technologiepark als Anlaufstelle für Geschäftskunden in Peking.',
    stage: 'qualified',
    value_eur: 120000,
    expected_close_on: '2020-03-31',
    contact_id: contact.wangFang,
    partner_id: partners.techPark,
    created_at: '2019-10-21T15:00:00+08:00',
    updated_at: '2019-11-12T10:00:00+01:00',
  });
  // Qualified once the floor plan had arrived: the change the contact's timeline shows.
  await em.query(
    `INSERT INTO audit_events (at, actor_id, action, entity, entity_id, changes)
     VALUES ($1, $2, 'update', 'lead', $3, $4)`,
    [
      '2019-11-12T10:00:00+01:00',
      staff,
      zwillingLead,
      JSON.stringify({ stage: { before: 'contacted', after: 'qualified' } }),
    ],
  );
  await lead({
    company_id: ids.companies.zwilling,
    title: 'Fortbildung für Vertriebsteam der Niederlassung Shanghai',
    stage: 'contacted',
    value_eur: 18000,
    contact_id: contact.liuYang,
    created_at: '2019-10-23T18:00:00+08:00',
    updated_at: '2019-10-23T18:00:00+08:00',
  });

  const note = (leadId: string, authorId: string, body: string, at: string) =>
    insert(em, 'lead_notes', { lead_id: leadId, author_id: authorId, body, created_at: at });
  await note(
    dovoLead,
    staff,
    'Herr Li erwartet Musterstücke und eine Preisliste in Englisch.',
    '2019-10-25T09:00:00+02:00',
  );
  await note(
    dovoLead,
    ids.users.dovo,
    'Muster sind vorbereitet; Preisliste folgt bis Ende November.',
    '2019-11-04T14:30:00+01:00',
  );
  await note(
    zwillingLead,
    staff,
    'Frau Wang schickt einen Grundriss der verfügbaren Flächen.',
    '2019-10-28T10:00:00+01:00',
  );

  const interaction = async (
    row: Record<string, unknown>,
    links: { contacts?: string[]; companies?: string[]; partners?: string[] },
  ): Promise<string> => {
    const id = await insert(em, 'interactions', { author_id: staff, ...row });
    for (const contactId of links.contacts ?? [])
      await em.query('INSERT INTO interaction_contacts VALUES ($1, $2)', [id, contactId]);
    for (const companyId of links.companies ?? [])
      await em.query('INSERT INTO interaction_companies VALUES ($1, $2)', [id, companyId]);
    for (const partnerId of links.partners ?? [])
      await em.query('INSERT INTO interaction_partners VALUES ($1, $2)', [id, partnerId]);
    return id;
  };
  const parkMeeting = await interaction(
    {
      occurred_at: '2019-10-21T10:00:00+08:00',
      kind: 'meeting',
      subject: 'Gespräch zur Kooperation mit dem Technologiepark',
      summary:
        'Frau Wang bietet Büroflächen auf Zeit für Solinger Start-ups an; Interesse an Austauschprogramm.',
      location: 'Technologiepark Peking',
      trip_id: trip.tripId,
      appointment_id: await trip.appointment('signing', 'Beijing'),
    },
    {
      contacts: [contact.wangFang],
      partners: [partners.techPark],
      companies: [ids.companies.zwilling],
    },
  );
  await interaction(
    {
      occurred_at: '2019-10-21T19:00:00+08:00',
      kind: 'reception',
      subject: 'Staatsempfang: Eindrücke',
      summary:
        'Vertraulich: Gesprächspartner signalisierten Interesse an einer Städtefreundschaft, nicht an einer Partnerschaft.',
      location: 'Beijing',
      trip_id: trip.tripId,
      appointment_id: await trip.appointment('state_reception'),
      confidential: true,
    },
    {},
  );
  await interaction(
    {
      occurred_at: '2019-10-23T14:00:00+08:00',
      kind: 'visit',
      subject: 'Besuch der Zwilling-Niederlassung Shanghai',
      summary: 'Herr Liu zeigt Showroom und Lager; Fortbildungsbedarf im Vertrieb.',
      location: 'Shanghai',
      trip_id: trip.tripId,
      appointment_id: await trip.appointment('company_visit', 'Shanghai'),
    },
    { contacts: [contact.liuYang], companies: [ids.companies.zwilling] },
  );
  const campusSigning = await interaction(
    {
      occurred_at: '2019-10-24T10:30:00+08:00',
      kind: 'meeting',
      subject: 'Unterzeichnung und Rundgang 3D-Campus',
      summary:
        'Herr Li und Frau Zhang: Interesse an Solinger Schneidwaren für ihr Händlernetz; DOVO-Muster erbeten.',
      location: '3D-Campus Shanghai',
      trip_id: trip.tripId,
      appointment_id: await trip.appointment('signing', 'Shanghai'),
    },
    {
      contacts: [contact.liWei, contact.zhangMin],
      partners: [partners.campus3d],
      companies: [ids.companies.dovo],
    },
  );
  await interaction(
    {
      occurred_at: '2019-11-12T09:15:00+01:00',
      kind: 'email',
      subject: 'Nachfassen Technologiepark: Grundriss erhalten',
      summary: 'Grundriss und Konditionen für die Ausstellungsfläche liegen vor.',
    },
    { contacts: [contact.wangFang], partners: [partners.techPark] },
  );

  const followUp = (row: Record<string, unknown>) =>
    insert(em, 'follow_ups', { created_by: staff, trip_id: trip.tripId, ...row });
  await followUp({
    title: 'Musterstücke und englische Preisliste an Herrn Li senden',
    due_on: '2019-11-30',
    priority: 'high',
    company_id: ids.companies.dovo,
    contact_id: contact.liWei,
    lead_id: dovoLead,
    interaction_id: campusSigning,
  });
  await followUp({
    title: 'Videokonferenz mit Frau Wang zum Start-up-Austausch vereinbaren',
    due_on: '2019-11-15',
    priority: 'normal',
    assignee_id: staff,
    contact_id: contact.wangFang,
    partner_id: partners.techPark,
    interaction_id: parkMeeting,
  });
  await followUp({
    title: 'Grundriss Technologiepark mit Zwilling besprechen',
    due_on: '2019-11-20',
    status: 'done',
    completed_at: '2019-11-19T16:00:00+01:00',
    assignee_id: staff,
    lead_id: zwillingLead,
    company_id: null,
  });
  await followUp({
    title: 'Angebot Vertriebsfortbildung an Zwilling Shanghai',
    due_on: '2019-12-06',
    company_id: ids.companies.zwilling,
    contact_id: contact.liuYang,
  });
  // One that lies ahead, whenever the demo is seeded.
  const inTwoWeeks = new Date(Date.now() + 14 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await followUp({
    title: 'Quartalsgespräch mit dem Technologiepark Peking',
    due_on: inTwoWeeks,
    assignee_id: staff,
    partner_id: partners.techPark,
    contact_id: contact.wangFang,
    trip_id: null,
  });
  await followUp({
    title: 'Bericht zur Chinareise für den Wirtschaftsausschuss',
    notes: 'Ergebnisse, Kontakte und nächste Schritte; Kosten der drei städtischen Teilnehmer.',
    due_on: '2019-11-29',
    priority: 'high',
    assignee_id: staff,
  });
}

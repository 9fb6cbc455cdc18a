import type { EntityManager } from 'typeorm';
import { contactSearchParts } from '../contacts/contact-search';
import { contactMatchColumns } from '../contacts/match-keys';
import { newContactNames } from '../contacts/names';
import { insert, insertEach, insertLinks, searchable } from './insert';
import {
  COMPANY_COUNTRY,
  DEMO_COMPANIES,
  DEMO_PARTNERS,
  DemoCompanyKey,
  DemoOrganisations,
  DemoPartnerKey,
  PARTNER_COUNTRY,
} from './organisations';
import type { DemoTrips } from './trips';

/**
 * The CRM side of the demo: the (fictional) people met at the partner institutions and the
 * Solingen firms, what was said, what must happen next, and the leads for DOVO and Zwilling.
 * Everyone here is invented; real people appear only by function, in trips.
 */

/**
 * A person of the demo. A name in Chinese script gives the family and given name in pinyin, as
 * for a contact entered in the app; the person is where the organisation is, unless `place` says.
 */
interface DemoContact {
  nativeName?: string;
  familyName?: string;
  givenName?: string;
  salutation: string;
  position: string;
  company?: DemoCompanyKey;
  partner?: DemoPartnerKey;
  place?: { country: string; city: string };
  email: string;
  wechatId?: string;
  languages: string[];
  tags: string[];
}

const CONTACTS: Record<string, DemoContact> = {
  wangFang: {
    nativeName: '王芳',
    salutation: 'Frau',
    position: 'Leiterin Internationale Kooperation',
    partner: 'techPark',
    email: 'wang.fang@techpark-peking.example.cn',
    wechatId: 'wangfang_demo',
    languages: ['zh-CN', 'en'],
    tags: ['china-2019', 'start-ups'],
  },
  liWei: {
    nativeName: '李伟',
    salutation: 'Herr',
    position: 'Direktor',
    partner: 'campus3d',
    email: 'li.wei@3d-campus.example.cn',
    languages: ['zh-CN', 'en'],
    tags: ['china-2019', '3d-druck'],
  },
  zhangMin: {
    nativeName: '张敏',
    salutation: 'Frau',
    position: 'Projektmanagerin Industriekooperation',
    partner: 'campus3d',
    email: 'zhang.min@3d-campus.example.cn',
    languages: ['zh-CN', 'de'],
    tags: ['china-2019'],
  },
  liuYang: {
    nativeName: '刘洋',
    salutation: 'Herr',
    position: 'Leiter der Niederlassung Shanghai',
    company: 'zwilling',
    place: { country: 'CN', city: 'Shanghai' },
    email: 'liu.yang@zwilling-demo.example.cn',
    languages: ['zh-CN', 'de', 'en'],
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
    tags: ['israel-2017', 'china-2019'],
  },
};

/** Where a contact works: the organisation's id, its names (in the search key) and its place. */
function organisationOf(c: DemoContact, orgs: DemoOrganisations) {
  if (c.company) {
    const company = DEMO_COMPANIES[c.company];
    return {
      companyId: orgs.companies[c.company],
      partnerId: null,
      names: [company.name, company.legalName],
      place: { country: COMPANY_COUNTRY, city: company.city },
    };
  }
  const partner = DEMO_PARTNERS[c.partner!];
  return {
    companyId: null,
    partnerId: orgs.partners[c.partner!],
    names: [partner.name, partner.nativeName],
    place: { country: PARTNER_COUNTRY, city: partner.city },
  };
}

export async function seedDemoCrm(
  em: EntityManager,
  orgs: DemoOrganisations,
  trips: DemoTrips,
): Promise<void> {
  const staff = orgs.users.staff;
  const contact = await insertEach(em, 'contacts', CONTACTS, (c) => {
    const organisation = organisationOf(c, orgs);
    const place = c.place ?? organisation.place;
    const { familyName, givenName } = newContactNames(c)!;
    const row = {
      family_name: familyName,
      given_name: givenName,
      native_name: c.nativeName ?? null,
      salutation: c.salutation,
      position: c.position,
      company_id: organisation.companyId,
      partner_id: organisation.partnerId,
      email: c.email,
      wechat_id: c.wechatId ?? null,
      languages: c.languages,
      country: place.country,
      city: place.city,
      tags: c.tags,
      notes: 'Fiktive Demo-Person.',
      owner_id: staff,
      legal_basis: 'public_task',
      legal_basis_recorded_at: '2019-10-21T10:00:00+08:00',
      legal_basis_source:
        'Kennengelernt während der Delegationsreise (Aufgabe der Wirtschaftsförderung)',
    };
    const { nativeName, email } = c;
    const keys = contactMatchColumns({ familyName, givenName, nativeName, country: place.country });
    return searchable(
      { ...row, name_key: keys.nameKey, phone_key: keys.phoneKey },
      contactSearchParts({
        familyName,
        givenName,
        nativeName,
        email,
        organisation: organisation.names,
      }),
    );
  });

  const china = trips.china;
  const lead = async (row: Record<string, unknown>) =>
    insert(em, 'leads', { owner_id: staff, trip_id: china.id, ...row });
  const dovoLead = await lead({
    company_id: orgs.companies.dovo,
    title: 'Rasiermesser für das Händlernetz des 3D-Campus',
    description:
      'Herr Li stellte Kontakte zu Fachhändlern in Shanghai in Aussicht; DOVO möchte ohne Messe in den chinesischen Markt.',
    stage: 'new',
    value_eur: 45000,
    expected_close_on: '2020-06-30',
    contact_id: contact.liWei,
    partner_id: orgs.partners.campus3d,
    // written down the evening after the signing at the 3D campus, not on the day of the seed
    created_at: '2019-10-24T18:00:00+08:00',
    updated_at: '2019-10-24T18:00:00+08:00',
  });
  const zwillingLead = await lead({
    company_id: orgs.companies.zwilling,
    title: 'Showroom im Technologiepark Peking',
    description:
      'Zwilling prüft eine Ausstellungsfläche im Technologiepark als Anlaufstelle für Geschäftskunden in Peking.',
    stage: 'qualified',
    value_eur: 120000,
    expected_close_on: '2020-03-31',
    contact_id: contact.wangFang,
    partner_id: orgs.partners.techPark,
    created_at: '2019-10-21T15:00:00+08:00',
    updated_at: '2019-11-12T10:00:00+01:00',
  });
  // Qualified once the floor plan had arrived: the change the contact's timeline shows.
  await insert(em, 'audit_events', {
    at: '2019-11-12T10:00:00+01:00',
    actor_id: staff,
    action: 'update',
    entity: 'lead',
    entity_id: zwillingLead,
    changes: JSON.stringify({ stage: { before: 'contacted', after: 'qualified' } }),
  });
  await lead({
    company_id: orgs.companies.zwilling,
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
    orgs.users.dovo,
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
    const link = (table: string, column: string, ids: string[] = []) =>
      insertLinks(
        em,
        table,
        ids.map((other) => ({ interaction_id: id, [column]: other })),
      );
    await link('interaction_contacts', 'contact_id', links.contacts);
    await link('interaction_companies', 'company_id', links.companies);
    await link('interaction_partners', 'partner_id', links.partners);
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
      trip_id: china.id,
    },
    {
      contacts: [contact.wangFang],
      partners: [orgs.partners.techPark],
      companies: [orgs.companies.zwilling],
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
      trip_id: china.id,
      appointment_id: china.appointments.reception,
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
      trip_id: china.id,
      appointment_id: china.appointments.zwillingVisit,
    },
    { contacts: [contact.liuYang], companies: [orgs.companies.zwilling] },
  );
  const campusSigning = await interaction(
    {
      occurred_at: '2019-10-24T10:30:00+08:00',
      kind: 'meeting',
      subject: 'Unterzeichnung und Rundgang 3D-Campus',
      summary:
        'Herr Li und Frau Zhang: Interesse an Solinger Schneidwaren für ihr Händlernetz; DOVO-Muster erbeten.',
      location: '3D-Campus Shanghai',
      trip_id: china.id,
      appointment_id: china.appointments.campusSigning,
    },
    {
      contacts: [contact.liWei, contact.zhangMin],
      partners: [orgs.partners.campus3d],
      companies: [orgs.companies.dovo],
    },
  );
  await interaction(
    {
      occurred_at: '2019-11-12T09:15:00+01:00',
      kind: 'email',
      subject: 'Nachfassen Technologiepark: Grundriss erhalten',
      summary: 'Grundriss und Konditionen für die Ausstellungsfläche liegen vor.',
    },
    { contacts: [contact.wangFang], partners: [orgs.partners.techPark] },
  );

  const followUp = (row: Record<string, unknown>) =>
    insert(em, 'follow_ups', { created_by: staff, trip_id: china.id, ...row });
  await followUp({
    title: 'Musterstücke und englische Preisliste an Herrn Li senden',
    due_on: '2019-11-30',
    priority: 'high',
    company_id: orgs.companies.dovo,
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
    partner_id: orgs.partners.techPark,
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
    company_id: orgs.companies.zwilling,
    contact_id: contact.liuYang,
  });
  // One that lies ahead, whenever the demo is seeded.
  const inTwoWeeks = new Date(Date.now() + 14 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await followUp({
    title: 'Quartalsgespräch mit dem Technologiepark Peking',
    due_on: inTwoWeeks,
    assignee_id: staff,
    partner_id: orgs.partners.techPark,
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

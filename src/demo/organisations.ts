import type { EntityManager } from 'typeorm';
import { normalizeEmail } from '../users/email';
import { insertEach, searchable } from './insert';
import { organisationMatchKeys } from '../common/organisation-keys';

/**
 * The organisations of the article: four Solingen firms that travelled with the delegation and
 * the two partner institutions abroad whose agreements were signed; and the demo's logins.
 */
export const DEMO_COMPANIES = {
  zwilling: {
    name: 'Zwilling',
    legalName: 'ZWILLING J.A. Henckels AG',
    industry: 'Schneidwaren und Küchenutensilien',
    city: 'Solingen',
    website: 'https://www.zwilling.com',
    description: 'Solinger Traditionsunternehmen mit Niederlassungen in China, darunter Shanghai.',
    branchCountries: ['CN', 'US', 'JP'],
  },
  dovo: {
    name: 'DOVO Stahlwaren',
    legalName: 'DOVO Stahlwaren Bracht GmbH & Co. KG',
    industry: 'Rasiermesser und Scheren',
    city: 'Solingen',
    website: 'https://www.dovo.com',
    description:
      'Hersteller von Rasiermessern und Scheren; sucht neue Kontakte in Asien jenseits von Messen.',
    branchCountries: [],
  },
  sparkasse: {
    name: 'Stadt-Sparkasse Solingen',
    legalName: 'Stadt-Sparkasse Solingen',
    industry: 'Finanzdienstleistungen',
    city: 'Solingen',
    website: null,
    description: 'Teilnehmer der Wirtschaftsreisen nach Israel (2017) und China.',
    branchCountries: [],
  },
  stadtwerke: {
    name: 'Stadtwerke Solingen',
    legalName: 'Stadtwerke Solingen GmbH',
    industry: 'Energie- und Wasserversorgung',
    city: 'Solingen',
    website: null,
    description:
      'Kommunaler Versorger; Teilnehmer der Wirtschaftsreisen nach Israel (2017) und China.',
    branchCountries: [],
  },
} as const;
/** Every demo company is at home in Germany. */
export const COMPANY_COUNTRY = 'DE';

export const DEMO_PARTNERS = {
  techPark: {
    name: 'Technologiepark Peking',
    nativeName: '北京科技园',
    kind: 'technology_park',
    city: 'Beijing',
    address: 'Haidian, Beijing',
    description:
      'Technologiepark in Peking; Kooperationsvereinbarung während der Delegationsreise 2019 unterzeichnet. Basis für Start-ups und Unternehmen aus Solingen.',
  },
  campus3d: {
    name: '3D-Campus Shanghai',
    nativeName: '上海三维打印园区',
    kind: 'campus',
    city: 'Shanghai',
    address: 'Jiading, Shanghai',
    description:
      '3D-Campus in Shanghai; Kooperationsvereinbarung während der Delegationsreise 2019 unterzeichnet.',
  },
} as const;
/** Both partner institutions are in China. */
export const PARTNER_COUNTRY = 'CN';

export type DemoCompanyKey = keyof typeof DEMO_COMPANIES;
export type DemoPartnerKey = keyof typeof DEMO_PARTNERS;

interface DemoUser {
  email: string;
  displayName: string;
  role: string;
  company?: DemoCompanyKey;
}

const DEMO_USERS = {
  admin: { email: 'admin@liaison.test', displayName: 'Demo Admin', role: 'admin' },
  staff: {
    email: 'staff@liaison.test',
    displayName: 'Anna Beispiel (Wirtschaftsförderung)',
    role: 'staff',
  },
  viewer: {
    email: 'viewer@liaison.test',
    displayName: 'Büro Oberbürgermeister (Lesezugriff)',
    role: 'viewer',
  },
  dovo: {
    email: 'dovo@liaison.test',
    displayName: 'Demo-Zugang DOVO',
    role: 'company',
    company: 'dovo',
  },
  zwilling: {
    email: 'zwilling@liaison.test',
    displayName: 'Demo-Zugang Zwilling',
    role: 'company',
    company: 'zwilling',
  },
} as const satisfies Record<string, DemoUser>;

export type DemoUserKey = keyof typeof DEMO_USERS;

export interface DemoOrganisations {
  companies: Record<DemoCompanyKey, string>;
  partners: Record<DemoPartnerKey, string>;
  users: Record<DemoUserKey, string>;
}

/** The companies, the partners and a login for each demo user (`admin@liaison.test` …). */
export async function seedDemoOrganisations(
  em: EntityManager,
  passwordHash: string,
): Promise<DemoOrganisations> {
  const companies = await insertEach(em, 'companies', DEMO_COMPANIES, (c) =>
    searchable(
      {
        name: c.name,
        legal_name: c.legalName,
        industry: c.industry,
        city: c.city,
        country: COMPANY_COUNTRY,
        website: c.website,
        description: c.description,
        branch_countries: c.branchCountries,
      },
      [c.name, c.legalName],
      organisationMatchKeys({ names: [c.name, c.legalName], website: c.website }),
    ),
  );
  const users = await insertEach(em, 'users', DEMO_USERS, (u: DemoUser) => ({
    email: normalizeEmail(u.email),
    display_name: u.displayName,
    role: u.role,
    company_id: u.company ? companies[u.company] : null,
    password_hash: passwordHash,
  }));
  const partners = await insertEach(em, 'partners', DEMO_PARTNERS, (p) =>
    searchable(
      {
        name: p.name,
        native_name: p.nativeName,
        kind: p.kind,
        city: p.city,
        address: p.address,
        description: p.description,
        country: PARTNER_COUNTRY,
      },
      [p.name, p.nativeName],
      organisationMatchKeys({ names: [p.name, p.nativeName] }),
    ),
  );
  return { companies, partners, users };
}

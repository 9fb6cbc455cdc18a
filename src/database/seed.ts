import type { INestApplication } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { hashPassword } from '../auth/passwords';
import { searchColumns } from '../common/search';
import { seedDemoTrips } from '../trips/demo-trips';
import { DemoIds, seedDemoCrm, seedDemoPartners } from './demo-crm';

export const DEMO_PASSWORD = 'liaison-demo';

/**
 * The demo tells the story of the Solingen agency's delegation trip to Beijing and Shanghai.
 * Real people of the article appear only by function; everyone else is plainly fictional.
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

export type DemoCompanyKey = keyof typeof DEMO_COMPANIES;

const DEMO_USERS = [
  { email: 'admin@liaison.test', displayName: 'Demo Admin', role: 'admin', company: null },
  {
    email: 'staff@liaison.test',
    displayName: 'Anna Beispiel (Wirtschaftsförderung)',
    role: 'staff',
    company: null,
  },
  {
    email: 'viewer@liaison.test',
    displayName: 'Büro Oberbürgermeister (Lesezugriff)',
    role: 'viewer',
    company: null,
  },
  { email: 'dovo@liaison.test', displayName: 'Demo-Zugang DOVO', role: 'company', company: 'dovo' },
  {
    email: 'zwilling@liaison.test',
    displayName: 'Demo-Zugang Zwilling',
    role: 'company',
    company: 'zwilling',
  },
] as const;

const searchValues = (parts: (string | null)[]): [string, string[]] => {
  const { searchKey, searchPrefixes } = searchColumns(parts);
  return [searchKey, searchPrefixes];
};

async function insertReturningId(
  em: EntityManager,
  sql: string,
  params: unknown[],
): Promise<string> {
  const [row] = (await em.query(sql, params)) as { id: string }[];
  return row.id;
}

/** Seeds the demo into an empty database (no users yet). Returns true if it seeded. */
export async function seedDemo(app: INestApplication): Promise<boolean> {
  const db = app.get(DataSource);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (em) => {
    // Serialises concurrent starts of several instances on one empty database.
    await em.query('LOCK TABLE users IN EXCLUSIVE MODE');
    const [{ count }] = (await em.query('SELECT count(*)::int AS count FROM users')) as {
      count: number;
    }[];
    if (count > 0) return false;

    const companyIds = {} as Record<DemoCompanyKey, string>;
    for (const [key, c] of Object.entries(DEMO_COMPANIES) as [
      DemoCompanyKey,
      (typeof DEMO_COMPANIES)[DemoCompanyKey],
    ][]) {
      companyIds[key] = await insertReturningId(
        em,
        `INSERT INTO companies (name, legal_name, industry, city, country, website, description, branch_countries, search_key, search_prefixes)
         VALUES ($1, $2, $3, $4, 'DE', $5, $6, $7, $8, $9) RETURNING id`,
        [
          c.name,
          c.legalName,
          c.industry,
          c.city,
          c.website,
          c.description,
          c.branchCountries,
          ...searchValues([c.name, c.legalName]),
        ],
      );
    }
    const userIds = {} as Record<string, string>;
    for (const u of DEMO_USERS) {
      userIds[u.email.split('@')[0]] = await insertReturningId(
        em,
        `INSERT INTO users (email, display_name, role, company_id, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [u.email, u.displayName, u.role, u.company ? companyIds[u.company] : null, passwordHash],
      );
    }
    const ids: DemoIds = { companies: companyIds, users: userIds as DemoIds['users'] };
    const partners = await seedDemoPartners(em);
    await seedDemoTrips(em, { companies: companyIds, partners });
    await seedDemoCrm(em, ids, partners);
    return true;
  });
}

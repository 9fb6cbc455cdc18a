import type { Client } from 'pg';
import { hashPassword } from '../src/auth/passwords';
import { normalize, pinyinForms, searchColumns } from '../src/common/search';
import { contactSearchParts } from '../src/contacts/contact-search';
import { utcOffsetSeconds } from '../src/trips/time';
import { arrayLiteral, Loader, Pipeline, Table } from './load';
import * as names from './names';
import { Random, rowFraction, rowId } from './random';

/** How many of each record the generated agency has. */
export interface Sizes {
  companies: number;
  partners: number;
  contacts: number;
  interactions: number;
  followUps: number;
  leads: number;
  trips: number;
  /** Agency staff accounts besides the demo logins. */
  staff: number;
  /** Company accounts, one each for the companies with the most leads. */
  companyUsers: number;
}

/** Issue 7's agency at full stretch. */
export const FULL_SIZES: Sizes = {
  companies: 5_000,
  partners: 2_000,
  contacts: 200_000,
  interactions: 1_000_000,
  followUps: 100_000,
  leads: 50_000,
  trips: 200,
  staff: 50,
  companyUsers: 200,
};

export function sizesFor(scale: number, contacts?: number): Sizes {
  const at = (n: number, min: number) => Math.max(min, Math.round(n * scale));
  return {
    companies: at(FULL_SIZES.companies, 20),
    partners: at(FULL_SIZES.partners, 10),
    contacts: contacts ?? at(FULL_SIZES.contacts, 100),
    interactions: at(FULL_SIZES.interactions, 100),
    followUps: at(FULL_SIZES.followUps, 50),
    leads: at(FULL_SIZES.leads, 50),
    trips: at(FULL_SIZES.trips, 3),
    staff: at(FULL_SIZES.staff, 3),
    companyUsers: Math.min(at(FULL_SIZES.companyUsers, 3), at(FULL_SIZES.companies, 20)),
  };
}

export const BENCH_PASSWORD = 'liaison-demo';
export const LOGINS = {
  admin: 'admin@liaison.test',
  staff: 'staff@liaison.test',
  viewer: 'viewer@liaison.test',
  /** The account of the company with the most leads. */
  company: 'company@liaison.test',
} as const;

/** The dataset's "today": generated history ends here, whatever day the bench runs. */
const NOW = Date.UTC(2026, 10, 1, 12);
const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);
const capitalise = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);
const ascii = (s: string) => normalize(s).replace(/[^a-z0-9]+/g, '');
const fill = (pattern: string, values: Record<string, string>) =>
  pattern.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');

const T = {
  companies: new Table('companies', [
    ['id', 'uuid'],
    ['name', 'text'],
    ['legal_name', 'text'],
    ['industry', 'text'],
    ['city', 'text'],
    ['country', 'text'],
    ['website', 'text'],
    ['description', 'text'],
    ['branch_countries', 'char2[]'],
    ['search_key', 'text'],
    ['search_prefixes', 'text[]'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ]),
  users: new Table('users', [
    ['id', 'uuid'],
    ['email', 'text'],
    ['display_name', 'text'],
    ['role', 'text'],
    ['company_id', 'uuid'],
    ['password_hash', 'text'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ]),
  partners: new Table('partners', [
    ['id', 'uuid'],
    ['name', 'text'],
    ['native_name', 'text'],
    ['kind', 'text'],
    ['country', 'text'],
    ['city', 'text'],
    ['website', 'text'],
    ['search_key', 'text'],
    ['search_prefixes', 'text[]'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ]),
  contacts: new Table('contacts', [
    ['id', 'uuid'],
    ['family_name', 'text'],
    ['given_name', 'text'],
    ['native_name', 'text'],
    ['salutation', 'text'],
    ['position', 'text'],
    ['company_id', 'uuid'],
    ['partner_id', 'uuid'],
    ['email', 'text'],
    ['phone', 'text'],
    ['wechat_id', 'text'],
    ['languages', 'text[]'],
    ['country', 'text'],
    ['city', 'text'],
    ['notes', 'text'],
    ['tags', 'text[]'],
    ['owner_id', 'uuid'],
    ['legal_basis', 'text'],
    ['legal_basis_recorded_at', 'timestamptz'],
    ['legal_basis_source', 'text'],
    ['search_key', 'text'],
    ['search_prefixes', 'text[]'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
    ['deleted_at', 'timestamptz'],
  ]),
  trips: new Table('trips', [
    ['id', 'uuid'],
    ['title', 'text'],
    ['purpose', 'text'],
    ['destinations', 'jsonb'],
    ['starts_on', 'date'],
    ['ends_on', 'date'],
    ['status', 'text'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ]),
  participants: new Table('participants', [
    ['id', 'uuid'],
    ['trip_id', 'uuid'],
    ['name', 'text'],
    ['function', 'text'],
    ['company_id', 'uuid'],
    ['cost_bearer', 'text'],
    ['estimated_cost_eur', 'numeric'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ]),
  appointments: new Table('appointments', [
    ['id', 'uuid'],
    ['trip_id', 'uuid'],
    ['title', 'text'],
    ['kind', 'text'],
    ['starts_at', 'timestamptz'],
    ['ends_at', 'timestamptz'],
    ['time_zone', 'text'],
    ['city', 'text'],
    ['venue', 'text'],
    ['partner_id', 'uuid'],
    ['company_id', 'uuid'],
    ['restricted', 'bool'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ]),
  attendees: new Table('appointment_attendees', [
    ['appointment_id', 'uuid'],
    ['participant_id', 'uuid'],
  ]),
  leads: new Table('leads', [
    ['id', 'uuid'],
    ['company_id', 'uuid'],
    ['title', 'text'],
    ['description', 'text'],
    ['stage', 'text'],
    ['value_eur', 'numeric'],
    ['expected_close_on', 'date'],
    ['contact_id', 'uuid'],
    ['partner_id', 'uuid'],
    ['trip_id', 'uuid'],
    ['appointment_id', 'uuid'],
    ['lost_reason', 'text'],
    ['owner_id', 'uuid'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
    ['deleted_at', 'timestamptz'],
  ]),
  interactions: new Table('interactions', [
    ['id', 'uuid'],
    ['occurred_at', 'timestamptz'],
    ['kind', 'text'],
    ['subject', 'text'],
    ['summary', 'text'],
    ['location', 'text'],
    ['trip_id', 'uuid'],
    ['appointment_id', 'uuid'],
    ['confidential', 'bool'],
    ['author_id', 'uuid'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
    ['deleted_at', 'timestamptz'],
  ]),
  interactionContacts: new Table('interaction_contacts', [
    ['interaction_id', 'uuid'],
    ['contact_id', 'uuid'],
  ]),
  interactionCompanies: new Table('interaction_companies', [
    ['interaction_id', 'uuid'],
    ['company_id', 'uuid'],
  ]),
  interactionPartners: new Table('interaction_partners', [
    ['interaction_id', 'uuid'],
    ['partner_id', 'uuid'],
  ]),
  followUps: new Table('follow_ups', [
    ['id', 'uuid'],
    ['title', 'text'],
    ['notes', 'text'],
    ['due_on', 'date'],
    ['status', 'text'],
    ['priority', 'text'],
    ['assignee_id', 'uuid'],
    ['company_id', 'uuid'],
    ['contact_id', 'uuid'],
    ['partner_id', 'uuid'],
    ['lead_id', 'uuid'],
    ['interaction_id', 'uuid'],
    ['trip_id', 'uuid'],
    ['completed_at', 'timestamptz'],
    ['created_by', 'uuid'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
    ['deleted_at', 'timestamptz'],
  ]),
};

/** The tables the generator fills, parents first. */
export const LOADED_TABLES = [...new Set(Object.values(T).map((t) => t.name))];

const CHUNK = 10_000;

export interface GenerateResult {
  rows: number;
  rowsByTable: Record<string, number>;
  insertMs: number;
}

/**
 * Generates the agency and loads it through `client`. Everything is derived from `seed` and the
 * sizes; row ids are computed from (entity, index), so rows can point at each other without
 * looking anything up.
 */
export async function generate(
  client: Client,
  sizes: Sizes,
  seed: number,
  progress: (line: string) => void,
): Promise<GenerateResult> {
  const id = (entity: string, i: number) => rowId(seed, entity, i);
  const loader = new Loader(client);
  const pipeline = new Pipeline(loader);
  /** Rows of one table as they are made, sent CHUNK at a time; `end` sends the rest. */
  const chunked = (table: Table) => {
    let batch = table.batch();
    return {
      async push(...row: unknown[]) {
        batch.push(...row);
        if (batch.size === CHUNK) {
          await pipeline.send(batch);
          batch = table.batch();
        }
      },
      end: () => pipeline.send(batch),
    };
  };
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const step = async (label: string, work: () => Promise<void>) => {
    const started = performance.now();
    const before = loader.rows;
    await work();
    await pipeline.drain();
    const seconds = (performance.now() - started) / 1000;
    const rows = loader.rows - before;
    progress(
      `${label.padEnd(14)} ${String(rows).padStart(9)} rows in ${seconds.toFixed(1).padStart(5)} s (${Math.round(rows / seconds)} rows/s)`,
    );
  };

  // Companies, with the names contacts carry in their search keys.
  const companyName: string[] = [];
  const companyLegalName: string[] = [];
  const companyDomain: string[] = [];
  await step('companies', async () => {
    const r = new Random(seed, 'companies');
    const taken = new Set<string>();
    const rows = chunked(T.companies);
    for (let i = 0; i < sizes.companies; i++) {
      const [core, industry] = r.pick(names.COMPANY_CORES);
      const owner = r.chance(0.5)
        ? r.pick(names.GERMAN_FAMILY_NAMES)
        : r.pick(names.COMPANY_PREFIXES);
      let name = `${owner} ${core}`;
      if (taken.has(name)) name = `${name} ${r.pick(names.GERMAN_FAMILY_NAMES)}`;
      for (let n = 2; taken.has(name); n++) name = `${owner} ${core} ${n}`;
      taken.add(name);
      const legalName = `${name} ${r.pick(names.LEGAL_FORMS)}`;
      const domain = `${name.split(' ').slice(0, 2).map(ascii).join('-')}.de`;
      companyName.push(name);
      companyLegalName.push(legalName);
      companyDomain.push(domain);
      const branches = r.chance(0.3)
        ? r.distinct(r.int(1, 3), () => r.int(0, names.BRANCH_COUNTRIES.length - 1))
        : [];
      const search = searchColumns([name, legalName]);
      const created = NOW - r.next() * 10 * YEAR_MS;
      await rows.push(
        id('companies', i),
        name,
        legalName,
        industry,
        r.pick(names.CITIES_BY_COUNTRY.DE),
        'DE',
        r.chance(0.8) ? `https://www.${domain}` : null,
        r.chance(0.5) ? `${industry} aus dem Bergischen Land.` : null,
        arrayLiteral(branches.map((b) => names.BRANCH_COUNTRIES[b])),
        search.searchKey,
        arrayLiteral(search.searchPrefixes),
        iso(created),
        iso(created + r.next() * (NOW - created)),
      );
    }
    await rows.end();
  });

  // Users: the demo logins, agency staff, and one account for each of the busiest companies.
  const staffIds: string[] = [];
  const staffEmails: string[] = [];
  await step('users', async () => {
    const r = new Random(seed, 'users');
    const batch = T.users.batch();
    let n = 0;
    const add = (email: string, displayName: string, role: string, companyId: string | null) => {
      const userId = id('users', n++);
      const created = iso(NOW - r.next() * 5 * YEAR_MS);
      batch.push(userId, email, displayName, role, companyId, passwordHash, created, created);
      return userId;
    };
    staffIds.push(add(LOGINS.admin, 'Bench Admin', 'admin', null));
    staffIds.push(add(LOGINS.staff, 'Anna Beispiel (Wirtschaftsförderung)', 'staff', null));
    staffEmails.push(LOGINS.staff);
    add(LOGINS.viewer, 'Büro Oberbürgermeister (Lesezugriff)', 'viewer', null);
    for (let i = 1; i <= sizes.staff; i++) {
      const email = `staff-${String(i).padStart(3, '0')}@liaison.test`;
      const name = `${r.pick(names.GERMAN_GIVEN_NAMES)} ${r.pick(names.GERMAN_FAMILY_NAMES)}`;
      staffIds.push(add(email, name, 'staff', null));
      staffEmails.push(email);
    }
    for (let c = 0; c < sizes.companyUsers; c++) {
      const email = c === 0 ? LOGINS.company : `company-${String(c).padStart(4, '0')}@liaison.test`;
      add(email, `Zugang ${companyName[c]}`, 'company', id('companies', c));
    }
    await pipeline.send(batch);
  });

  // Partner institutions abroad; Chinese ones with their name in Chinese script.
  const partnerName: string[] = [];
  const partnerNative: (string | null)[] = [];
  const partnerCountry: string[] = [];
  const partnerDomain: string[] = [];
  const partnersByCountry = new Map<string, number[]>();
  await step('partners', async () => {
    const r = new Random(seed, 'partners');
    const taken = new Set<string>();
    const rows = chunked(T.partners);
    for (let i = 0; i < sizes.partners; i++) {
      const country = r.weighted(names.PARTNER_COUNTRIES);
      const kind = r.weighted(names.PARTNER_KINDS);
      let name: string;
      let native: string | null = null;
      let city: string;
      if (country === 'CN') {
        const [cityLatin, cityNative] = r.pick(names.CHINESE_CITIES);
        const [districtLatin, districtNative] = r.pick([
          ...(names.CHINESE_DISTRICTS[cityLatin] ?? []),
          ...names.CHINESE_ZONES,
        ]);
        const patterns: readonly (readonly [string, string])[] = names.CHINESE_PARTNER_KINDS[kind];
        const [pattern, suffix] = r.pick(patterns);
        name = `${cityLatin} ${districtLatin} ${pattern}`;
        native = `${cityNative}${districtNative}${suffix}`;
        city = cityLatin;
      } else {
        city = r.pick(names.CITIES_BY_COUNTRY[country]);
        name = `${city} ${r.pick(names.OTHER_PARTNER_NAMES[kind])}`;
      }
      for (let n = 2; taken.has(name); n++) {
        const base = name.replace(/ \d+$/, '');
        name = `${base} ${n}`;
        if (native) native = `${native.replace(/\d+$/, '')}${n}`;
      }
      taken.add(name);
      partnerName.push(name);
      partnerNative.push(native);
      partnerCountry.push(country);
      const tld = country === 'US' ? 'com' : country === 'GB' ? 'co.uk' : country.toLowerCase();
      partnerDomain.push(`${name.split(' ').slice(0, 2).map(ascii).join('-')}.${tld}`);
      const list = partnersByCountry.get(country) ?? [];
      list.push(i);
      partnersByCountry.set(country, list);
      const search = searchColumns([name, native]);
      const created = NOW - r.next() * 8 * YEAR_MS;
      await rows.push(
        id('partners', i),
        name,
        native,
        kind,
        country,
        city,
        r.chance(0.7) ? `https://www.${partnerDomain[i]}` : null,
        search.searchKey,
        arrayLiteral(search.searchPrefixes),
        iso(created),
        iso(created + r.next() * (NOW - created)),
      );
    }
    await rows.end();
  });
  const randomPartner = (r: Random, country?: string) => {
    const list = country ? partnersByCountry.get(country) : undefined;
    return list?.length ? r.pick(list) : r.int(0, sizes.partners - 1);
  };

  // Contacts: a fifth Chinese (script and pinyin), the rest German and from partner countries.
  const pinyinCache = new Map<string, string>();
  const latin = (han: string) => {
    let out = pinyinCache.get(han);
    if (out === undefined) {
      out = capitalise((pinyinForms(han)[1] ?? '').replace(/v/g, 'ü'));
      pinyinCache.set(han, out);
    }
    return out;
  };
  /** "Key contacts": the 1 % staff meet again and again, so some timelines are long. */
  const keyContacts = Math.max(1, Math.floor(sizes.contacts / 100));
  const randomContact = (r: Random) =>
    r.chance(0.25) ? r.int(0, keyContacts - 1) : r.int(0, sizes.contacts - 1);
  await step('contacts', async () => {
    const r = new Random(seed, 'contacts');
    const rows = chunked(T.contacts);
    for (let i = 0; i < sizes.contacts; i++) {
      let familyName: string;
      let givenName: string | null;
      let nativeName: string | null = null;
      let country: string;
      let city: string | null;
      let languages: string[];
      let salutation: string | null = null;
      let companyIndex = -1;
      let partnerIndex = -1;
      let wechat: string | null = null;
      if (r.chance(0.2)) {
        const family = r.weighted(names.CHINESE_FAMILY_NAMES);
        let given = r.pick(names.CHINESE_GIVEN_CHARACTERS);
        if (r.chance(0.6)) given += r.pick(names.CHINESE_GIVEN_CHARACTERS);
        nativeName = family + given;
        familyName = latin(family);
        givenName = latin(given);
        country = 'CN';
        city = r.pick(names.CITIES_BY_COUNTRY.CN);
        languages = r.chance(0.6) ? ['zh', 'en'] : ['zh'];
        const org = r.next();
        if (org < 0.7) partnerIndex = randomPartner(r, 'CN');
        else if (org < 0.85) companyIndex = r.int(0, sizes.companies - 1);
        if (r.chance(0.5)) wechat = `wx_${ascii(familyName + givenName)}${r.int(10, 9999)}`;
      } else if (r.chance(0.65 / 0.8)) {
        familyName = r.pick(names.GERMAN_FAMILY_NAMES);
        givenName = r.chance(0.95) ? r.pick(names.GERMAN_GIVEN_NAMES) : null;
        country = 'DE';
        city = r.pick(names.CITIES_BY_COUNTRY.DE);
        languages = r.chance(0.5) ? ['de', 'en'] : ['de'];
        salutation = r.chance(0.7) ? r.pick(['Frau', 'Herr', 'Dr.']) : null;
        const org = r.next();
        if (org < 0.7) companyIndex = r.int(0, sizes.companies - 1);
        else if (org < 0.8) partnerIndex = randomPartner(r);
      } else {
        const origin = r.pick(names.OTHER_ORIGINS);
        familyName = r.pick(origin.family);
        givenName = r.pick(origin.given);
        country = origin.country;
        city = r.pick(origin.cities);
        languages = [origin.language, 'en'];
        salutation = r.chance(0.5) ? r.pick(['Mr', 'Ms', 'Dr.']) : null;
        const org = r.next();
        if (org < 0.6) partnerIndex = randomPartner(r, origin.country);
        else if (org < 0.75) companyIndex = r.int(0, sizes.companies - 1);
      }
      const organisation =
        companyIndex >= 0
          ? [companyName[companyIndex], companyLegalName[companyIndex]]
          : partnerIndex >= 0
            ? [partnerName[partnerIndex], partnerNative[partnerIndex]]
            : [];
      let email: string | null = null;
      if (r.chance(0.75)) {
        const domain =
          companyIndex >= 0
            ? companyDomain[companyIndex]
            : partnerIndex >= 0
              ? partnerDomain[partnerIndex]
              : r.pick(names.MAIL_DOMAINS);
        const local = givenName ? `${ascii(givenName)}.${ascii(familyName)}` : ascii(familyName);
        email = `${local}${r.chance(0.2) ? r.int(1, 99) : ''}@${domain}`;
      }
      const search = searchColumns(
        contactSearchParts({ familyName, givenName, nativeName, email, organisation }),
      );
      const created = NOW - r.next() * 8 * YEAR_MS;
      const deleted = rowFraction(seed, 'contacts-deleted', i) < 0.01;
      await rows.push(
        id('contacts', i),
        familyName,
        givenName,
        nativeName,
        salutation,
        r.chance(0.7) ? r.pick(names.POSITIONS) : null,
        companyIndex >= 0 ? id('companies', companyIndex) : null,
        partnerIndex >= 0 ? id('partners', partnerIndex) : null,
        email,
        r.chance(0.6) ? phone(r, country) : null,
        wechat,
        arrayLiteral(languages),
        country,
        city,
        r.chance(0.2) ? r.pick(names.SUMMARY_SENTENCES) : null,
        arrayLiteral(r.chance(0.3) ? [r.pick(names.TAGS)] : []),
        r.pick(staffIds),
        'public_task',
        iso(created),
        r.pick(['Delegationsreise', 'Messe', 'Empfang im Rathaus', 'Kontakt erfasst']),
        search.searchKey,
        arrayLiteral(search.searchPrefixes),
        iso(created),
        iso(created + r.next() * (NOW - created)),
        deleted ? iso(NOW - r.next() * YEAR_MS) : null,
      );
    }
    await rows.end();
  });

  // Trips with their delegates and appointments (the first trip is the big one).
  const tripStart: number[] = [];
  const tripDays: number[] = [];
  const tripAppointments: [first: number, count: number][] = [];
  await step('trips', async () => {
    const r = new Random(seed, 'trips');
    const trips = T.trips.batch();
    const participants = T.participants.batch();
    const appointments = T.appointments.batch();
    const attendees = T.attendees.batch();
    let participantN = 0;
    let appointmentN = 0;
    for (let t = 0; t < sizes.trips; t++) {
      const destination = t === 0 ? names.TRIP_DESTINATIONS[0] : r.pick(names.TRIP_DESTINATIONS);
      const startDay = Math.floor((NOW - 8 * YEAR_MS + r.next() * 9 * YEAR_MS) / DAY_MS) * DAY_MS;
      const days = r.int(3, 8);
      const endDay = startDay + (days - 1) * DAY_MS;
      tripStart.push(startDay);
      tripDays.push(days);
      const year = new Date(startDay).getUTCFullYear();
      const status =
        startDay > NOW
          ? r.pick(['planned', 'confirmed'])
          : r.chance(0.93)
            ? 'completed'
            : 'cancelled';
      const created = startDay - r.int(30, 200) * DAY_MS;
      const tripId = id('trips', t);
      trips.push(
        tripId,
        `Delegationsreise ${destination.cities.join(' und ')} ${year}`,
        'Wirtschaftsdelegation: Kontakte, Kooperationen, Messen',
        JSON.stringify(destination.cities.map((city) => ({ country: destination.country, city }))),
        day(startDay),
        day(endDay),
        status,
        iso(created),
        iso(created + r.int(1, 20) * DAY_MS),
      );
      const delegates: string[] = [];
      const delegateCount = t === 0 ? 24 : r.int(6, 16);
      for (let p = 0; p < delegateCount; p++) {
        const agency = p < 3;
        const participantId = id('participants', participantN++);
        delegates.push(participantId);
        participants.push(
          participantId,
          tripId,
          `${r.pick(names.GERMAN_GIVEN_NAMES)} ${r.pick(names.GERMAN_FAMILY_NAMES)}`,
          agency
            ? ['Oberbürgermeister (Vertretung)', 'Leitung Wirtschaftsförderung', 'Projektleitung'][
                p
              ]
            : r.pick(['Geschäftsführer', 'Geschäftsführerin', 'Vorstand', 'Leiter Export']),
          agency ? null : id('companies', r.zipf(sizes.companies, 0.8)),
          agency ? 'agency' : 'self',
          r.int(2500, 6500),
          iso(created),
          iso(created),
        );
      }
      const count = t === 0 ? 48 : r.int(5, 20);
      tripAppointments.push([appointmentN, count]);
      for (let a = 0; a < count; a++) {
        const kind = r.weighted(names.APPOINTMENT_KINDS);
        const city = r.pick(destination.cities);
        const localStart = startDay + r.int(0, days - 1) * DAY_MS + r.int(16, 38) * 1_800_000;
        const offset = utcOffsetSeconds(new Date(localStart), destination.timeZone) * 1000;
        const startsAt = localStart - offset;
        const partner = r.chance(0.6) ? randomPartner(r, destination.country) : -1;
        const restricted = kind === 'state_reception' || r.chance(0.08);
        const appointmentId = id('appointments', appointmentN++);
        appointments.push(
          appointmentId,
          tripId,
          partner >= 0 ? `${kindTitle(kind)}: ${partnerName[partner]}` : kindTitle(kind),
          kind,
          iso(startsAt),
          iso(startsAt + r.int(2, 6) * 1_800_000),
          destination.timeZone,
          city,
          partner >= 0 ? partnerName[partner] : `Hotel ${city}`,
          partner >= 0 ? id('partners', partner) : null,
          kind === 'company_visit' && r.chance(0.4)
            ? id('companies', r.int(0, sizes.companies - 1))
            : null,
          restricted,
          iso(created),
          iso(created),
        );
        const who = restricted
          ? r.distinct(r.int(2, 4), () => r.int(0, delegates.length - 1))
          : r.chance(0.5)
            ? r.distinct(r.int(3, 8), () => r.int(0, delegates.length - 1))
            : [];
        for (const d of who) attendees.push(appointmentId, delegates[d]);
      }
    }
    await pipeline.send(trips, participants, appointments, attendees);
  });
  const randomAppointment = (r: Random, trip: number) => {
    const [first, count] = tripAppointments[trip];
    return first + r.int(0, count - 1);
  };

  await step('leads', async () => {
    const r = new Random(seed, 'leads');
    const rows = chunked(T.leads);
    for (let i = 0; i < sizes.leads; i++) {
      const stage = r.weighted(names.LEAD_STAGES);
      const created = NOW - r.next() * 6 * YEAR_MS;
      const trip = r.chance(0.1) ? r.int(0, sizes.trips - 1) : -1;
      await rows.push(
        id('leads', i),
        id('companies', r.zipf(sizes.companies, 0.8)),
        `${r.pick(names.LEAD_TITLES)} ${r.pick(names.CITIES_BY_COUNTRY.CN)}`,
        r.chance(0.4) ? r.pick(names.SUMMARY_SENTENCES) : null,
        stage,
        r.chance(0.7) ? r.int(50, 50_000) * 10 : null,
        r.chance(0.6) ? day(created + r.int(30, 400) * DAY_MS) : null,
        r.chance(0.7) ? id('contacts', randomContact(r)) : null,
        r.chance(0.4) ? id('partners', randomPartner(r, 'CN')) : null,
        trip >= 0 ? id('trips', trip) : null,
        trip >= 0 && r.chance(0.3) ? id('appointments', randomAppointment(r, trip)) : null,
        stage === 'lost' ? r.pick(['Preis', 'Kein Bedarf', 'Wettbewerber', 'Zeitplan']) : null,
        r.pick(staffIds),
        iso(created),
        iso(created + r.next() * (NOW - created)),
        rowFraction(seed, 'leads-deleted', i) < 0.005 ? iso(NOW - r.next() * YEAR_MS) : null,
      );
    }
    await rows.end();
  });

  await step('interactions', async () => {
    const r = new Random(seed, 'interactions');
    const fresh = () => ({
      interactions: T.interactions.batch(),
      contacts: T.interactionContacts.batch(),
      companies: T.interactionCompanies.batch(),
      partners: T.interactionPartners.batch(),
    });
    let chunk = fresh();
    for (let i = 0; i < sizes.interactions; i++) {
      const interactionId = id('interactions', i);
      let trip = -1;
      let occurred = NOW - r.next() * 8 * YEAR_MS;
      if (r.chance(0.04)) {
        trip = r.int(0, sizes.trips - 1);
        occurred = tripStart[trip] + r.next() * tripDays[trip] * DAY_MS;
      }
      const partner = r.chance(0.25) ? randomPartner(r) : -1;
      const company = r.chance(0.3) ? r.zipf(sizes.companies, 0.8) : -1;
      const org = partner >= 0 ? partnerName[partner] : company >= 0 ? companyName[company] : '';
      const subject = fill(r.pick(names.SUBJECT_PATTERNS), {
        topic: r.pick(names.TOPICS),
        org: org || r.pick(names.CITIES_BY_COUNTRY.CN),
      });
      const summary = r.chance(0.6)
        ? r
            .distinct(r.int(1, 3), () => r.int(0, names.SUMMARY_SENTENCES.length - 1))
            .map((n) => names.SUMMARY_SENTENCES[n])
            .join(' ')
        : null;
      const created = Math.min(NOW, occurred + r.next() * 3 * DAY_MS);
      chunk.interactions.push(
        interactionId,
        iso(occurred),
        r.weighted(names.INTERACTION_KINDS),
        subject,
        summary,
        r.chance(0.5) ? r.pick(names.CITIES_BY_COUNTRY[r.chance(0.5) ? 'DE' : 'CN']) : null,
        trip >= 0 ? id('trips', trip) : null,
        trip >= 0 && r.chance(0.5) ? id('appointments', randomAppointment(r, trip)) : null,
        r.chance(0.04),
        r.pick(staffIds),
        iso(created),
        iso(created),
        rowFraction(seed, 'interactions-deleted', i) < 0.003 ? iso(NOW - r.next() * YEAR_MS) : null,
      );
      const people = r.weighted([
        [1, 60],
        [2, 30],
        [3, 10],
      ] as const);
      for (const c of r.distinct(people, () => randomContact(r))) {
        chunk.contacts.push(interactionId, id('contacts', c));
      }
      if (company >= 0) chunk.companies.push(interactionId, id('companies', company));
      if (partner >= 0) chunk.partners.push(interactionId, id('partners', partner));
      if (chunk.interactions.size === CHUNK) {
        await pipeline.send(chunk.interactions, chunk.contacts, chunk.companies, chunk.partners);
        chunk = fresh();
      }
    }
    await pipeline.send(chunk.interactions, chunk.contacts, chunk.companies, chunk.partners);
  });

  await step('follow-ups', async () => {
    const r = new Random(seed, 'follow-ups');
    const rows = chunked(T.followUps);
    for (let i = 0; i < sizes.followUps; i++) {
      const created = NOW - r.next() * 6 * YEAR_MS;
      const due = created + r.int(-5, 60) * DAY_MS;
      const past = due < NOW;
      const status = past
        ? r.weighted([
            ['done', 70],
            ['cancelled', 10],
            ['open', 20],
          ] as const)
        : r.chance(0.9)
          ? 'open'
          : 'done';
      const toCompany = r.chance(0.25);
      const author = r.pick(staffIds);
      await rows.push(
        id('follow-ups', i),
        r.pick(names.FOLLOW_UP_TITLES),
        r.chance(0.3) ? r.pick(names.SUMMARY_SENTENCES) : null,
        r.chance(0.9) ? day(due) : null,
        status,
        r.weighted([
          ['low', 20],
          ['normal', 60],
          ['high', 20],
        ] as const),
        toCompany ? null : r.pick(staffIds),
        toCompany ? id('companies', r.zipf(sizes.companies, 0.8)) : null,
        r.chance(0.8) ? id('contacts', randomContact(r)) : null,
        r.chance(0.1) ? id('partners', randomPartner(r)) : null,
        r.chance(0.2) ? id('leads', r.int(0, sizes.leads - 1)) : null,
        r.chance(0.3) ? id('interactions', r.int(0, sizes.interactions - 1)) : null,
        r.chance(0.03) ? id('trips', r.int(0, sizes.trips - 1)) : null,
        status === 'done' ? iso(Math.min(NOW, due + r.int(-3, 10) * DAY_MS)) : null,
        author,
        iso(created),
        iso(created + r.next() * (NOW - created)),
        rowFraction(seed, 'follow-ups-deleted', i) < 0.005 ? iso(NOW - r.next() * YEAR_MS) : null,
      );
    }
    await rows.end();
  });

  await pipeline.drain();
  return {
    rows: loader.rows,
    rowsByTable: Object.fromEntries(loader.rowsByTable),
    insertMs: loader.insertMs,
  };
}

function kindTitle(kind: string): string {
  switch (kind) {
    case 'state_reception':
      return 'Empfang der Stadtregierung';
    case 'company_visit':
      return 'Firmenbesuch';
    case 'signing':
      return 'Unterzeichnung Kooperationsvereinbarung';
    case 'networking':
      return 'Netzwerkabend';
    case 'site_visit':
      return 'Besichtigung';
    case 'meeting':
      return 'Gespräch';
    default:
      return 'Programmpunkt';
  }
}

const DIALING: Record<string, string> = {
  DE: '+49 212',
  CN: '+86 10',
  IL: '+972 3',
  JP: '+81 3',
  US: '+1 212',
  FR: '+33 1',
  IN: '+91 22',
  TR: '+90 212',
  PL: '+48 22',
};

function phone(r: Random, country: string): string {
  return `${DIALING[country] ?? '+49 212'} ${r.int(100_000, 9_999_999)}`;
}

import type { EntityManager } from 'typeorm';
import { AUDITED as COMPANY_AUDITED, companyKeys } from '../companies/companies.service';
import { contactSearchColumns } from '../contacts/contact-search';
import { DERIVED_TABLES } from '../database/derived';
import { AUDITED as CONTACT_AUDITED } from '../contacts/contacts.service';
import { newContactNames } from '../contacts/names';
import { AUDITED as PARTNER_AUDITED, partnerKeys } from '../partners/partners.service';
import { TARGETS, type ImportKind } from './read';

/** A record as the importer writes it: camelCase fields, as the entities name them. */
export type Fields = Record<string, unknown>;

export const snake = (field: string): string =>
  field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (column: string): string =>
  column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A row of a table with its columns as fields. */
export const fieldsOf = (row: Record<string, unknown>): Fields =>
  Object.fromEntries(Object.entries(row).map(([column, value]) => [camel(column), value]));

/** The organisation names a contact's search key holds. */
export type OrganisationNames = (string | null | undefined)[];

/**
 * How the importer writes each kind: its table and audit name, a new record's fields with the
 * defaults its service's create gives, the fields a row fills, and the search (and match) keys
 * by the service's own functions.
 */
export interface KindWriter {
  table: 'contacts' | 'companies' | 'partners';
  entity: 'contact' | 'company' | 'partner';
  audited: readonly string[];
  /** What a new record of the row's values holds (as the kind's service's create). */
  created(values: Fields, ownerId: string): Fields;
  /** The fields of the record a row fills (an update writes only these). */
  filled(values: Fields): Fields;
  /** The derived columns of the record as it is now. */
  keys(record: Fields, organisation: OrganisationNames): Fields;
}

/** The fields of the kind's create request: the reader's targets but those it resolves itself. */
const DTO_FIELDS: Record<ImportKind, readonly string[]> = {
  contact: TARGETS.contact.filter((f) => f !== 'fullName' && f !== 'organisation'),
  company: TARGETS.company,
  partner: TARGETS.partner,
};

const pick = (values: Fields, fields: readonly string[]): Fields =>
  Object.fromEntries(fields.filter((f) => values[f] !== undefined).map((f) => [f, values[f]]));

export const WRITERS: Record<ImportKind, KindWriter> = {
  contact: {
    table: 'contacts',
    entity: 'contact',
    audited: CONTACT_AUDITED,
    created(values, ownerId) {
      const names = newContactNames(values)!;
      return {
        familyName: names.familyName,
        givenName: names.givenName,
        nativeName: values.nativeName ?? null,
        salutation: values.salutation ?? null,
        position: values.position ?? null,
        companyId: values.companyId ?? null,
        partnerId: values.partnerId ?? null,
        email: values.email ?? null,
        phone: values.phone ?? null,
        wechatId: values.wechatId ?? null,
        languages: values.languages ?? [],
        country: values.country ?? null,
        city: values.city ?? null,
        notes: values.notes ?? null,
        tags: values.tags ?? [],
        ownerId,
      };
    },
    filled: (values) => pick(values, [...DTO_FIELDS.contact, 'companyId', 'partnerId']),
    keys: (record, organisation) =>
      contactSearchColumns(record as Parameters<typeof contactSearchColumns>[0], organisation),
  },
  company: {
    table: 'companies',
    entity: 'company',
    audited: COMPANY_AUDITED,
    created: (values) => ({
      name: values.name,
      legalName: values.legalName ?? null,
      industry: values.industry ?? null,
      city: values.city ?? null,
      country: values.country ?? 'DE',
      website: values.website ?? null,
      description: values.description ?? null,
      branchCountries: values.branchCountries ?? [],
    }),
    filled: (values) => pick(values, DTO_FIELDS.company),
    keys: (record) => companyKeys(record as Parameters<typeof companyKeys>[0]),
  },
  partner: {
    table: 'partners',
    entity: 'partner',
    audited: PARTNER_AUDITED,
    created: (values) => ({
      name: values.name,
      nativeName: values.nativeName ?? null,
      kind: values.kind ?? 'other',
      country: values.country,
      city: values.city ?? null,
      address: values.address ?? null,
      website: values.website ?? null,
      description: values.description ?? null,
    }),
    filled: (values) => pick(values, DTO_FIELDS.partner),
    keys: (record) => partnerKeys(record as Parameters<typeof partnerKeys>[0]),
  },
};

/**
 * Inserts records (each with its `id`) in multi-row INSERTs, as many rows per statement as keep
 * it under PostgreSQL's 65,535 parameters.
 */
export async function insertRecords(
  em: EntityManager,
  table: string,
  records: Fields[],
): Promise<void> {
  if (records.length === 0) return;
  const fields = Object.keys(records[0]);
  const perStatement = Math.floor(60_000 / fields.length);
  for (let start = 0; start < records.length; start += perStatement) {
    const chunk = records.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = chunk.map(
      (record) =>
        `(${fields
          .map((field) => {
            params.push(record[field] ?? null);
            return `$${params.length}`;
          })
          .join(', ')})`,
    );
    await em.query(
      `INSERT INTO ${table} (${fields.map(snake).join(', ')}) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
}

/** Sets `values` on a record and bumps its version; its new version. */
export async function updateRecord(
  em: EntityManager,
  table: string,
  id: string,
  values: Fields,
): Promise<number> {
  const fields = Object.keys(values);
  const [rows] = (await em.query(
    `UPDATE ${table} SET ${fields.map((f, i) => `${snake(f)} = $${i + 2}`).join(', ')},
       version = version + 1, updated_at = now()
     WHERE id = $1 RETURNING version`,
    [id, ...fields.map((f) => values[f] ?? null)],
  )) as [{ version: number }[], number];
  return rows[0].version;
}

/**
 * The ids among `ids` that a row of any table links to by a foreign key (a lead, an
 * interaction, a contact working there, a record merged into it): the catalogue says which
 * columns, so a link added later is found too.
 */
export async function linkedIds(
  em: EntityManager,
  table: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const links = (await em.query(
    `SELECT c.conrelid::regclass::text AS source, a.attname AS column
     FROM pg_constraint c
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     WHERE c.contype = 'f' AND c.confrelid = $1::regclass
       AND c.conrelid::regclass::text <> ALL ($2::text[])`,
    [table, DERIVED_TABLES],
  )) as { source: string; column: string }[];
  if (links.length === 0) return new Set();
  const rows = (await em.query(
    links
      .map(
        ({ source, column }) =>
          `SELECT "${column}" AS id FROM ${source} WHERE "${column}" = ANY($1::uuid[])`,
      )
      .join(' UNION '),
    [ids],
  )) as { id: string }[];
  return new Set(rows.map((r) => r.id));
}

import { EntityManager } from 'typeorm';
import type { SqlCondition } from '../common/scope';
import { namePrefixPattern, searchColumns } from '../common/search';
import { contactMatchColumns } from './match-keys';

/** The order of contacts by name; contacts_name_idx is built on this expression. */
export const contactNameOrder = (alias: string): string =>
  `lower(${alias}.family_name || ' ' || coalesce(${alias}.given_name, ''))`;

/**
 * The same name in byte order; contacts_name_prefix_idx is built on this expression over the live
 * contacts, so the names that begin with a term are one range of it (a LIKE 'term%').
 */
export const contactNamePrefixOrder = (alias: string): string =>
  `(${contactNameOrder(alias)} COLLATE "C")`;

/**
 * Contacts whose name begins with a search term (`:namePrefix`): one range of
 * contacts_name_prefix_idx among the live contacts. The search box ranks them first, and a
 * contacts list searched and sorted by name lists them first, each in that index's order.
 */
export const contactNameBeginsWith = (alias: string, term: string): SqlCondition => ({
  sql: `${contactNamePrefixOrder(alias)} LIKE :namePrefix`,
  params: { namePrefix: namePrefixPattern(term) },
});

/** The parts a contact is found by: its names, email, and its organisation's names. */
export function contactSearchParts(contact: {
  familyName: string;
  givenName?: string | null;
  nativeName?: string | null;
  email?: string | null;
  organisation?: (string | null | undefined)[];
}): (string | null | undefined)[] {
  return [
    contact.familyName,
    contact.givenName,
    contact.nativeName,
    contact.email,
    ...(contact.organisation ?? []),
  ];
}

/**
 * The same search key refreshContactSearchKeys builds when the organisation is renamed, and the
 * match keys of src/contacts/match-keys.ts.
 */
export function contactSearchColumns(
  contact: {
    familyName: string;
    givenName?: string | null;
    nativeName?: string | null;
    email?: string | null;
    phone?: string | null;
    country?: string | null;
  },
  organisation: (string | null | undefined)[],
) {
  return {
    ...searchColumns(contactSearchParts({ ...contact, organisation })),
    ...contactMatchColumns(contact),
  };
}

/**
 * Contacts carry their organisation's name in their search key (so "Zwilling" finds the people
 * working there through one index); when a company or partner is renamed, those keys are rebuilt
 * in the same transaction.
 */
export async function refreshContactSearchKeys(
  manager: EntityManager,
  organisation: { companyId: string } | { partnerId: string },
): Promise<number> {
  const [column, id] =
    'companyId' in organisation
      ? ['company_id', organisation.companyId]
      : ['partner_id', organisation.partnerId];
  const rows = (await manager.query(
    `SELECT c.id, c.family_name, c.given_name, c.native_name, c.email,
            co.name AS company_name, co.legal_name AS company_legal_name, p.name AS partner_name, p.native_name AS partner_native_name
     FROM contacts c
     LEFT JOIN companies co ON co.id = c.company_id
     LEFT JOIN partners p ON p.id = c.partner_id
     WHERE c.${column} = $1`,
    [id],
  )) as {
    id: string;
    family_name: string;
    given_name: string | null;
    native_name: string | null;
    email: string | null;
    company_name: string | null;
    company_legal_name: string | null;
    partner_name: string | null;
    partner_native_name: string | null;
  }[];
  for (const row of rows) {
    const { searchKey, searchPrefixes } = searchColumns(
      contactSearchParts({
        familyName: row.family_name,
        givenName: row.given_name,
        nativeName: row.native_name,
        email: row.email,
        organisation: [
          row.company_name,
          row.company_legal_name,
          row.partner_name,
          row.partner_native_name,
        ],
      }),
    );
    await manager.query('UPDATE contacts SET search_key = $2, search_prefixes = $3 WHERE id = $1', [
      row.id,
      searchKey,
      searchPrefixes,
    ]);
  }
  return rows.length;
}

import { EntityManager } from 'typeorm';
import { FieldError, fieldError } from './errors';

/**
 * The records another record may link to, with the noun a message uses. All but users are
 * soft-deleted, and a deleted one is as good as missing for a new link.
 */
const LINKABLE = {
  companies: { noun: 'company', softDeleted: true },
  contacts: { noun: 'contact', softDeleted: true },
  partners: { noun: 'partner', softDeleted: true },
  trips: { noun: 'trip', softDeleted: true },
  appointments: { noun: 'appointment', softDeleted: true },
  leads: { noun: 'lead', softDeleted: true },
  interactions: { noun: 'interaction', softDeleted: true },
  agreements: { noun: 'agreement', softDeleted: true },
  users: { noun: 'user', softDeleted: false },
} as const;

export type LinkableTable = keyof typeof LINKABLE;

export interface Link {
  /** The request field that names the record(s), e.g. `contactId` or `contactIds`. */
  field: string;
  table: LinkableTable;
  /** The id or ids the field names; null or undefined (or none): nothing to check. */
  id: string | readonly string[] | null | undefined;
}

/**
 * The one check that a link names a live record: the links that name a missing or soft-deleted
 * one, as 400 field errors with code `reference`, one per field: `${field} must name an existing
 * ${noun}`, and for a list of ids the same with the ids that do not. All links are looked up in
 * one statement, and each found row is locked FOR KEY SHARE until the transaction ends, so it
 * cannot be purged between this check and the write that references it. A caller passes only
 * the links its change sets: one that went stale since it was set does not block other edits.
 */
export async function deadLinks(manager: EntityManager, links: Link[]): Promise<FieldError[]> {
  const asked = links
    .map((link) => ({
      ...link,
      ids: link.id === null || link.id === undefined ? [] : [link.id].flat(),
    }))
    .filter((link) => link.ids.length > 0);
  if (asked.length === 0) return [];
  // Each branch a subquery of its own: a locking clause is not allowed on a UNION's branches.
  const found = (await manager.query(
    asked
      .map(
        ({ table }, i) =>
          `SELECT * FROM (SELECT ${i} AS link, id::text AS id FROM ${table}
            WHERE id = ANY($${i + 1}::uuid[])${LINKABLE[table].softDeleted ? ' AND deleted_at IS NULL' : ''}
            FOR KEY SHARE) link${i}`,
      )
      .join(' UNION ALL '),
    asked.map((link) => link.ids),
  )) as { link: number; id: string }[];
  const errors: FieldError[] = [];
  asked.forEach(({ field, table, id, ids }, i) => {
    const live = new Set(found.filter((row) => row.link === i).map((row) => row.id));
    // PostgreSQL writes a uuid in lower case; the request may not.
    const dead = ids.filter((x) => !live.has(x.toLowerCase()));
    if (dead.length === 0) return;
    const { noun } = LINKABLE[table];
    errors.push(
      fieldError(
        field,
        'reference',
        typeof id === 'string'
          ? `${field} must name an existing ${noun}`
          : `${field} must each name an existing ${noun}; not: ${dead.join(', ')}`,
      ),
    );
  });
  return errors;
}

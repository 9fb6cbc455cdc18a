import { EntityManager } from 'typeorm';
import { FieldError, fieldError } from './errors';

/** The soft-deletable records another record may link to, with the noun a message uses. */
const LINKABLE = {
  companies: 'company',
  contacts: 'contact',
  partners: 'partner',
  trips: 'trip',
  appointments: 'appointment',
  leads: 'lead',
  interactions: 'interaction',
  agreements: 'agreement',
} as const;

export type LinkableTable = keyof typeof LINKABLE;

export interface Link {
  /** The request field that names the record, e.g. `contactId`. */
  field: string;
  table: LinkableTable;
  id: string | null | undefined;
}

/**
 * The links that do not name a live record (missing or soft-deleted), as 400 field errors.
 * Each found row is locked FOR KEY SHARE until the transaction ends, so it cannot be purged
 * between this check and the write that references it.
 */
export async function deadLinks(manager: EntityManager, links: Link[]): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  for (const { field, table, id } of links) {
    if (id === null || id === undefined) continue;
    const rows = (await manager.query(
      `SELECT 1 FROM ${table} WHERE id = $1 AND deleted_at IS NULL FOR KEY SHARE`,
      [id],
    )) as unknown[];
    if (rows.length === 0) {
      errors.push(
        fieldError(field, 'reference', `${field} must name an existing ${LINKABLE[table]}`),
      );
    }
  }
  return errors;
}

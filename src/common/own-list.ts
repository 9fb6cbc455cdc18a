import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { decodeCursor, encodeCursor } from './cursor';
import { BadInput } from './errors';

/** The one order of such a list, named in its cursors. */
export const OWN_LIST_SORT = '-createdAt';

/**
 * What a user started, newest first — their own rows, an admin's everyone's — keyset-paged by
 * `(created_at, id)`: imports and business-card scans. `table` and `columns` are the caller's
 * constants (never input); the table needs indexes on `(created_by, created_at, id)` and
 * `(created_at, id)`.
 */
export async function ownNewestFirst<R extends { id: string; created_at: Date }>(
  db: DataSource | EntityManager,
  cursorKey: Buffer,
  actor: Actor,
  query: { limit: number; cursor?: string },
  from: { table: string; columns: string },
): Promise<{ rows: R[]; nextCursor: string | null }> {
  const params: unknown[] = [actor.role === 'admin', actor.userId, query.limit + 1];
  let after = '';
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(cursorKey, query.cursor);
    if (!cursor || cursor.sort !== OWN_LIST_SORT || typeof cursor.value !== 'string')
      throw BadInput.field('cursor', 'cursor', 'cursor is not one this server issued');
    params.push(cursor.value, cursor.id);
    after = 'AND (created_at, id) < ($4::timestamptz, $5::uuid)';
  }
  const found = (await db.query(
    `SELECT ${from.columns} FROM ${from.table} WHERE ($1 OR created_by = $2) ${after}
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    params,
  )) as R[];
  const rows = found.slice(0, query.limit);
  const last = rows[rows.length - 1];
  return {
    rows,
    nextCursor:
      found.length > query.limit && last
        ? encodeCursor(cursorKey, {
            sort: OWN_LIST_SORT,
            value: last.created_at.toISOString(),
            id: last.id,
          })
        : null,
  };
}

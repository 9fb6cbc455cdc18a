import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { updateIfVersion } from './concurrency';
import { Conflict } from './errors';

/** An extra WHERE on an UPDATE: the caller's scope. */
export interface Scope {
  sql: string;
  params?: Record<string, unknown>;
}

/** Soft delete, checked against the version the caller read. False: stale, gone or out of scope. */
export function softDeleteIfVersion<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  id: string,
  expectedVersion: number,
): Promise<boolean> {
  return updateIfVersion(
    manager,
    entity,
    id,
    expectedVersion,
    { deletedAt: () => 'now()' } as unknown as QueryDeepPartialEntity<T>,
    {
      sql: 'deleted_at IS NULL',
    },
  );
}

/** Brings a soft-deleted record back (a new version). False when it is not deleted or missing. */
export async function restoreDeleted<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  id: string,
): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(entity)
    .set({
      deletedAt: null,
      version: () => 'version + 1',
      updatedAt: () => 'now()',
    } as unknown as QueryDeepPartialEntity<T>)
    .where('id = :id AND deleted_at IS NOT NULL', { id })
    .execute();
  return (result.affected ?? 0) === 1;
}

/**
 * Removes a soft-deleted record for good (admin only). A record still referenced by others
 * cannot go: 409, and the references are named by the constraint.
 */
export async function purgeDeleted(
  manager: EntityManager,
  table: string,
  id: string,
): Promise<boolean> {
  try {
    const [, count] = (await manager.query(
      `DELETE FROM ${table} WHERE id = $1 AND deleted_at IS NOT NULL`,
      [id],
    )) as [unknown[], number];
    return count === 1;
  } catch (error) {
    if ((error as { code?: string }).code === '23503') {
      throw new Conflict('This record is still referenced by other records; remove those first.');
    }
    throw error;
  }
}

/**
 * The version a live record has now, or undefined when it is gone: read after a versioned write
 * matched no row, so a 412 carries the ETag the client must reload to, not the one it lost with.
 */
export async function liveVersion(
  manager: EntityManager,
  table: string,
  id: string,
): Promise<number | undefined> {
  const rows = (await manager.query(
    `SELECT version FROM ${table} WHERE id = $1 AND deleted_at IS NULL`,
    [id],
  )) as { version: number }[];
  return rows[0]?.version;
}

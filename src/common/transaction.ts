import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` in the caller's transaction when it hands one over (a write that is part of a
 * larger one, such as the contact log), else in a transaction of its own.
 */
export function inTransaction<T>(
  db: DataSource,
  manager: EntityManager | undefined,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return manager ? work(manager) : db.transaction(work);
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The transaction a whole request runs in, when it has one: a POST with an Idempotency-Key
 * (src/common/idempotency.ts) keeps its answer in the same transaction as what it wrote.
 */
const requestTransaction = new AsyncLocalStorage<EntityManager>();

/** Runs `work` (and every `transaction()` it reaches) in the request's transaction `em`. */
export const inRequestTransaction = <T>(em: EntityManager, work: () => Promise<T>): Promise<T> =>
  requestTransaction.run(em, work);

/**
 * The one way a service opens a transaction: its own, or the request's when the request runs in
 * one (then what the service writes commits or rolls back with the rest of the request).
 */
export function transaction<T>(
  db: DataSource,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const ambient = requestTransaction.getStore();
  return ambient ? work(ambient) : db.transaction(work);
}

/**
 * Runs `work` in the caller's transaction when it hands one over (a write that is part of a
 * larger one, such as the contact log), else in a transaction of its own.
 */
export function inTransaction<T>(
  db: DataSource,
  manager: EntityManager | undefined,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return manager ? work(manager) : transaction(db, work);
}

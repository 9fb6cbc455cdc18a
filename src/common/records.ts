import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  EntityManager,
  EntityTarget,
  ObjectLiteral,
  SelectQueryBuilder,
} from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditService, diff } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Action, can } from '../auth/permissions';
import { staleOrMissing, updateIfVersion } from './concurrency';
import { Conflict, Forbidden, NotFound, VersionConflict } from './errors';
import { NameSpec, NamesDto, namesOf, NamesQuery } from './names';
import { Paginator } from './pagination';
import { scopedQuery, SqlCondition } from './scope';
import { transaction } from './transaction';

/** An extra WHERE on an UPDATE: the caller's scope. */
export interface Scope {
  sql: string;
  params?: Record<string, unknown>;
}

/** The write scope where every writer may change every record: any live one. */
export const LIVE: Scope = { sql: 'deleted_at IS NULL' };

/**
 * A list's query in the caller's scope. `?deleted=true` lists the soft-deleted records instead,
 * and only for those who may write the kind (agency staff): anyone else gets 403. `?ids=` (a
 * kind whose query has `IdsFilter`) keeps only those records, still within the scope.
 */
export function listScope<E extends ObjectLiteral>(
  actor: Actor,
  query: { deleted?: boolean; ids?: string[] },
  writePermission: Action,
  scoped: (withDeleted: boolean) => SelectQueryBuilder<E>,
): SelectQueryBuilder<E> {
  if (query.deleted && !can(actor.role, writePermission))
    throw new Forbidden('Only agency staff see deleted records.');
  const qb = scoped(query.deleted === true);
  if (query.deleted) qb.andWhere(`${qb.alias}.deleted_at IS NOT NULL`);
  // `?ids=` (IdsFilter): within the scope above, so an id the caller may not see stays unnamed.
  if (query.ids)
    qb.andWhere(`${qb.alias}.id = ANY(CAST(:listIds AS uuid[]))`, { listIds: query.ids });
  return qb;
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
  stillReferenced?: string,
): Promise<boolean> {
  const [, count] = await refusedWhileReferenced(
    () =>
      manager.query(`DELETE FROM ${table} WHERE id = $1 AND deleted_at IS NOT NULL`, [
        id,
      ]) as Promise<[unknown[], number]>,
    stillReferenced,
  );
  return count === 1;
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

/** What the shared soft-delete / restore / purge steps need to know about one kind of record. */
export interface RecordSpec<T extends ObjectLiteral> {
  entity: EntityTarget<T>;
  /** The table, for the raw statements. */
  table: string;
  /** The audit trail's name for the kind, e.g. `followUp`. */
  kind: string;
  /** The noun a 404 uses, e.g. `follow-up`; the kind when absent. */
  noun?: string;
  /** The 409 when a purge is refused because other records still point here. */
  stillReferenced?: string;
  /** Records of the kind can be merged (src/merge/): one merged into another is not restored. */
  mergeable?: boolean;
}

/** What a kind's service knows of its kind: the shared steps' spec, and how its reads start. */
export interface ServiceSpec<T extends ObjectLiteral> extends RecordSpec<T> {
  /** The alias every read of the service gives the kind's table, e.g. `c`. */
  alias: string;
  /** Which records the caller sees: the rule of the kind's scope.ts; absent: every record. */
  scope?: (actor: Actor, alias: string) => SqlCondition | undefined;
  /** How its records are named: the kind then answers `GET /<kind>/names` (`names`). */
  names?: NameSpec;
}

/** The same for records kept as part of another: the column naming that other record. */
export interface NestedSpec<T extends ObjectLiteral> extends ServiceSpec<T> {
  parentColumn: string;
}

/** The fields of a versioned record that the update reads. */
export interface Versioned {
  id: string;
  version: number;
}

/** The fields of a soft-deletable, versioned record that the shared steps read. */
export interface SoftDeletable extends Versioned {
  deletedAt: Date | null;
}

/**
 * The tail of every create: the new record (as the module's lookup reads it back) goes into the
 * audit trail whole, after `context` (what is not a field of the record, e.g. its trip).
 */
export async function auditCreated<R extends { id: string }>(
  manager: EntityManager,
  audit: AuditService,
  actor: Actor,
  spec: { kind: string },
  record: R,
  audited: readonly (keyof R & string)[],
  context: Record<string, unknown> = {},
): Promise<R> {
  await audit.record(manager, {
    actorId: actor.userId,
    action: 'create',
    entity: spec.kind,
    entityId: record.id,
    changes: { ...context, ...diff({}, record, audited) },
  });
  return record;
}

/** What one update changes, as the module's rules decided it from the record before. */
export interface RecordChange<T extends ObjectLiteral, R extends Versioned> {
  /** The columns to set (version and updatedAt are the kit's). */
  values: QueryDeepPartialEntity<T>;
  /** The caller's write scope: `LIVE`, the module's `writeScope(actor)`, or none at all. */
  scope: Scope | undefined;
  /** The fields whose before/after the audit event keeps. */
  audited: readonly (keyof R & string)[];
  /** The audit action; `update` when absent (e.g. `complete`). */
  action?: string;
  /** What is written beside the row (join tables), after it and before it is read again. */
  alsoWrite?: () => Promise<void>;
  /** What follows the write in the same transaction; what it returns is audited beside the diff. */
  afterwards?: (after: R) => Promise<Record<string, unknown> | void>;
}

/**
 * The tail every update shares: the record as the caller sees it (404 else), the module's rules
 * on it (`change`; null: nothing to change, the record is answered as it is), then the versioned
 * UPDATE in the caller's write scope (no match: 412 with the version there is now, or 404 when it
 * is gone), the record read again through the module's lookup and the diff audited, all in the
 * caller's transaction.
 */
export async function updateRecord<T extends ObjectLiteral, R extends Versioned>(
  manager: EntityManager,
  audit: AuditService,
  actor: Actor,
  spec: RecordSpec<T>,
  lookup: ScopedLookup<R>,
  id: string,
  expectedVersion: number,
  change: (before: R) => Promise<RecordChange<T, R> | null>,
): Promise<R> {
  const before = await (lookup.locked ?? lookup.get)();
  const planned = await change(before);
  if (!planned) return before;
  if (before.version !== expectedVersion) throw new VersionConflict(before.version);
  const { values, scope } = planned;
  if (!(await updateIfVersion(manager, spec.entity, id, expectedVersion, values, scope))) {
    // Stale: 412 with the version there is now; gone or out of scope: the lookup's 404.
    throw new VersionConflict((await lookup.get()).version);
  }
  await planned.alsoWrite?.();
  const after = await lookup.get();
  const more = await planned.afterwards?.(after);
  await audit.record(manager, {
    actorId: actor.userId,
    action: planned.action ?? 'update',
    entity: spec.kind,
    entityId: id,
    changes: { ...diff(before, after, planned.audited), ...more },
  });
  return after;
}

/** The module's own scoped lookups, bound to the caller, the id and the transaction. */
export interface ScopedLookup<R extends Versioned> {
  /** The live record in the caller's scope, or NotFound. */
  get: () => Promise<R>;
  /**
   * The same, locked FOR UPDATE: when given, an update reads the record through it, so that
   * concurrent writers queue and each sees the version the one before left.
   */
  locked?: () => Promise<R>;
  /**
   * The record in the caller's scope, deleted or not. When given, restore finds the deleted
   * record through it (so the scope applies) and delete and restore audit the `deletedAt` change.
   */
  withDeleted?: () => Promise<R | null>;
}

const nounOf = (spec: RecordSpec<ObjectLiteral>): string => spec.noun ?? spec.kind;

/**
 * DELETE of a live record: found in the caller's scope (else 404), at the version the caller read
 * (else 412 with the current one), then soft-deleted and audited, all in the caller's transaction.
 */
export async function softDeleteRecord<T extends ObjectLiteral, R extends SoftDeletable>(
  manager: EntityManager,
  audit: AuditService,
  actor: Actor,
  spec: RecordSpec<T>,
  id: string,
  expectedVersion: number,
  lookup: ScopedLookup<R>,
): Promise<void> {
  const before = await lookup.get();
  if (before.version !== expectedVersion) throw new VersionConflict(before.version);
  if (!(await softDeleteIfVersion(manager, spec.entity, id, expectedVersion))) {
    throw staleOrMissing(
      await liveVersion(manager, spec.table, id),
      () => new NotFound(nounOf(spec), id),
    );
  }
  let changes: Record<string, unknown> | undefined;
  if (lookup.withDeleted) {
    const after = await lookup.withDeleted();
    if (!after) throw new NotFound(nounOf(spec), id);
    changes = diff<SoftDeletable>(before, after, ['deletedAt']);
  }
  await audit.record(manager, {
    actorId: actor.userId,
    action: 'delete',
    entity: spec.kind,
    entityId: id,
    changes,
  });
}

/** Brings a soft-deleted record back and audits it; 404 when there is no such deleted record. */
export async function restoreRecord<T extends ObjectLiteral, R extends SoftDeletable>(
  manager: EntityManager,
  audit: AuditService,
  actor: Actor,
  spec: RecordSpec<T>,
  id: string,
  lookup: ScopedLookup<R>,
): Promise<R> {
  const missing = () => new NotFound(`deleted ${nounOf(spec)}`, id);
  let before: R | null | undefined;
  if (lookup.withDeleted) {
    before = await lookup.withDeleted();
    if (!before || before.deletedAt === null) throw missing();
  }
  if (spec.mergeable) {
    const [row] = (await manager.query(
      `SELECT merged_into_id FROM ${spec.table} WHERE id = $1 AND deleted_at IS NOT NULL`,
      [id],
    )) as { merged_into_id: string | null }[];
    // Its links live on the record it went into now: brought back, it would be an empty twin.
    if (row?.merged_into_id)
      throw new Conflict(
        `This ${nounOf(spec)} was merged into ${row.merged_into_id} and cannot be restored; edit that one instead.`,
      );
  }
  if (!(await restoreDeleted(manager, spec.entity, id))) throw missing();
  const after = await lookup.get();
  await audit.record(manager, {
    actorId: actor.userId,
    action: 'restore',
    entity: spec.kind,
    entityId: id,
    changes: before ? diff<SoftDeletable>(before, after, ['deletedAt']) : undefined,
  });
  return after;
}

/**
 * Removes a soft-deleted record for good (admin only) and audits it. `cascade`, when given, first
 * deletes what exists only as part of the record (the row is locked meanwhile); what it returns
 * is audited. A record still referenced by others is refused with 409.
 */
export async function purgeRecord<T extends ObjectLiteral>(
  manager: EntityManager,
  audit: AuditService,
  actor: Actor,
  spec: RecordSpec<T>,
  id: string,
  cascade?: () => Promise<Record<string, unknown> | void>,
): Promise<void> {
  const missing = () => new NotFound(`deleted ${nounOf(spec)}`, id);
  let changes: Record<string, unknown> | undefined;
  if (cascade) {
    const locked = (await manager.query(
      `SELECT id FROM ${spec.table} WHERE id = $1 AND deleted_at IS NOT NULL FOR UPDATE`,
      [id],
    )) as unknown[];
    if (locked.length === 0) throw missing();
    changes = (await refusedWhileReferenced(cascade, spec.stillReferenced)) ?? undefined;
  }
  if (!(await purgeDeleted(manager, spec.table, id, spec.stillReferenced))) throw missing();
  await audit.record(manager, {
    actorId: actor.userId,
    action: 'purge',
    entity: spec.kind,
    entityId: id,
    changes,
  });
}

const STILL_REFERENCED = 'This record is still referenced by other records; remove those first.';

/** Runs a delete; a foreign key that still points at what it deletes becomes a 409. */
async function refusedWhileReferenced<V>(
  work: () => Promise<V>,
  message = STILL_REFERENCED,
): Promise<V> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code === '23503') throw new Conflict(message);
    throw error;
  }
}

/**
 * The opening every record service shares, and the flows below, each in a transaction of its own,
 * for a lookup the subclass binds. A service that needs nothing more declares no constructor:
 * Nest then injects these parameters (one that needs more declares its own and calls `super`).
 */
@Injectable()
abstract class RecordFlows<T extends ObjectLiteral, R extends SoftDeletable> {
  /** The kind: each service sets it, `protected readonly spec = X`. */
  protected abstract readonly spec: ServiceSpec<T>;

  constructor(
    @InjectDataSource() protected readonly db: DataSource,
    protected readonly paginator: Paginator,
    protected readonly audit: AuditService,
  ) {}

  /** The kind's records under its rule (`withDeleted`: the deleted ones too). */
  protected kindQuery(actor: Actor, manager: EntityManager, withDeleted = false) {
    const { entity, alias, scope } = this.spec;
    return scopedQuery(manager, entity, alias, scope?.(actor, alias), withDeleted);
  }

  protected editThrough(
    lookup: (em: EntityManager) => ScopedLookup<R>,
    actor: Actor,
    id: string,
    version: number,
    change: (before: R, em: EntityManager) => Promise<RecordChange<T, R> | null>,
  ): Promise<R> {
    return transaction(this.db, (em) =>
      updateRecord(em, this.audit, actor, this.spec, lookup(em), id, version, (before) =>
        change(before, em),
      ),
    );
  }

  protected async removeThrough(
    lookup: (em: EntityManager) => ScopedLookup<R>,
    actor: Actor,
    id: string,
    version: number,
  ): Promise<void> {
    await transaction(this.db, (em) =>
      softDeleteRecord(em, this.audit, actor, this.spec, id, version, lookup(em)),
    );
  }
}

/**
 * The flows every soft-deletable kind's service shares, through the module's own scoped lookup:
 * update (`edit`), DELETE, restore and purge. The module keeps its rules (what may change,
 * validation) and its scope; it names its `get` and, where delete and restore need more than
 * that, `findWithDeleted` or its whole `lookup`.
 */
export abstract class RecordService<
  T extends ObjectLiteral,
  R extends SoftDeletable,
> extends RecordFlows<T, R> {
  /**
   * What the caller may see of the kind, as a query: every read of the service starts here, so
   * none can forget the scope.
   */
  protected scoped(
    actor: Actor,
    manager: EntityManager = this.db.manager,
    withDeleted = false,
  ): SelectQueryBuilder<T> {
    return this.kindQuery(actor, manager, withDeleted);
  }

  /**
   * Names of the kind's records in the caller's scope, where a page links to them or offers them
   * as choices (`GET /<kind>/names`): those of `ids` the caller may see, else the first `limit`
   * by name and whether there are more. A few columns of each, not the records.
   */
  async names(actor: Actor, query: NamesQuery): Promise<NamesDto> {
    const { alias: a, names: spec, kind } = this.spec;
    if (!spec) throw new Error(`a ${kind} has no names`);
    const qb = listScope(actor, { ids: query.ids }, `${kind}:write` as Action, (deleted) =>
      this.scoped(actor, this.db.manager, deleted),
    );
    return namesOf(qb, spec, a, query.ids ? query.ids.length : query.limit);
  }

  /** One record in the caller's scope (`withDeleted`: deleted or not), or null. */
  protected find(
    actor: Actor,
    id: string,
    manager?: EntityManager,
    withDeleted = false,
  ): Promise<T | null> {
    return this.scoped(actor, manager, withDeleted)
      .andWhere(`${this.spec.alias}.id = :id`, { id })
      .getOne();
  }

  /**
   * The live record in the caller's scope as `shown` makes it, or NotFound (missing and out of
   * scope are the same answer).
   */
  async get(actor: Actor, id: string, manager?: EntityManager): Promise<R> {
    const record = await this.find(actor, id, manager);
    if (!record) throw new NotFound(nounOf(this.spec), id);
    return this.shown(actor, record, manager ?? this.db.manager);
  }

  /**
   * What the service answers of a record it read: the record itself, unless the kind adds to it
   * or hides what the caller may not see of others. A kind whose answer is more than its row
   * (R is not T) overrides this or `get`.
   */
  protected shown(_actor: Actor, record: T, _manager: EntityManager): Promise<R> {
    return Promise.resolve(record as unknown as R);
  }

  /**
   * The record in the caller's scope, deleted or not: where the module gives it, restore finds
   * the deleted record through it and delete and restore audit the `deletedAt` change.
   */
  protected findWithDeleted?(actor: Actor, id: string, em: EntityManager): Promise<R | null>;

  /** What exists only as part of the record and goes with it on purge; the result is audited. */
  protected purgeParts?(em: EntityManager, id: string): Promise<Record<string, unknown> | void>;

  protected lookup(actor: Actor, id: string, em: EntityManager): ScopedLookup<R> {
    const withDeleted = this.findWithDeleted?.bind(this);
    return {
      get: () => this.get(actor, id, em),
      withDeleted: withDeleted && (() => withDeleted(actor, id, em)),
    };
  }

  /** The tail of a create: the new record, read back through `get`, audited whole. */
  protected async created(
    em: EntityManager,
    actor: Actor,
    id: string,
    audited: readonly (keyof R & string)[],
  ): Promise<R> {
    return auditCreated(em, this.audit, actor, this.spec, await this.get(actor, id, em), audited);
  }

  /** An update with the module's rules in `change`; see `updateRecord`. */
  protected edit(
    actor: Actor,
    id: string,
    version: number,
    change: (before: R, em: EntityManager) => Promise<RecordChange<T, R> | null>,
  ): Promise<R> {
    return this.editThrough((em) => this.lookup(actor, id, em), actor, id, version, change);
  }

  remove(actor: Actor, id: string, version: number): Promise<void> {
    return this.removeThrough((em) => this.lookup(actor, id, em), actor, id, version);
  }

  restore(actor: Actor, id: string): Promise<R> {
    return transaction(this.db, (em) =>
      restoreRecord(em, this.audit, actor, this.spec, id, this.lookup(actor, id, em)),
    );
  }

  async purge(actor: Actor, id: string): Promise<void> {
    const parts = this.purgeParts?.bind(this);
    await transaction(this.db, (em) =>
      purgeRecord(em, this.audit, actor, this.spec, id, parts && (() => parts(em, id))),
    );
  }
}

/**
 * The same for records kept as part of another (a trip's delegates and appointments, under
 * `/trips/:id/…`): found by the parent's id and their own, deleted with the parent's purge.
 */
export abstract class NestedRecordService<
  T extends ObjectLiteral,
  R extends SoftDeletable,
> extends RecordFlows<T, R> {
  protected abstract override readonly spec: NestedSpec<T>;

  /** The live record of that parent in the caller's scope, or NotFound. */
  abstract get(actor: Actor, parentId: string, id: string, manager?: EntityManager): Promise<R>;

  /** The records of one parent under the kind's rule: every read of the service starts here. */
  protected scoped(
    actor: Actor,
    parentId: string,
    manager: EntityManager = this.db.manager,
  ): SelectQueryBuilder<T> {
    return this.kindQuery(actor, manager).andWhere(
      `${this.spec.alias}.${this.spec.parentColumn} = :parentId`,
      { parentId },
    );
  }

  /** One record of that parent under the kind's rule, or null. */
  protected find(
    actor: Actor,
    parentId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<T | null> {
    return this.scoped(actor, parentId, manager)
      .andWhere(`${this.spec.alias}.id = :id`, { id })
      .getOne();
  }

  protected edit(
    actor: Actor,
    parentId: string,
    id: string,
    version: number,
    change: (before: R, em: EntityManager) => Promise<RecordChange<T, R> | null>,
  ): Promise<R> {
    return this.editThrough(
      (em) => this.lookup(actor, parentId, id, em),
      actor,
      id,
      version,
      change,
    );
  }

  remove(actor: Actor, parentId: string, id: string, version: number): Promise<void> {
    return this.removeThrough((em) => this.lookup(actor, parentId, id, em), actor, id, version);
  }

  private lookup(actor: Actor, parentId: string, id: string, em: EntityManager): ScopedLookup<R> {
    return { get: () => this.get(actor, parentId, id, em) };
  }
}

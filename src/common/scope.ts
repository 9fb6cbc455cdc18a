import { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Scope } from './records';

/**
 * A visibility rule as SQL for the `where` of a query, with `:named` parameters. Each record
 * kind's module exports its rule as a function of the caller and the alias the query gives its
 * table (`leadScope(actor, 'l')`); undefined means the caller sees every record of the kind.
 */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

/** The caller sees none of the kind. */
export const NOTHING: SqlCondition = { sql: 'FALSE', params: {} };

/** Adds the rule, if there is one, to a query. */
export function whereScope<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  condition: SqlCondition | undefined,
): SelectQueryBuilder<T> {
  return condition ? qb.andWhere(condition.sql, condition.params) : qb;
}

/** A query of one kind under its rule: what every read of the kind's own service starts from. */
export function scopedQuery<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  alias: string,
  condition: SqlCondition | undefined,
  withDeleted = false,
): SelectQueryBuilder<T> {
  const qb = manager.getRepository(entity).createQueryBuilder(alias);
  if (withDeleted) qb.withDeleted();
  return whereScope(qb, condition);
}

/**
 * The rule as the extra WHERE of an UPDATE of `table` (the condition written for that very
 * name as its alias): live rows the caller may see.
 */
export function writeScope(condition: SqlCondition | undefined): Scope {
  return condition
    ? { sql: `deleted_at IS NULL AND ${condition.sql}`, params: condition.params }
    : { sql: 'deleted_at IS NULL' };
}

/** `SQL` with `CASE WHEN <rule> THEN expression END`: the expression only where the rule holds. */
export function onlyWhere(condition: SqlCondition | undefined, expression: string): string {
  return condition ? `CASE WHEN ${condition.sql} THEN ${expression} END` : expression;
}

/** Positional parameters of raw SQL: `param(value)` adds one and answers its `$n`. */
export function positionalParams(...first: unknown[]) {
  const values = [...first];
  return { values, param: (value: unknown) => `$${values.push(value)}` };
}

/**
 * The rule in raw SQL with positional parameters (`$n`): each `:name` becomes what `param` makes
 * of its value. Empty when there is no rule; otherwise `AND (…)`.
 */
export function andPositional(
  condition: SqlCondition | undefined,
  param: (value: unknown) => string,
): string {
  if (!condition) return '';
  return `AND (${condition.sql.replace(/(?<!:):([A-Za-z_]\w*)/g, (_, name: string) => {
    if (!(name in condition.params)) throw new Error(`no value for :${name}`);
    return param(condition.params[name]);
  })})`;
}

/**
 * Which of some ids of one kind the caller may see (live ones in its scope). Undefined where the
 * caller sees every record of the kind, so the agency pays nothing.
 */
export type VisibleIds = ((ids: string[]) => Promise<Set<string>>) | undefined;

/** Alias the rule of a kind is written for when its visible ids are looked up. */
export const VISIBLE_ALIAS = 'visible_r';

/**
 * The `VisibleIds` of a kind stored in `table`, for its rule written for VISIBLE_ALIAS: one
 * query for all the ids a page names.
 */
export function visibleIdsOf(
  manager: EntityManager,
  table: string,
  condition: SqlCondition | undefined,
): VisibleIds {
  if (!condition) return undefined;
  return async (ids) => {
    if (ids.length === 0 || condition === NOTHING) return new Set();
    const [sql, values] = manager.connection.driver.escapeQueryWithParameters(
      `SELECT ${VISIBLE_ALIAS}.id FROM ${table} ${VISIBLE_ALIAS}
       WHERE ${VISIBLE_ALIAS}.id = ANY(CAST(:visibleIds AS uuid[]))
         AND ${VISIBLE_ALIAS}.deleted_at IS NULL AND (${condition.sql})`,
      { ...condition.params, visibleIds: ids },
    );
    const rows = (await manager.query(sql, values)) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  };
}

type IdFields<T> = {
  [K in keyof T]: T[K] extends string | null ? K : never;
}[keyof T];

/**
 * What a visible record reveals of others: in each row, an id the caller may not see becomes
 * null. One query per field that names a kind the caller does not see all of, for the whole page.
 */
export async function hideInvisibleIds<T extends object>(
  rows: T[],
  fields: Partial<Record<IdFields<T>, VisibleIds>>,
): Promise<T[]> {
  for (const [field, visible] of Object.entries(fields) as [IdFields<T>, VisibleIds][]) {
    if (!visible) continue;
    const ids = [...new Set(rows.map((r) => r[field] as string | null))].filter(
      (id): id is string => id !== null,
    );
    if (ids.length === 0) continue;
    const seen = await visible(ids);
    for (const row of rows) {
      if (row[field] !== null && !seen.has(row[field] as string)) (row[field] as unknown) = null;
    }
  }
  return rows;
}

/**
 * Whether a list's filters name a record the caller may not see: then the list finds nothing,
 * exactly as if no such record existed.
 */
export async function filtersOnInvisible(
  filters: [id: string | undefined, visible: VisibleIds][],
): Promise<boolean> {
  for (const [id, visible] of filters) {
    if (id !== undefined && visible && !(await visible([id])).has(id)) return true;
  }
  return false;
}

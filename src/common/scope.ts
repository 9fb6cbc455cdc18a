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
 * caller sees every record of the kind, so the agency pays nothing. `lookup` is the same question
 * as SQL, so that `hideInvisibleIds` asks it for several kinds in one statement.
 */
export type VisibleIds =
  (((ids: string[]) => Promise<Set<string>>) & { lookup?: VisibleLookup }) | undefined;

interface VisibleLookup {
  manager: EntityManager;
  table: string;
  condition: SqlCondition;
}

/** Alias the rule of a kind is written for when its visible ids are looked up. */
export const VISIBLE_ALIAS = 'visible_r';

/** The ids among `:<prefix>ids` of a lookup's kind that its rule lets the caller see. */
function visibleSql(lookup: VisibleLookup, prefix: string): SqlCondition {
  const params: Record<string, unknown> = {};
  // Each rule's own parameters renamed, so that rules of several kinds share one statement.
  const rule = lookup.condition.sql.replace(/(?<!:):([A-Za-z_]\w*)/g, (_, name: string) => {
    if (!(name in lookup.condition.params)) throw new Error(`no value for :${name}`);
    params[`${prefix}${name}`] = lookup.condition.params[name];
    return `:${prefix}${name}`;
  });
  return {
    sql: `SELECT ${VISIBLE_ALIAS}.id FROM ${lookup.table} ${VISIBLE_ALIAS}
       WHERE ${VISIBLE_ALIAS}.id = ANY(CAST(:${prefix}ids AS uuid[]))
         AND ${VISIBLE_ALIAS}.deleted_at IS NULL AND (${rule})`,
    params,
  };
}

async function queryIds(
  manager: EntityManager,
  sql: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  const [text, values] = manager.connection.driver.escapeQueryWithParameters(sql, params);
  return (await manager.query(text, values)) as Record<string, unknown>[];
}

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
  const lookup: VisibleLookup = { manager, table, condition };
  return Object.assign(
    async (ids: string[]) => {
      if (ids.length === 0 || condition === NOTHING) return new Set<string>();
      const query = visibleSql(lookup, 'v_');
      const rows = await queryIds(manager, query.sql, { ...query.params, v_ids: ids });
      return new Set(rows.map((r) => r.id as string));
    },
    { lookup },
  );
}

type IdFields<T> = {
  [K in keyof T]: T[K] extends string | null ? K : never;
}[keyof T];

/**
 * What a visible record reveals of others: in each row, an id the caller may not see becomes
 * null. One statement for the whole page, whatever the number of fields that name a kind the
 * caller does not see all of (each a part of a UNION ALL).
 */
export async function hideInvisibleIds<T extends object>(
  rows: T[],
  fields: Partial<Record<IdFields<T>, VisibleIds>>,
): Promise<T[]> {
  const seen = new Map<IdFields<T>, Set<string>>();
  const parts: { field: IdFields<T>; query: SqlCondition }[] = [];
  const params: Record<string, unknown> = {};
  let manager: EntityManager | undefined;
  for (const [field, visible] of Object.entries(fields) as [IdFields<T>, VisibleIds][]) {
    if (!visible) continue;
    const ids = [...new Set(rows.map((r) => r[field] as string | null))].filter(
      (id): id is string => id !== null,
    );
    if (ids.length === 0) continue;
    const lookup = visible.lookup;
    if (lookup?.condition === NOTHING) seen.set(field, new Set());
    else if (lookup && (manager ?? lookup.manager) === lookup.manager) {
      manager = lookup.manager;
      const prefix = `v${parts.length}_`;
      parts.push({ field, query: visibleSql(lookup, prefix) });
      Object.assign(params, parts[parts.length - 1].query.params, { [`${prefix}ids`]: ids });
    } else seen.set(field, await visible(ids));
  }
  if (manager && parts.length) {
    const found = await queryIds(
      manager,
      parts
        .map((part, i) => `SELECT ${i} AS part, q.id FROM (${part.query.sql}) q`)
        .join('\nUNION ALL '),
      params,
    );
    parts.forEach((part) => seen.set(part.field, new Set()));
    for (const row of found) seen.get(parts[row.part as number].field)!.add(row.id as string);
  }
  for (const [field, ids] of seen) {
    for (const row of rows) {
      if (row[field] !== null && !ids.has(row[field] as string)) (row[field] as unknown) = null;
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

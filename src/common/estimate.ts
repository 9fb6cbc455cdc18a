import { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * How many rows the planner expects a query to return, read off `EXPLAIN`: the query is planned,
 * not run, so this costs a round trip and no rows. Good to an order of magnitude, which is what
 * choosing between two ways of running a query needs.
 */
export async function estimatedRows(
  db: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<number> {
  const rows = (await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)) as {
    'QUERY PLAN': { Plan: { 'Plan Rows': number } }[];
  }[];
  return rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
}

/** The rows a query builder's conditions let through, as estimatedRows() tells them. */
export function estimatedMatches<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
): Promise<number> {
  const [sql, params] = qb
    .clone()
    .select('1')
    .orderBy()
    .take()
    .skip()
    .limit()
    .offset()
    .getQueryAndParameters();
  return estimatedRows(qb.connection, sql, params);
}

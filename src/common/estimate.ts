import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * How many rows the planner expects a query's conditions to let through, read off `EXPLAIN`:
 * the query is planned, not run, so this costs a round trip and no rows. Good to an order of
 * magnitude, which is what choosing between two ways of running a query needs.
 */
export async function estimatedRows<T extends ObjectLiteral>(
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
  const rows = (await qb.connection.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)) as {
    'QUERY PLAN': { Plan: { 'Plan Rows': number } }[];
  }[];
  return rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
}

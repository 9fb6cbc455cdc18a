import type { EntityManager } from 'typeorm';
import { searchColumns } from '../common/search';

/** A row as the database names its columns (snake_case); a column left out takes its default. */
export type Row = Record<string, unknown>;

async function write(em: EntityManager, table: string, row: Row, returning: string) {
  const columns = Object.keys(row);
  const values = columns.map((_, i) => `$${i + 1}`);
  return (await em.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})${returning}`,
    Object.values(row),
  )) as { id: string }[];
}

/**
 * The one way the demo writes: plain INSERTs through the seed's transaction, so the demo's rows
 * carry its own dates (an interaction of 2019 was written down in 2019) rather than today's.
 */
export async function insert(em: EntityManager, table: string, row: Row): Promise<string> {
  const [{ id }] = await write(em, table, row, ' RETURNING id');
  return id;
}

/**
 * One row for each entry of `records`, inserted in the entries' order (`toRow` also gets the
 * index); the ids come back under the same keys, so the next part of the demo can point at them.
 */
export async function insertEach<K extends string, T>(
  em: EntityManager,
  table: string,
  records: Record<K, T>,
  toRow: (record: T, index: number) => Row,
): Promise<Record<K, string>> {
  const ids = {} as Record<K, string>;
  for (const [index, key] of (Object.keys(records) as K[]).entries()) {
    ids[key] = await insert(em, table, toRow(records[key], index));
  }
  return ids;
}

/** Rows of a table without an id of its own: the links of an appointment or an interaction. */
export async function insertLinks(em: EntityManager, table: string, rows: Row[]): Promise<void> {
  for (const row of rows) await write(em, table, row, '');
}

/** The row with the search columns the app keeps for it, computed by the app's own rule. */
export const searchable = (
  row: Row,
  parts: (string | null | undefined)[],
  matchKeys?: string[],
): Row => {
  const { searchKey, searchPrefixes } = searchColumns(parts);
  return {
    ...row,
    search_key: searchKey,
    search_prefixes: searchPrefixes,
    ...(matchKeys && { match_keys: matchKeys }),
  };
};

/** An instant `minutes` after `at`: the demo's records were written one after another. */
export const minutesAfter = (at: string, minutes: number): string =>
  new Date(Date.parse(at) + minutes * 60_000).toISOString();

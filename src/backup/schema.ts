import { Client, escapeIdentifier } from 'pg';
import { DERIVED_TABLES } from '../database/derived';
import { MIGRATIONS } from '../database/migrations';
import type { ForeignKey } from './load-order';

/**
 * COPY's text format writes dates, times and floats as the session says: both ends of a backup
 * set the same, so what one writes the other reads back exactly (pg_dump does the same).
 */
const SESSION =
  '-c datestyle=ISO,YMD -c intervalstyle=postgres -c extra_float_digits=3 -c timezone=UTC ' +
  '-c statement_timeout=0 -c idle_in_transaction_session_timeout=0';

export async function connect(url: string): Promise<Client> {
  const client = new Client({
    connectionString: url,
    options: SESSION,
    application_name: 'liaison-backup',
  });
  // A connection that breaks fails the statement in flight; the event itself must not end the process.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The names the app's migrations are recorded by in the `migrations` table. */
export const MIGRATION_NAMES = MIGRATIONS.map((Migration) => new Migration().name);

/** The schema version: the migrations applied, in the order they ran; none on an empty database. */
export async function appliedMigrations(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ present: boolean }>(
    `SELECT to_regclass('migrations') IS NOT NULL AS present`,
  );
  if (!rows[0].present) return [];
  const applied = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
  return applied.rows.map((row) => row.name);
}

/** Our own tables (not an extension's) and the migrations table, which a restore rebuilds. */
const OUR_TABLES = `
  c.relnamespace = current_schema()::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

export interface Table {
  name: string;
  /** Stored columns (not generated ones), in the table's order. */
  columns: string[];
}

/**
 * The tables a backup holds: every table of the schema but `migrations` and the derived ones,
 * with its columns.
 */
export async function tables(client: Client): Promise<Table[]> {
  const { rows } = await client.query<Table>(
    `
    SELECT c.relname AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                           AND a.attgenerated = ''
    WHERE c.relkind = 'r' AND c.relname <> 'migrations' AND c.relname <> ALL ($1::text[])
      AND ${OUR_TABLES}
    GROUP BY c.relname
    ORDER BY c.relname`,
    [DERIVED_TABLES],
  );
  return rows;
}

export async function foreignKeys(client: Client): Promise<ForeignKey[]> {
  const { rows } = await client.query<ForeignKey>(`
    SELECT con.conname AS name, c.relname AS "table", r.relname AS "references",
           pg_get_constraintdef(con.oid) AS definition
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_class r ON r.oid = con.confrelid
    WHERE con.contype = 'f' AND ${OUR_TABLES}
    ORDER BY c.relname, con.conname`);
  return rows;
}

export interface Sequence {
  name: string;
  /** `last_value` as text: a bigint may exceed what a JSON number holds exactly. */
  value: string;
  called: boolean;
}

/** The sequences of our tables (the migrations table's own is rebuilt with it), as they stand. */
export async function sequences(client: Client): Promise<Sequence[]> {
  const { rows } = await client.query<{ name: string }>(`
    SELECT c.relname AS name
    FROM pg_class c
    WHERE c.relkind = 'S' AND ${OUR_TABLES}
      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND d.refobjid = to_regclass('migrations'))
    ORDER BY c.relname`);
  const found: Sequence[] = [];
  for (const { name } of rows) {
    const state = await client.query<{ value: string; called: boolean }>(
      `SELECT last_value::text AS value, is_called AS called FROM ${escapeIdentifier(name)}`,
    );
    found.push({ name, ...state.rows[0] });
  }
  return found;
}

/** The tables among `names` that hold a row. */
export async function tablesWithRows(client: Client, names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const { rows } = await client.query<{ name: string }>(
    names
      .map(
        (name, i) =>
          `SELECT $${i + 1}::text AS name WHERE EXISTS (SELECT 1 FROM ${escapeIdentifier(name)})`,
      )
      .join(' UNION ALL '),
    names,
  );
  return rows.map((row) => row.name);
}

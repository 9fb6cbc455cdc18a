import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { escapeIdentifier } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { AppConfig } from '../config/config';
import { MIGRATION_LOCK } from '../database/data-source';
import { END_OF_ROWS, backupHeader, line } from './backup-file';
import { withDatabase } from './database';
import { loadOrder } from './load-order';
import { appliedMigrations, connect, foreignKeys, sequences, tables } from './schema';

export interface BackupSummary {
  database: string;
  migrations: string[];
  rows: Record<string, number>;
  bytes: number;
}

/**
 * Writes a snapshot of the whole database to `file` (the format: backup-file.ts), beside the
 * running app. One transaction reads every table: REPEATABLE READ READ ONLY, as pg_dump does, so
 * all of it is as of one instant and a write the app acknowledged before is in it. SERIALIZABLE
 * READ ONLY DEFERRABLE would add nothing here: it guards against anomalies among SERIALIZABLE
 * writers, and the app writes in READ COMMITTED with row locks and versioned updates; it could
 * only wait for a snapshot it deems safe.
 *
 * The file is written beside `file` under a temporary name and renamed once complete and on disk:
 * `file` is a whole backup or is not there (or is the previous one, until the new one replaces it).
 */
export async function backUp(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  file: string,
  say: (line: string) => void,
): Promise<BackupSummary> {
  const partial = join(dirname(file), `.${basename(file)}.${process.pid}.partial`);
  const removePartial = () => rmSync(partial, { force: true });
  process.on('exit', removePartial);
  // `flush`: on disk before it is renamed.
  const output = createWriteStream(partial, { flags: 'wx', mode: 0o600, flush: true });
  await once(output, 'ready').catch((error: Error) => {
    throw new Error(`cannot write ${file}: ${error.message}`);
  });
  try {
    const { database, migrations, rows } = await withDatabase(
      config,
      'backup',
      async (database) => {
        const client = await connect(database.url);
        try {
          // Held from before the snapshot to its end: no migration runs meanwhile, so the
          // tables are those of the migrations the backup names.
          await client.query('SELECT pg_advisory_lock_shared($1)', [MIGRATION_LOCK]);
          await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
          const migrations = await appliedMigrations(client);
          if (migrations.length === 0) {
            throw new Error(`${database.name} holds no Liaison data: no migrations were applied`);
          }
          const found = new Map((await tables(client)).map((t) => [t.name, t.columns]));
          const order = loadOrder([...found.keys()], await foreignKeys(client));
          const { rows: about } = await client.query<{ at: Date; postgres: string }>(
            `SELECT now() AS at, current_setting('server_version') AS postgres`,
          );
          const header = backupHeader({
            createdAt: about[0].at.toISOString(),
            postgres: about[0].postgres,
            migrations,
            tables: order,
            sequences: await sequences(client),
          });
          const rows: Record<string, number> = {};
          async function* content() {
            yield line(header);
            for (const table of order) {
              const columns = found.get(table)!;
              yield line({ table, columns });
              const copy = client.query(
                copyTo(
                  `COPY ${escapeIdentifier(table)} (${columns.map(escapeIdentifier).join(', ')}) TO STDOUT`,
                ),
              );
              yield* copy;
              rows[table] = copy.rowCount;
              yield END_OF_ROWS;
            }
            yield line({ end: true, rows });
          }
          await pipeline(content, createGzip(), output);
          await client.query('COMMIT');
          return { database: database.name, migrations, rows };
        } finally {
          await client.end();
        }
      },
      say,
    );
    await rename(partial, file);
    return { database, migrations, rows, bytes: (await stat(file)).size };
  } finally {
    output.destroy();
    removePartial();
    process.off('exit', removePartial);
  }
}

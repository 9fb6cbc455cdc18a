import { pipeline } from 'node:stream/promises';
import { Client, escapeIdentifier } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AppConfig } from '../config/config';
import { runMigrations } from '../database/data-source';
import { MIGRATIONS } from '../database/migrations';
import { BackupHeader, BackupReader } from './backup-file';
import { Database, withDatabase } from './database';
import { keysToSetAside } from './load-order';
import {
  MIGRATION_NAMES,
  appliedMigrations,
  connect,
  foreignKeys,
  tables,
  tablesWithRows,
} from './schema';

export interface RestoreSummary {
  database: string;
  migrations: string[];
  rows: Record<string, number>;
}

/**
 * Fills an empty database from the backup in `file`, read through once first: the app's own
 * migrations up to exactly the backup's schema version, then every table in one transaction, so
 * a failed load leaves the database as empty as it found it (and a second attempt may follow).
 * The app, started on it, applies its newer migrations itself and does not seed the demo: the
 * database has users.
 */
export async function restore(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir' | 'db'>,
  file: string,
  say: (line: string) => void,
): Promise<RestoreSummary> {
  const checked = await BackupReader.check(file);
  const unknown = checked.migrations.filter((name) => !MIGRATION_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `${file} was taken from a newer Liaison: this one does not know its migrations ${unknown.join(', ')}`,
    );
  }
  const { reader, header } = await BackupReader.open(file);
  try {
    return await withDatabase(
      config,
      'restore',
      async (database) => {
        const client = await connect(database.url);
        try {
          await refuseUnlessEmpty(client, database, header);
          await runMigrations(
            config,
            database.url,
            MIGRATIONS.filter((_, i) => header.migrations.includes(MIGRATION_NAMES[i])),
          );
          const rows = await load(client, database, reader, header);
          return { database: database.name, migrations: header.migrations, rows };
        } finally {
          await client.end();
        }
      },
      say,
    );
  } finally {
    reader.close();
  }
}

/** Empty: no table holds a row, and no migration beyond the backup's has been applied. */
async function refuseUnlessEmpty(
  client: Client,
  database: Database,
  header: BackupHeader,
): Promise<void> {
  const occupied = await tablesWithRows(
    client,
    (await tables(client)).map((table) => table.name),
  );
  if (occupied.length > 0) {
    const named = occupied.slice(0, 5).join(', ') + (occupied.length > 5 ? ', …' : '');
    throw new Error(
      `${database.name} is not empty (rows in ${named}); a restore fills only an empty database`,
    );
  }
  const ahead = (await appliedMigrations(client)).filter(
    (name) => !header.migrations.includes(name),
  );
  if (ahead.length > 0) {
    throw new Error(
      `${database.name} has migrations the backup has not (${ahead.join(', ')}); restore into an empty database`,
    );
  }
}

async function load(
  client: Client,
  database: Database,
  reader: BackupReader,
  header: BackupHeader,
): Promise<Record<string, number>> {
  await client.query('BEGIN');
  try {
    const present = new Set((await tables(client)).map((t) => t.name));
    const missing = header.tables.filter((name) => !present.has(name));
    if (missing.length > 0) {
      throw new Error(`the backup's migrations did not create its tables ${missing.join(', ')}`);
    }
    // Until the commit no one else writes here: an app started meanwhile would seed its demo.
    await client.query(
      `LOCK TABLE ${header.tables.map(escapeIdentifier).join(', ')} IN ACCESS EXCLUSIVE MODE`,
    );
    await refuseUnlessEmpty(client, database, header);

    const setAside = keysToSetAside(header.tables, await foreignKeys(client));
    for (const key of setAside) {
      await client.query(
        `ALTER TABLE ${escapeIdentifier(key.table)} DROP CONSTRAINT ${escapeIdentifier(key.name)}`,
      );
    }
    const rows: Record<string, number> = {};
    for (const name of header.tables) {
      const { columns } = await reader.table(name);
      const copy = client.query(
        copyFrom(
          `COPY ${escapeIdentifier(name)} (${columns.map(escapeIdentifier).join(', ')}) FROM STDIN`,
        ),
      );
      await pipeline(reader.rows(), copy);
      rows[name] = copy.rowCount;
    }
    await reader.end(rows);
    for (const key of setAside) {
      await client.query(
        `ALTER TABLE ${escapeIdentifier(key.table)} ADD CONSTRAINT ${escapeIdentifier(key.name)} ${key.definition}`,
      );
    }
    for (const sequence of header.sequences) {
      await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [
        escapeIdentifier(sequence.name),
        sequence.value,
        sequence.called,
      ]);
    }
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

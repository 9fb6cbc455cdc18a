import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/config';
import {
  EMBEDDED_DATABASE,
  databaseUrl,
  ensureDatabase,
  runningEmbeddedPostgres,
  startEmbeddedPostgres,
} from '../database/embedded-postgres';

export interface Database {
  url: string;
  /** For messages: which database this is. */
  name: string;
}

/**
 * Runs `work` on the app's database as the app would find it: DATABASE_URL, else the embedded
 * database in DATA_DIR — on the server the running app started there, or, only when none runs,
 * on one started for the while and stopped afterwards. A restore creates what is missing (the
 * cluster in an empty DATA_DIR, the database); a backup needs them there.
 */
export async function withDatabase<T>(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  purpose: 'backup' | 'restore',
  work: (database: Database) => Promise<T>,
  say: (line: string) => void,
): Promise<T> {
  if (config.databaseUrl) {
    const name = `database "${new URL(config.databaseUrl).pathname.slice(1)}" of DATABASE_URL`;
    return work({ url: config.databaseUrl, name });
  }
  const name = `the embedded database in ${config.dataDir}`;
  const on = async (server: string) => ({
    url:
      purpose === 'restore'
        ? await ensureDatabase(server, EMBEDDED_DATABASE)
        : databaseUrl(server, EMBEDDED_DATABASE),
    name,
  });
  const running = await runningEmbeddedPostgres(config.dataDir);
  if (running) return work(await on(running));
  if (purpose === 'backup' && !existsSync(join(config.dataDir, 'pg'))) {
    throw new Error(
      `there is no embedded database in ${config.dataDir} to back up; set DATA_DIR to the app's, or DATABASE_URL`,
    );
  }
  say(`the app is not running on ${config.dataDir}: starting its PostgreSQL for the ${purpose}`);
  const embedded = await startEmbeddedPostgres(config.dataDir);
  try {
    return await work(await on(embedded.url));
  } finally {
    await embedded.stop();
  }
}

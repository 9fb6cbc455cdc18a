import { types } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './naming';

const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_DATE = 1082;

/**
 * How values arrive from PostgreSQL, set once for the whole process:
 * - `bigint` (counts, sums) would arrive as a string; as a number it is exact up to 2^53, beyond
 *   that the parser refuses rather than round silently;
 * - `numeric` holds money in EUR with two decimals, exact as a JS number at any realistic amount;
 * - `date` is a calendar day: kept as `YYYY-MM-DD`, never turned into a midnight in some zone.
 */
export function installPgTypeParsers(): void {
  types.setTypeParser(PG_INT8, (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} exceeds 2^53`);
    return n;
  });
  types.setTypeParser(PG_NUMERIC, (value) => Number(value));
  types.setTypeParser(PG_DATE, (value) => value);
}

/**
 * TypeORM options shared by the app, the CLI and the tests. The guards against TypeORM's sharp
 * edges live here: no `synchronize`, `undefined`/`null` in a where clause throws instead of
 * matching every row, UTC sessions, a connection timeout (a dead database answers within seconds)
 * and a statement timeout (no query holds a connection forever).
 */
export function dataSourceOptions(
  config: Pick<AppConfig, 'db'>,
  url: string,
): DataSourceOptions & { type: 'postgres' } {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    migrationsTableName: 'migrations',
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
    applicationName: 'liaison',
    connectTimeoutMS: config.db.connectTimeoutMs,
    poolSize: config.db.poolMax,
    extra: {
      statement_timeout: config.db.statementTimeoutMs,
      idle_in_transaction_session_timeout: config.db.statementTimeoutMs * 2,
      options: '-c timezone=UTC',
      idleTimeoutMillis: 30_000,
    },
  };
}

/**
 * Arbitrary but fixed: only one process at a time runs migrations against a database. A backup
 * holds it shared, so the schema it reads is the one its migrations table names.
 */
export const MIGRATION_LOCK = 4_723_001;

/**
 * How often a start tries its first connection, a second apart: a server slow to answer (one
 * loaded by other work, or still starting beside the app) is not a reason to exit. The app's own
 * pool then reconnects as it needs to.
 */
const FIRST_CONNECT_ATTEMPTS = 3;

/**
 * Runs pending migrations under an advisory lock, so several instances can start at once; a
 * restore passes the backup's own migrations, to rebuild the schema the backup was taken from.
 */
export async function runMigrations(
  config: Pick<AppConfig, 'db'>,
  url: string,
  migrations: (typeof MIGRATIONS)[number][] = MIGRATIONS,
): Promise<string[]> {
  // Two connections: one holds the advisory lock while the other runs the migrations.
  const options = { ...dataSourceOptions(config, url), migrations, poolSize: 2 };
  let dataSource: DataSource;
  for (let attempt = 1; ; attempt++) {
    try {
      dataSource = await new DataSource(options).initialize();
      break;
    } catch (error) {
      if (attempt === FIRST_CONNECT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      return ran.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

/** The repository root: dist-bench/bench/ is two levels below it. */
export const ROOT = resolve(__dirname, '..', '..');

export interface DatabaseServer {
  /** URL of the maintenance database, used to create and drop the bench database. */
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * What the bench's own embedded server is given (ALTER SYSTEM, kept in bench/.data): the
 * defaults (128 MB of shared buffers, a checkpoint every 1 GB of WAL) suit a laptop's demo, not a
 * 2 GB database under write load, where they made the write figures swing by half from run to
 * run with the checkpoints. A server given by DATABASE_URL is used as it is configured.
 */
export function embeddedSettings(): Record<string, string> {
  const quarterOfMemoryMb = Math.floor(totalmem() / 4 / 1024 / 1024);
  return {
    shared_buffers: `${Math.max(128, Math.min(1024, quarterOfMemoryMb))}MB`,
    max_wal_size: '4GB',
    checkpoint_timeout: '15min',
  };
}

/** DATABASE_URL's server, or an embedded PostgreSQL of the bench's own in bench/.data. */
export async function openServer(databaseUrl: string | undefined): Promise<DatabaseServer> {
  if (databaseUrl) return { url: databaseUrl, embedded: false, stop: async () => undefined };
  const dir = join(ROOT, 'bench', '.data');
  let embedded = await startEmbeddedPostgres(dir);
  const wanted = embeddedSettings();
  const changed = await withClient(embedded.url, async (client) => {
    let restart = false;
    for (const [name, value] of Object.entries(wanted)) {
      const { rows } = await client.query<{ value: string }>(
        `SELECT coalesce((SELECT setting FROM pg_file_settings
                          WHERE name = $1 ORDER BY seqno DESC LIMIT 1), '') AS value`,
        [name],
      );
      if (rows[0].value === value) continue;
      await client.query(`ALTER SYSTEM SET ${name} = '${value}'`);
      restart = true;
    }
    return restart;
  });
  if (changed) {
    await embedded.stop();
    embedded = await startEmbeddedPostgres(dir);
  }
  const running = embedded;
  return { url: running.url, embedded: true, stop: () => running.stop() };
}

/** The server settings that shape the figures, for the record. */
export async function serverSettings(url: string): Promise<Record<string, string>> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ name: string; value: string }>(
      `SELECT name, current_setting(name) AS value FROM pg_settings
       WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'synchronous_commit',
                      'work_mem', 'max_parallel_workers_per_gather', 'jit')
       ORDER BY name`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  });
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The comment the bench leaves on a database it filled: what it holds, for --reuse. */
export async function databaseComment(serverUrl: string, name: string): Promise<string | null> {
  return withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
    return rows[0]?.comment ?? null;
  });
}

export async function recreateDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
}

export async function commentDatabase(url: string, name: string, comment: string): Promise<void> {
  await withClient(url, (client) =>
    client.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS '${comment.replace(/'/g, "''")}'`),
  );
}

/** The app's own migrations, through its CLI: the schema is exactly the app's. */
export async function migrate(url: string, jwtSecret: string): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'migrate'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, JWT_SECRET: jwtSecret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  if (code !== 0) throw new Error(`migrating the bench database failed:\n${output}`);
}

/** A constraint or index taken away for the load, and how to put it back exactly as it was. */
export interface SchemaObject {
  table: string;
  name: string;
  create: string;
}

export interface DroppedForLoad {
  /** Primary keys and unique constraints of the loaded tables. */
  keys: SchemaObject[];
  /** Their other indexes. */
  indexes: SchemaObject[];
  /** Every foreign key from or to a loaded table. */
  foreignKeys: SchemaObject[];
}

const quoteTable = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : quoteIdent(name));

/**
 * Takes the keys, indexes and foreign keys off the tables about to be loaded, the usual way to
 * bulk-load PostgreSQL: an index built once over the loaded rows is far cheaper than one kept up
 * to date row by row, and a foreign key added afterwards checks every row in one join instead of
 * one lookup per row. restoreAfterLoad() puts back exactly these definitions (read from the
 * catalogue, so the schema is the migrations' own), and re-adding a foreign key validates all
 * the generated references.
 */
export async function dropForLoad(client: Client, tables: string[]): Promise<DroppedForLoad> {
  const constraints = (
    await client.query<SchemaObject & { type: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.conname AS name, c.contype AS type,
              pg_get_constraintdef(c.oid) AS create
       FROM pg_constraint c
       WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('p', 'u', 'f')
         AND (c.conrelid::regclass::text = ANY($1) OR (c.contype = 'f' AND c.confrelid::regclass::text = ANY($1)))
       ORDER BY 1, 2`,
      [tables],
    )
  ).rows.map((c) => ({
    ...c,
    create: `ALTER TABLE ${quoteTable(c.table)} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.create}`,
  }));
  const foreignKeys = constraints.filter((c) => c.type === 'f');
  const keys = constraints.filter((c) => c.type !== 'f');
  const indexes = (
    await client.query<SchemaObject>(
      `SELECT c.relname AS table, i.indexrelid::regclass::text AS name,
              pg_get_indexdef(i.indexrelid) AS create
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relname = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
       ORDER BY 1, 2`,
      [tables],
    )
  ).rows;
  for (const fk of foreignKeys) {
    await client.query(
      `ALTER TABLE ${quoteTable(fk.table)} DROP CONSTRAINT ${quoteIdent(fk.name)}`,
    );
  }
  for (const key of keys) {
    await client.query(
      `ALTER TABLE ${quoteTable(key.table)} DROP CONSTRAINT ${quoteIdent(key.name)}`,
    );
  }
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
  return { keys, indexes, foreignKeys };
}

/** Keys first (foreign keys need them), then the indexes, then the foreign keys, validated. */
export async function restoreAfterLoad(url: string, dropped: DroppedForLoad): Promise<void> {
  const setup = ["SET maintenance_work_mem = '256MB'"];
  await runParallel(
    url,
    dropped.keys.map((k) => k.create),
    2,
    setup,
  );
  await runParallel(
    url,
    dropped.indexes.map((i) => i.create),
    2,
    setup,
  );
  // One at a time: each takes locks on two tables, and two at once could wait on each other.
  await runParallel(
    url,
    dropped.foreignKeys.map((f) => f.create),
    1,
    setup,
  );
}

/** Runs statements on `workers` connections at once (the machine's cores build in parallel). */
export async function runParallel(
  url: string,
  statements: string[],
  workers: number,
  setup: string[] = [],
): Promise<void> {
  const queue = [...statements];
  await Promise.all(
    Array.from({ length: Math.min(workers, queue.length) }, () =>
      withClient(url, async (client) => {
        for (const sql of setup) await client.query(sql);
        for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) {
          await client.query(sql);
        }
      }),
    ),
  );
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail()));
    });
  });
}

export interface RunningApp {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built app (dist/main.js) as its own process, as in production. `env` adds to or
 * overrides its environment, e.g. to start it without the rate limits.
 */
export async function startApp(options: {
  databaseUrl: string;
  jwtSecret: string;
  env?: Record<string, string>;
}): Promise<RunningApp> {
  const main = join(ROOT, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` first');
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: options.databaseUrl,
      JWT_SECRET: options.jwtSecret,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      SHUTDOWN_GRACE_MS: '0',
      // The limits count every request as in production, but the bench's one user never meets them.
      RATE_LIMIT_USER_PER_MINUTE: '1000000000',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '1000000000',
      // The bench signs in as its admin with a password alone.
      MFA_REQUIRED_ROLES: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the app exited with ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app did not get ready within 60 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    url,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

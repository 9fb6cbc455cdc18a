import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Started in a process of its own (Jest's module sandbox cannot load the embedded binaries'
 * package): prints the server's URL and process id, stops the server on SIGTERM.
 */
const KEEPER = `
const { startEmbeddedPostgres } = require('./dist/database/embedded-postgres');
startEmbeddedPostgres(process.argv[1]).then((db) => {
  process.stdout.write(JSON.stringify({ url: db.url, pid: db.pid }) + '\\n');
  process.once('SIGTERM', () => db.stop().then(() => process.exit(0)));
}, (error) => { process.stderr.write(String(error)); process.exit(1); });
`;

/**
 * A PostgreSQL server of a test's own, for tests that crash it: the app's embedded server
 * (dist/), in a temporary folder, with one migrated database `liaison`.
 */
export class OwnPostgres {
  private keeper: ChildProcess | undefined;
  private pid = 0;
  private serverUrl = '';
  databaseUrl = '';

  private constructor(private readonly dir: string) {}

  static async start(): Promise<OwnPostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'liaison-own-pg-'));
    // The server runs as an unprivileged user that must enter the folder.
    await chmod(dir, 0o755);
    const own = new OwnPostgres(dir);
    await own.up();
    const client = new Client({ connectionString: own.serverUrl });
    await client.connect();
    await client.query('CREATE DATABASE liaison');
    await client.end();
    const url = new URL(own.serverUrl);
    url.pathname = '/liaison';
    own.databaseUrl = url.toString();
    const migrate = spawnSync(process.execPath, ['dist/cli.js', 'migrate'], {
      env: { ...process.env, DATABASE_URL: own.databaseUrl, JWT_SECRET: 'x'.repeat(32) },
      encoding: 'utf8',
    });
    if (migrate.status !== 0) throw new Error(`migrating failed:\n${migrate.stderr}`);
    return own;
  }

  /** Starts the server on its folder (again): same port and password, crash recovery first. */
  async up(): Promise<void> {
    const keeper = spawn(process.execPath, ['-e', KEEPER, this.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.keeper = keeper;
    const started = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
      let out = '';
      let err = '';
      keeper.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out) as { url: string; pid: number });
      });
      keeper.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      keeper.once('exit', (code) =>
        reject(new Error(`PostgreSQL did not start (${code}): ${err}`)),
      );
    });
    this.serverUrl = started.url;
    this.pid = started.pid;
  }

  /** SIGKILL to the postmaster and every backend at once: a crash, not a shutdown. */
  async crash(): Promise<void> {
    process.kill(-this.pid, 'SIGKILL');
    await this.end();
  }

  private async end(): Promise<void> {
    const keeper = this.keeper;
    if (!keeper || keeper.exitCode !== null) return;
    const exited = new Promise((resolve) => keeper.once('exit', resolve));
    keeper.kill('SIGTERM');
    await exited;
  }

  async stop(): Promise<void> {
    await this.end();
    await rm(this.dir, { recursive: true, force: true });
  }
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Client, Pool } from 'pg';
import { TestApp, dropTestDatabase, startTestApp } from './helpers/app';
import { Session, login } from './helpers/auth';

const DEMO_PASSWORD = 'liaison-demo';
const STACK_TRACE = /^\s+at /m;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `node dist/cli.js …` as an operator runs it, with nothing in its environment but `env`. */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/cli.js', ...args],
      { env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout,
          stderr,
          ms: Date.now() - started,
        }),
    );
  });
}

/** A new database on the test server with nothing in it, not even the schema. */
async function emptyDatabase(): Promise<string> {
  const server = process.env.LIAISON_TEST_SERVER_URL!;
  const name = `liaison_r_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The rows per table that the backup's last line says its snapshot held. */
async function snapshotRows(file: string): Promise<Record<string, number>> {
  const lines = gunzipSync(await readFile(file))
    .toString('utf8')
    .trimEnd()
    .split('\n');
  return (JSON.parse(lines.at(-1)!) as { rows: Record<string, number> }).rows;
}

async function rowsNow(db: Pool | Client, tables: string[]): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const table of tables) {
    const { rows: found } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table}`,
    );
    rows[table] = found[0].n;
  }
  return rows;
}

async function listedCompanyIds(app: TestApp, session: Session): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await app.http
      .get(`/api/v1/companies?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
      .set(session.auth);
    expect(page.status).toBe(200);
    for (const company of page.body.items as { id: string }[]) ids.add(company.id);
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  return ids;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let source: TestApp;
let folder: string;
/** A backup of the demo database, as seeded. */
let demoBackup: string;
let demoRows: Record<string, number>;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'liaison-backup-'));
  // The embedded server runs as an unprivileged account that must enter the folder.
  await chmod(folder, 0o755);
  source = await startTestApp({ env: { SEED_DEMO: 'true' } });
  demoBackup = join(folder, 'demo.backup');
  const backup = await cli(['backup', demoBackup], { DATABASE_URL: source.databaseUrl });
  if (backup.code !== 0) throw new Error(`backing up the demo failed: ${backup.stderr}`);
  demoRows = await snapshotRows(demoBackup);
  process.stdout.write(
    `demo database: ${Object.values(demoRows).reduce((a, b) => a + b)} rows, backup ${backup.ms} ms ` +
      `(${(await stat(demoBackup)).size} bytes)\n`,
  );
});

afterAll(async () => {
  await source?.stop();
  await rm(folder, { recursive: true, force: true });
});

describe('restore into an empty DATA_DIR', () => {
  it('initialises the embedded database, and the app started there as npm start would serves it without seeding again', async () => {
    const dataDir = join(folder, 'data');
    const restored = await cli(['restore', demoBackup], { DATA_DIR: dataDir });
    expect(restored.code).toBe(0);
    expect(restored.stderr).toMatch(/starting its PostgreSQL for the restore/);
    // The server it started for the restore is stopped again.
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    process.stdout.write(
      `demo restored into an empty DATA_DIR in ${restored.ms} ms (PostgreSQL initialised, ` +
        `started and stopped)\n`,
    );

    // No DATABASE_URL, no JWT_SECRET, SEED_DEMO unset: the embedded default of `npm start`.
    const app = await startTestApp({ dataDir });
    try {
      expect((await app.http.get('/health/ready')).status).toBe(200);
      expect(await rowsNow(app.db, Object.keys(demoRows))).toEqual(demoRows);
      const staff = await login(app, 'staff@liaison.test', DEMO_PASSWORD);
      const companies = await app.http.get('/api/v1/companies?limit=200').set(staff.auth);
      expect(companies.status).toBe(200);
      expect(companies.body.items.map((c: { name: string }) => c.name)).toContain(
        'DOVO Stahlwaren',
      );

      // Beside the running app, the CLI uses the server the app started (and leaves it running).
      const beside = join(folder, 'beside-the-app.backup');
      const backup = await cli(['backup', beside], { DATA_DIR: dataDir });
      expect(backup).toMatchObject({ code: 0, stderr: '' });
      expect((await snapshotRows(beside)).companies).toBe(demoRows.companies);
      const again = await cli(['restore', demoBackup], { DATA_DIR: dataDir });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^the embedded database in .* is not empty/);
      expect((await app.http.get('/health/ready')).status).toBe(200);
      expect((await app.http.get('/api/v1/companies').set(staff.auth)).status).toBe(200);
    } finally {
      await app.stop();
    }
    expect(app.process.exitCode).toBe(0);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });
});

describe('a backup while 8 writers create companies', () => {
  it('holds every create acknowledged before it started, restores into an empty database, and the app serves it', async () => {
    const staff = await login(source, 'staff@liaison.test', DEMO_PASSWORD);
    const run = randomBytes(3).toString('hex');
    const created: { id: string; sentAt: number; ackedAt: number }[] = [];
    const failures: string[] = [];
    let writing = true;
    const writer = async (w: number) => {
      for (let i = 0; writing && failures.length === 0; i++) {
        const sentAt = Date.now();
        const response = await fetch(`${source.url}/api/v1/companies`, {
          method: 'POST',
          headers: { ...staff.auth, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Writer ${w}-${i} ${run}`, city: 'Solingen' }),
        });
        const body = (await response.json()) as { id: string };
        if (response.status === 201) created.push({ id: body.id, sentAt, ackedAt: Date.now() });
        else failures.push(`${response.status} ${JSON.stringify(body)}`);
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    for (const until = Date.now() + 10_000; created.length < 50 && Date.now() < until;) {
      await sleep(10);
    }

    const file = join(folder, 'during-writes.backup');
    const backupStarted = Date.now();
    const backup = await cli(['backup', file], { DATABASE_URL: source.databaseUrl });
    const backupEnded = Date.now();
    const sentAfter = () => created.filter((c) => c.sentAt > backupEnded).length;
    for (const until = Date.now() + 10_000; sentAfter() < 8 && Date.now() < until;) {
      await sleep(10);
    }
    writing = false;
    await Promise.all(writers);
    expect(failures).toEqual([]);
    expect(backup).toMatchObject({ code: 0, stderr: '' });

    const before = created.filter((c) => c.ackedAt < backupStarted);
    const after = created.filter((c) => c.sentAt > backupEnded);
    expect(before.length).toBeGreaterThanOrEqual(50);
    expect(after.length).toBeGreaterThan(0);

    const target = await emptyDatabase();
    const db = new Client({ connectionString: target });
    try {
      const restored = await cli(['restore', file], { DATABASE_URL: target });
      expect(restored).toMatchObject({ code: 0, stderr: '' });
      await db.connect();
      const snapshot = await snapshotRows(file);
      expect(await rowsNow(db, Object.keys(snapshot))).toEqual(snapshot);

      const restoredIds = new Set(
        (await db.query<{ id: string }>('SELECT id FROM companies')).rows.map((r) => r.id),
      );
      expect(before.filter((c) => !restoredIds.has(c.id))).toEqual([]);
      expect(after.filter((c) => restoredIds.has(c.id))).toEqual([]);
      // One instant: a company is there exactly when the audit event of its creation, written
      // in the same transaction, is.
      const audited = new Set(
        (
          await db.query<{ id: string }>(
            `SELECT entity_id AS id FROM audit_events WHERE entity = 'company' AND action = 'create'`,
          )
        ).rows.map((r) => r.id),
      );
      expect(created.filter((c) => restoredIds.has(c.id) !== audited.has(c.id))).toEqual([]);

      const during = created.filter((c) => c.ackedAt >= backupStarted && c.sentAt <= backupEnded);
      process.stdout.write(
        `8 writers: ${created.length} companies created, ${before.length} acknowledged before ` +
          `the backup started (all restored), ${during.filter((c) => restoredIds.has(c.id)).length} ` +
          `of ${during.length} written while it ran in the snapshot, ${after.length} after it ` +
          `(none restored); backup ${backup.ms} ms (${(await stat(file)).size} bytes), ` +
          `restore ${restored.ms} ms\n`,
      );

      // The app on the restored database: it seeds nothing, even when asked to, and serves it.
      const app = await startTestApp({
        databaseUrl: target,
        env: { SEED_DEMO: 'true', ADMIN_EMAIL: '', ADMIN_PASSWORD: '' },
      });
      try {
        expect((await app.http.get('/health/ready')).status).toBe(200);
        const restoredStaff = await login(app, 'staff@liaison.test', DEMO_PASSWORD);
        const listed = await listedCompanyIds(app, restoredStaff);
        expect(before.filter((c) => !listed.has(c.id))).toEqual([]);
        const { companies, users, trips } = snapshot;
        expect(await rowsNow(db, ['companies', 'users', 'trips'])).toEqual({
          companies,
          users,
          trips,
        });
      } finally {
        await app.stop();
      }
    } finally {
      await db.end().catch(() => undefined);
      await dropTestDatabase(target);
    }
  });
});

describe('what a restore refuses', () => {
  it('a database that is not empty: a message, exit code 1, nothing changed', async () => {
    const tables = Object.keys(demoRows);
    const rows = await rowsNow(source.db, tables);
    const refused = await cli(['restore', demoBackup], { DATABASE_URL: source.databaseUrl });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^database "liaison_t_\w+" of DATABASE_URL is not empty \(rows in/,
    );
    expect(refused.stderr).not.toMatch(STACK_TRACE);
    expect(await rowsNow(source.db, tables)).toEqual(rows);
  });

  it('anything but a whole backup: one line saying so, exit code 1, the target not even created', async () => {
    const whole = await readFile(demoBackup);
    const files = {
      gzipped: join(folder, 'not-a-backup.gz'),
      cut: join(folder, 'cut-short.backup'),
      garbled: join(folder, 'garbled.backup'),
      newer: join(folder, 'newer.backup'),
    };
    await writeFile(files.gzipped, gzipSync('{"hello":"world"}\n'));
    await writeFile(files.cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const garbled = Buffer.from(gunzipSync(whole).toString().replace('"companies":', '"firms":'));
    await writeFile(files.garbled, gzipSync(garbled));
    const newer = gunzipSync(whole)
      .toString()
      .replace('"migrations":[', '"migrations":["Later1900000000000",');
    await writeFile(files.newer, gzipSync(newer));
    const untouched = join(folder, 'untouched');
    const cases: [args: string[], message: RegExp][] = [
      [['restore'], /^name the backup file: node dist\/cli.js restore FILE$/],
      [['backup'], /^name the backup file: node dist\/cli.js backup FILE$/],
      [['restore', join(folder, 'missing.backup')], /^cannot read .*missing\.backup: ENOENT/],
      [['restore', folder], /^cannot read .*: EISDIR/],
      [['restore', 'package.json'], /^package\.json is not a Liaison backup$/],
      [['restore', files.gzipped], /not-a-backup\.gz is not a Liaison backup$/],
      [
        ['restore', files.cut],
        /cut-short\.backup is damaged or incomplete: unexpected end of file$/,
      ],
      [['restore', files.garbled], /garbled\.backup is damaged or incomplete: /],
      [
        ['restore', files.newer],
        /newer\.backup was taken from a newer Liaison: .* Later1900000000000$/,
      ],
      [['backup', join(folder, 'nothing.backup')], /^there is no embedded database in .*untouched/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args, { DATA_DIR: untouched });
      expect({ args, code: run.code, stderr: run.stderr.trimEnd() }).toEqual({
        args,
        code: 1,
        stderr: expect.stringMatching(message),
      });
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).not.toMatch(STACK_TRACE);
    }
    expect(existsSync(untouched)).toBe(false);
    expect(existsSync(join(folder, 'nothing.backup'))).toBe(false);
  });
});

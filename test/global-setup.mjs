// Starts the test PostgreSQL (DATABASE_URL when set, else an embedded one in a temporary folder)
// and migrates a template database once; every test file then gets its own copy of it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export default async function globalSetup() {
  if (!existsSync('dist/main.js'))
    throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  const pg = require('pg');
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const { startEmbeddedPostgres } = require('../dist/database/embedded-postgres.js');
    const dir = await mkdtemp(join(tmpdir(), 'liaison-test-pg-'));
    // mkdtemp makes the folder private; the server runs as an unprivileged user that must enter it.
    await chmod(dir, 0o755);
    const started = Date.now();
    const embedded = await startEmbeddedPostgres(dir);
    globalThis.__liaisonEmbedded = { embedded, dir };
    serverUrl = embedded.url;
    // A throwaway cluster, deleted after the run: no commit or DROP DATABASE waits for the disk
    // (on CI's machine a commit took 8 ms with fsync and 2 ms without, a drop 180–680 ms and
    // 60–80 ms). The tests that crash a server start one of their own (helpers/own-postgres.ts).
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    for (const setting of ['fsync', 'synchronous_commit', 'full_page_writes'])
      await admin.query(`ALTER SYSTEM SET ${setting} = off`);
    await admin.query('SELECT pg_reload_conf()');
    await admin.end();
    process.stdout.write(
      `\nembedded PostgreSQL for tests in ${dir} (${Date.now() - started} ms)\n`,
    );
  }
  const template = `liaison_template_${process.pid}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  const { rows } = await client.query('SHOW server_version');
  await client.query(`DROP DATABASE IF EXISTS ${template}`);
  await client.query(`CREATE DATABASE ${template}`);
  await client.end();

  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${template}`;
  const migrate = spawnSync(process.execPath, ['dist/cli.js', 'migrate'], {
    env: { ...process.env, DATABASE_URL: templateUrl.toString(), JWT_SECRET: 'x'.repeat(32) },
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`migrating the template failed:\n${migrate.stderr}`);
  // The job queue's schema too, as pg-boss creates it at an app's first start: every test file's
  // copy then starts without building it again.
  const PgBoss = require('pg-boss');
  const templateClient = new pg.Client({ connectionString: templateUrl.toString() });
  await templateClient.connect();
  await templateClient.query(PgBoss.getConstructionPlans('pgboss'));
  await templateClient.end();

  process.stdout.write(`PostgreSQL ${rows[0].server_version}, template ${template}\n`);
  process.env.LIAISON_TEST_SERVER_URL = serverUrl;
  process.env.LIAISON_TEST_TEMPLATE = template;
  globalThis.__liaisonTemplate = { serverUrl, template };
}

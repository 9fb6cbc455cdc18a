import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { createApp } from './app';
import { ensureAdmin } from './auth/bootstrap';
import type { AppConfig } from './config/config';
import { installPgTypeParsers, runMigrations } from './database/data-source';
import {
  EMBEDDED_DATABASE,
  EmbeddedDatabase,
  ensureDatabase,
  startEmbeddedPostgres,
} from './database/embedded-postgres';
import { seedDemo } from './demo';
import { announceDemoLeads } from './demo/notices';
import { ConnectionDrain } from './health/drain';
import { Lifecycle } from './health/lifecycle';

export interface Running {
  app: NestFastifyApplication;
  url: string;
  /**
   * Drains and stops: readiness 503 and `Connection: close` for the grace period, then no new
   * connections, in-flight requests finish, pool closes, database stops.
   */
  stop(): Promise<void>;
}

/** The longest a request in flight at shutdown may still take (main.ts gives up after 25 s). */
const DRAIN_TIMEOUT_MS = 15_000;

/** With the embedded database the signing secret is generated once and kept beside it. */
async function embeddedJwtSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

export async function startServer(config: AppConfig, log: Logger): Promise<Running> {
  installPgTypeParsers();
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  const started = Date.now();
  if (databaseUrl === undefined) {
    const pgLog = log.child({ component: 'embedded-postgres' });
    embedded = await startEmbeddedPostgres(config.dataDir, (line) => pgLog.debug(line));
    databaseUrl = await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
    log.info(
      { dataDir: config.dataDir, port: embedded.port, ms: Date.now() - started },
      'embedded PostgreSQL started',
    );
  }
  const jwtSecret = config.jwtSecret ?? (await embeddedJwtSecret(config.dataDir));

  let app: NestFastifyApplication | undefined;
  let drain: ConnectionDrain | undefined;
  try {
    const migrations = await runMigrations(config, databaseUrl);
    if (migrations.length > 0) log.info({ migrations }, 'migrations applied');
    app = await createApp({ config, databaseUrl, jwtSecret });
    drain = new ConnectionDrain(app);
    await app.init();
    // The demo seeds only an empty database, so it goes before the bootstrap admin.
    if (config.seedDemo) {
      const seeded = await seedDemo(app.get(DataSource));
      if (seeded) await announceDemoLeads(app);
      log.info(
        seeded
          ? 'demo data seeded: sign in as admin@, staff@, viewer@, dovo@ or zwilling@liaison.test with password liaison-demo'
          : 'demo data present (demo logins work only where the demo was seeded)',
      );
    }
    if (config.adminEmail && config.adminPassword) {
      const created = await ensureAdmin(app, config.adminEmail, config.adminPassword);
      if (created) log.info({ email: config.adminEmail }, 'admin user created');
    }
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }

  const running = app;
  const connections = drain!;
  const address = running.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  log.info({ url, ms: Date.now() - started }, 'Liaison is ready');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      running.get(Lifecycle).beginShutdown();
      if (config.shutdownGraceMs > 0) connections.retireConnections();
      log.info({ graceMs: config.shutdownGraceMs }, 'shutting down: readiness now 503');
      await new Promise((resolve) => setTimeout(resolve, config.shutdownGraceMs));
      // Before the app closes its database pool: every request taken is answered first.
      await connections.drain(DRAIN_TIMEOUT_MS);
      await running.close();
      if (embedded) await embedded.stop();
      log.info('stopped');
    })());
  return { app: running, url, stop };
}

process.env.TZ = 'UTC';
import 'reflect-metadata';
import { backUp } from './backup/backup';
import { restore } from './backup/restore';
import { loadConfig } from './config/config';
import { installPgTypeParsers, runMigrations } from './database/data-source';
import { permissionTableMarkdown } from './auth/permissions';

/**
 * Operator commands:
 *   migrate       apply pending migrations (DATABASE_URL)
 *   routes        print every route with its declared permission (JSON; DATABASE_URL)
 *   permissions   print the permission table (markdown, as in the README)
 *   backup FILE   write a snapshot of the app's database to FILE, beside the running app
 *   restore FILE  fill an empty database from FILE
 * backup and restore find the database as the app does: DATABASE_URL, else the embedded one in
 * DATA_DIR.
 */
async function main(command: string | undefined, file: string | undefined): Promise<void> {
  if (command === 'permissions') {
    process.stdout.write(`${permissionTableMarkdown()}\n`);
    return;
  }
  const config = loadConfig(process.env, { signsTokens: false });
  if (command === 'backup' || command === 'restore') {
    if (!file) throw new Error(`name the backup file: node dist/cli.js ${command} FILE`);
    // Through process.exit the exit handlers run: they remove a partial backup and stop an
    // embedded server this command started.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => process.exit(130));
    }
    const say = (line: string) => process.stderr.write(`${line}\n`);
    const started = Date.now();
    const done =
      command === 'backup' ? await backUp(config, file, say) : await restore(config, file, say);
    const tables = Object.keys(done.rows).length;
    const rows = Object.values(done.rows).reduce((sum, n) => sum + n, 0);
    const what = `${rows} rows in ${tables} tables, schema ${done.migrations.at(-1)}`;
    const took = `${Date.now() - started} ms`;
    process.stdout.write(
      'bytes' in done
        ? `backed up ${done.database} to ${file}: ${what}, ${done.bytes} bytes, in ${took}\n`
        : `restored ${file} into ${done.database}: ${what}, in ${took}\n`,
    );
    return;
  }
  if (!config.databaseUrl) throw new Error('DATABASE_URL must be set for this command');
  installPgTypeParsers();
  if (command === 'migrate') {
    const ran = await runMigrations(config, config.databaseUrl);
    process.stdout.write(`${ran.length ? ran.join('\n') : 'nothing to migrate'}\n`);
    return;
  }
  if (command === 'routes') {
    // Only this command needs the whole app: the others start without loading it.
    const { createApp, routeDeclarations } = await import('./app.js');
    const app = await createApp({
      // It only lists the routes: it must not work the database's jobs (nor wait for them).
      config: { ...config, logLevel: 'silent', jobs: { ...config.jobs, concurrency: 0 } },
      databaseUrl: config.databaseUrl,
      jwtSecret: config.jwtSecret ?? '',
    });
    await app.init();
    process.stdout.write(`${JSON.stringify(routeDeclarations(app), null, 2)}\n`);
    await app.close();
    return;
  }
  throw new Error(
    `unknown command "${command ?? ''}"; use migrate, routes, permissions, backup FILE or restore FILE`,
  );
}

main(process.argv[2], process.argv[3]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

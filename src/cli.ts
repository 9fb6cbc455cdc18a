process.env.TZ = 'UTC';
import 'reflect-metadata';
import { loadConfig } from './config/config';
import { installPgTypeParsers, runMigrations } from './database/data-source';
import { permissionTableMarkdown } from './auth/permissions';

/**
 * Operator commands against DATABASE_URL:
 *   migrate      apply pending migrations
 *   routes       print every route with its declared permission (JSON)
 *   permissions  print the permission table (markdown, as in the README)
 */
async function main(command: string | undefined): Promise<void> {
  if (command === 'permissions') {
    process.stdout.write(`${permissionTableMarkdown()}\n`);
    return;
  }
  const config = loadConfig(process.env, { signsTokens: false });
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
      config: { ...config, logLevel: 'silent' },
      databaseUrl: config.databaseUrl,
      jwtSecret: config.jwtSecret ?? '',
    });
    await app.init();
    process.stdout.write(`${JSON.stringify(routeDeclarations(app), null, 2)}\n`);
    await app.close();
    return;
  }
  throw new Error(`unknown command "${command ?? ''}"; use migrate, routes or permissions`);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

process.env.TZ = 'UTC';
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { createRootLogger } from './logging';
import { startServer } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createRootLogger(config);
  const running = await startServer(config, log).catch((error: unknown) => {
    log.fatal({ err: error }, 'start failed');
    process.exit(1);
  });

  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

void main();

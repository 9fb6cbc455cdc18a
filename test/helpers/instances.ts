/**
 * Several instances of the app on ONE test database, as behind a load balancer: each its own
 * process (dist/main.js) with its own port, pool, job workers and session cache.
 *
 *   let a: TestApp, b: TestApp;
 *   useInstances(2, ([first, second]) => ([a, b] = [first, second]), { env });
 */
import { createTestDatabase, dropTestDatabase, StartOptions, startTestApp, TestApp } from './app';

export interface Instances {
  apps: TestApp[];
  /** Stops every instance, then drops the database they shared. */
  stop(): Promise<void>;
}

/** Starts `n` instances side by side on a fresh copy of the template database. */
export async function startInstances(
  n: number,
  options: Omit<StartOptions, 'databaseUrl' | 'dataDir'> = {},
): Promise<Instances> {
  const databaseUrl = await createTestDatabase();
  const started = await Promise.allSettled(
    Array.from({ length: n }, () => startTestApp({ ...options, databaseUrl })),
  );
  const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await dropTestDatabase(databaseUrl);
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { apps, stop };
}

/** Registers this file's start (before all its tests) and stop (after them) of `n` instances. */
export function useInstances(
  n: number,
  fill: (apps: TestApp[]) => void | Promise<void>,
  options: Omit<StartOptions, 'databaseUrl' | 'dataDir'> = {},
): void {
  let instances: Instances | undefined;
  beforeAll(async () => {
    instances = await startInstances(n, options);
    await fill(instances.apps);
  }, 120_000);
  afterAll(() => instances?.stop());
}

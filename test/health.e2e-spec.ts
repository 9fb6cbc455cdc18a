import { createServer } from 'node:net';
import { Client } from 'pg';
import { createTestDatabase, dropTestDatabase, TestApp, startTestApp } from './helpers/app';
import { loginAdmin } from './helpers/auth';
import { TcpProxy, useAppBehindProxy } from './helpers/tcp-proxy';

const waitFor = async (check: () => Promise<boolean>, timeoutMs: number): Promise<number> => {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
};

describe('health', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('reports liveness and readiness', async () => {
    const live = await app.http.get('/health');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await app.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: 'up' });
    expect(ready.headers['cache-control']).toBe('no-store');
  });
});

describe('when the database goes away', () => {
  const behind = useAppBehindProxy();

  it('answers 503 quickly while it is down and recovers by itself when it is back', async () => {
    const { app, proxy } = behind;
    const admin = await loginAdmin(app);
    expect((await app.http.get('/api/v1/users').set(admin.auth)).status).toBe(200);

    await proxy.down();
    const started = Date.now();
    const ready = await app.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers['content-type']).toMatch(/problem\+json/);
    expect(Date.now() - started).toBeLessThan(3000);

    const api = await app.http.get('/api/v1/users').set(admin.auth);
    expect(api.status).toBe(503);
    expect(api.headers['retry-after']).toBeDefined();
    expect(JSON.stringify(api.body)).not.toMatch(/ECONNREFUSED|timeout exceeded|127\.0\.0\.1/);
    expect(Date.now() - started).toBeLessThan(6000);

    // The process itself stays alive.
    expect((await app.http.get('/health')).status).toBe(200);

    await proxy.up();
    const recoveredIn = await waitFor(
      async () => (await app.http.get('/health/ready')).status === 200,
      10_000,
    );
    expect(recoveredIn).toBeLessThan(10_000);
    expect((await app.http.get('/api/v1/users').set(admin.auth)).status).toBe(200);
  });
});

describe('when the database does not answer the first connection', () => {
  it('tries again a second later and starts', async () => {
    const databaseUrl = await createTestDatabase();
    const target = new URL(databaseUrl);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    // A port of the proxy's own, first held by a server that cuts every connection it gets; at
    // the first, the proxy to the database takes the port over.
    await proxy.up();
    await proxy.down();
    let cut = 0;
    let opened: Promise<void> | undefined;
    const gate = createServer((socket) => {
      socket.destroy();
      if (cut++ === 0)
        opened = new Promise<void>((resolve) => gate.close(() => resolve())).then(() => proxy.up());
    });
    await new Promise<void>((resolve) => gate.listen(proxy.port, '127.0.0.1', resolve));
    const viaProxy = new URL(databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    let app: TestApp | undefined;
    try {
      app = await startTestApp({ databaseUrl, appDatabaseUrl: viaProxy.toString() });
      expect(cut).toBe(1);
      await opened;
      expect((await app.http.get('/health/ready')).status).toBe(200);
    } finally {
      gate.close();
      await app?.stop();
      await proxy.down();
      await dropTestDatabase(databaseUrl);
    }
  });
});

describe('graceful shutdown', () => {
  it('turns readiness to 503 first, finishes the request in flight, then exits 0', async () => {
    const app = await startTestApp({ env: { SHUTDOWN_GRACE_MS: '1500' } });
    const admin = await loginAdmin(app);
    // Hold a lock that the next authenticated request needs, so it stays in flight.
    const blocker = new Client({ connectionString: app.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE');
      const inFlight = app.http
        .get('/api/v1/auth/me')
        .set(admin.auth)
        .then((r) => r);
      await new Promise((resolve) => setTimeout(resolve, 300));

      const exit = new Promise<number | null>((resolve) =>
        app.process.once('exit', (code) => resolve(code)),
      );
      app.process.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await app.http.get('/health/ready')).status).toBe(503);

      await blocker.query('COMMIT');
      const finished = await inFlight;
      expect(finished.status).toBe(200);
      expect(finished.body.email).toBe(admin.user.email);
      expect(await exit).toBe(0);
    } finally {
      await blocker.end();
      await app.stop();
    }
  });
});

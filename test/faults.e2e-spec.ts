import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { startTestApp, TestApp } from './helpers/app';
import { loginAdmin, Session } from './helpers/auth';
import { OwnPostgres } from './helpers/own-postgres';
import { useAppBehindProxy } from './helpers/tcp-proxy';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The app's log lines at error level or above (pino: 50 error, 60 fatal). */
const errorLines = (output: string) =>
  output.split('\n').filter((line) => /"level":(5|6)0/.test(line));

describe('a connection cut in the middle of a transaction', () => {
  const behind = useAppBehindProxy();
  let admin: Session;
  beforeAll(async () => {
    admin = await loginAdmin(behind.app);
  });

  it.each([
    ['in a transaction of its own', {}],
    ['in the transaction of its Idempotency-Key', { 'Idempotency-Key': randomUUID() }],
  ])(
    'is a 503 that wrote nothing, %s; the retry writes it once',
    async (_, headers: Record<string, string>) => {
      const { app, proxy, databaseUrl } = behind;
      const name = `Halb ${randomUUID()}`;
      const blocker = new Client({ connectionString: databaseUrl });
      await blocker.connect();
      try {
        // The create inserts the company, then waits for the audit table, inside its transaction.
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE');
        const create = () =>
          app.http.post('/api/v1/companies').set(admin.auth).set(headers).send({ name });
        const pending = create().then((r) => r);
        await sleep(300);
        await proxy.down();
        const cut = await pending;
        expect(cut.status).toBe(503);
        expect(cut.headers['retry-after']).toBeDefined();
        await blocker.query('COMMIT');
        await proxy.up();
        const { rows } = await blocker.query('SELECT id FROM companies WHERE name = $1', [name]);
        expect(rows).toEqual([]);

        let retry = await create();
        for (let i = 0; retry.status === 503 && i < 50; i++) {
          await sleep(200);
          retry = await create();
        }
        expect(retry.status).toBe(201);
        const after = await blocker.query('SELECT id FROM companies WHERE name = $1', [name]);
        expect(after.rows).toEqual([{ id: retry.body.id }]);
      } finally {
        await blocker.end();
      }
    },
  );
});

describe('the database crashes under write load', () => {
  let pg: OwnPostgres;
  let app: TestApp;
  let admin: Session;

  beforeAll(async () => {
    pg = await OwnPostgres.start();
    app = await startTestApp({
      databaseUrl: pg.databaseUrl,
      env: { DB_CONNECT_TIMEOUT_MS: '1000', LOG_LEVEL: 'info' },
    });
    admin = await loginAdmin(app);
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await pg?.stop();
  });

  it('loses no acknowledged write, doubles none, answers 503 (never 500) while it is away and writes again soon after it is back', async () => {
    const statuses = new Map<number, number>();
    const acknowledged = new Map<string, string>();
    const times: { restartedAt?: number; firstWriteAfterRestart?: number } = {};
    let writing = true;
    let sequence = 0;
    let replayed = 0;
    let withoutRetryAfter = 0;

    /** A client as it should be: each write under its own key, retried on 503 until it is made. */
    const writer = async (w: number) => {
      while (writing) {
        const name = `Crash ${w}-${sequence++}`;
        const key = randomUUID();
        for (;;) {
          const response = await fetch(`${app.url}/api/v1/companies`, {
            method: 'POST',
            headers: { ...admin.auth, 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify({ name }),
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const body = (await response.json()) as { id?: string };
          if (response.status === 201) {
            acknowledged.set(name, body.id!);
            if (response.headers.get('idempotent-replayed')) replayed++;
            if (times.restartedAt !== undefined) times.firstWriteAfterRestart ??= Date.now();
            break;
          }
          if (!response.headers.get('retry-after')) withoutRetryAfter++;
          if (response.status !== 503 && response.status !== 409) break;
          await sleep(50);
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));

    await sleep(2000);
    const logBefore = app.output().length;
    await pg.crash();
    await sleep(6000);
    await pg.up();
    times.restartedAt = Date.now();
    for (let waited = 0; !times.firstWriteAfterRestart && waited < 15_000; waited += 100)
      await sleep(100);
    await sleep(1000);
    writing = false;
    await Promise.all(writers);

    const outageLog = app.output().slice(logBefore);
    const backAfterMs = times.firstWriteAfterRestart! - times.restartedAt;
    process.stdout.write(
      `crash test: ${JSON.stringify(Object.fromEntries(statuses))}, ${acknowledged.size} writes acknowledged (${replayed} of them replayed), writes back ${backAfterMs} ms after the database, ${errorLines(outageLog).length} error lines in the log\n`,
    );

    expect([...statuses.keys()].sort()).toEqual([201, 503]);
    expect(withoutRetryAfter).toBe(0);
    expect(backAfterMs).toBeLessThan(10_000);

    const db = new Client({ connectionString: pg.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ name: string; id: string }>(
        "SELECT name, id FROM companies WHERE name LIKE 'Crash %'",
      );
      // Every write made exactly once: none lost, none doubled.
      expect(rows.length).toBe(acknowledged.size);
      expect(new Map(rows.map((r) => [r.name, r.id]))).toEqual(acknowledged);
    } finally {
      await db.end();
    }
    expect(errorLines(outageLog).length).toBeLessThan(20);
    expect(outageLog).toMatch(/the database is unavailable/);
    expect(outageLog).toMatch(/"refused":\d+.*the database is back/);
  }, 60_000);
});

describe('SIGTERM under keep-alive load', () => {
  it('answers every request it takes or refuses the connection; none is cut', async () => {
    const app = await startTestApp({ env: { SHUTDOWN_GRACE_MS: '1000' } });
    const admin = await loginAdmin(app);
    const port = Number(new URL(app.url).port);
    const answered = new Map<number, number>();
    const failures = new Map<string, number>();
    let answeredAfterSignal = 0;
    let retired = 0;
    let signalled = false;

    const get = (agent: Agent) =>
      new Promise<{ status: number; close: boolean }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v1/companies?limit=5',
            agent,
            headers: admin.auth,
          },
          (response) => {
            response.resume();
            response.once('end', () =>
              resolve({
                status: response.statusCode!,
                close: response.headers.connection === 'close',
              }),
            );
            response.once('error', reject);
          },
        );
        request.once('error', reject);
        request.end();
      });
    const reader = async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (;;) {
          try {
            const { status, close } = await get(agent);
            answered.set(status, (answered.get(status) ?? 0) + 1);
            if (signalled) answeredAfterSignal++;
            if (close) retired++;
          } catch (error) {
            const code = (error as { code?: string }).code ?? String(error);
            failures.set(code, (failures.get(code) ?? 0) + 1);
            if (code === 'ECONNREFUSED') return;
          }
        }
      } finally {
        agent.destroy();
      }
    };

    try {
      const readers = Array.from({ length: 8 }, reader);
      await sleep(1000);
      const exit = new Promise<number | null>((resolve) => app.process.once('exit', resolve));
      app.process.kill('SIGTERM');
      signalled = true;
      await Promise.all(readers);
      const code = await exit;
      process.stdout.write(
        `SIGTERM test: answered ${JSON.stringify(Object.fromEntries(answered))} (${answeredAfterSignal} after the signal, ${retired} with Connection: close), failures ${JSON.stringify(Object.fromEntries(failures))}\n`,
      );
      expect([...answered.keys()]).toEqual([200]);
      expect(answeredAfterSignal).toBeGreaterThan(0);
      expect(retired).toBeGreaterThan(8);
      expect(Object.fromEntries(failures)).toEqual({ ECONNREFUSED: 8 });
      expect(code).toBe(0);
    } finally {
      await app.stop();
    }
  }, 60_000);
});

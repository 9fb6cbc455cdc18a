/**
 * Two instances of the app on one database, as behind a load balancer: what one instance does,
 * the other sees at once — a sign-out, a deactivation, a role change (each instance caches the
 * session check; LISTEN/NOTIFY drops it everywhere), an import's progress, an Idempotency-Key,
 * the failed sign-ins' throttle — and a schedule's tick runs its job once, not once per instance.
 */
import { randomUUID } from 'node:crypto';
import { TestApp } from './helpers/app';
import { login, loginAdmin, PASSWORD, Session } from './helpers/auth';
import { useInstances } from './helpers/instances';
import { Kit, kit } from './helpers/make';
import { Visitor } from './helpers/pages';

let a: TestApp, b: TestApp, admin: Session, make: Kit;
useInstances(
  2,
  async ([first, second]) => {
    [a, b] = [first, second];
    admin = await loginAdmin(a);
    make = kit(a, admin);
  },
  // The retention review at every minute, its schedule checked every second by both instances.
  { env: { RETENTION_CRON: '* * * * *', JOB_CRON_CHECK_SECONDS: '1' } },
);

const read = (app: TestApp, session: Session) =>
  app.http.get('/api/v1/contacts?limit=1').set(session.auth);
const statusOn = async (session: Session) => [
  (await read(a, session)).status,
  (await read(b, session)).status,
];
const sessionIdOf = (session: Session): string =>
  (
    JSON.parse(Buffer.from(session.accessToken.split('.')[1], 'base64url').toString()) as {
      sid: string;
    }
  ).sid;
const signedIn = async (role = 'staff'): Promise<Session> => {
  const user = await make.user({ role });
  return login(a, user.email, user.password);
};

describe('the session check, cached on each instance', () => {
  it('is kept: a revocation that bypasses the triggers goes unseen (what the NOTIFY is for)', async () => {
    const session = await signedIn();
    expect(await statusOn(session)).toEqual([200, 200]);
    const client = await a.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [
        sessionIdOf(session),
      ]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await statusOn(session)).toEqual([200, 200]);
  });

  it('ends on both instances at once when signed out through one', async () => {
    const session = await signedIn();
    expect(await statusOn(session)).toEqual([200, 200]);
    expect(await statusOn(session)).toEqual([200, 200]);
    expect((await b.http.post('/api/v1/auth/logout').set(session.auth)).status).toBe(204);
    expect(await statusOn(session)).toEqual([401, 401]);
  });

  it('ends a browser session signed in on one and out through the other', async () => {
    const user = await make.user();
    const onA = new Visitor(a.url);
    await onA.signIn(user.email, user.password);
    const onB = new Visitor(b.url);
    for (const [name, value] of onA.cookies) onB.cookies.set(name, value);
    const page = await onB.get('/');
    expect(page.status).toBe(200);
    expect((await onB.post('/logout', { _csrf: page.token! })).status).toBe(303);
    const after = await onA.get('/');
    expect([after.status, after.location]).toEqual([303, expect.stringMatching(/^\/login/)]);
  });

  it('ends a deactivated user’s token on the other instance at once', async () => {
    const user = await make.user();
    const session = await login(b, user.email, user.password);
    expect(await statusOn(session)).toEqual([200, 200]);
    expect((await make.api.patch(`/api/v1/users/${user.id}`, { active: false })).status).toBe(200);
    expect(await statusOn(session)).toEqual([401, 401]);
  });

  it('applies a role change on the other instance at once', async () => {
    const user = await make.user({ role: 'viewer' });
    const session = await login(a, user.email, user.password);
    const create = (app: TestApp) =>
      app.http
        .post('/api/v1/companies')
        .set(session.auth)
        .send({ name: `Rolle ${randomUUID()}` });
    expect((await create(b)).status).toBe(403);
    expect((await make.api.patch(`/api/v1/users/${user.id}`, { role: 'staff' })).status).toBe(200);
    expect((await create(b)).status).toBe(201);
  });
});

describe('what one instance starts, the other shows', () => {
  it('an import uploaded and run on A: its progress and outcome read through B', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `Zwei${i},Test,zwei${i}@example.de`);
    const csv = ['Nachname,Vorname,E-Mail', ...rows].join('\n');
    const upload = await a.http
      .post('/api/v1/imports')
      .set(admin.auth)
      .field('kind', 'contact')
      .attach('file', Buffer.from(csv), 'zwei.csv');
    expect(upload.status).toBe(201);
    const id = upload.body.id as string;
    const saved = await a.http
      .patch(`/api/v1/imports/${id}`)
      .set(admin.auth)
      .set('If-Match', `"${upload.body.version}"`)
      .send({ mapping: ['familyName', 'givenName', 'email'] });
    expect(saved.status).toBe(200);

    const seen: string[] = [];
    const onB = async (until: string) => {
      for (let i = 0; i < 1200; i++) {
        const res = await b.http.get(`/api/v1/imports/${id}`).set(admin.auth);
        const body = res.body as { status: string; progress: { done: number; total: number } };
        seen.push(`${body.status} ${body.progress.done}/${body.progress.total}`);
        if (body.status === until) return body;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`import ${id} never became ${until} on B: ${seen.slice(-3).join(', ')}`);
    };
    expect((await a.http.post(`/api/v1/imports/${id}/check`).set(admin.auth)).status).toBe(202);
    await onB('checked');
    expect((await a.http.post(`/api/v1/imports/${id}/run`).set(admin.auth)).status).toBe(202);
    const done = await onB('done');
    // B saw the states A set and the job's progress as it went, whichever instance ran it.
    expect(seen[0]).toMatch(/^checking /);
    expect(seen.some((s) => /^running \d+\/1500$/.test(s))).toBe(true);
    expect(done).toMatchObject({
      progress: { done: 1500, total: 1500 },
      counts: expect.objectContaining({ created: 1500 }),
    });
  });

  it('an Idempotency-Key sent to A and then to B makes one record; B replays A’s answer', async () => {
    const key = randomUUID();
    const name = `Einmal ${key}`;
    const post = (app: TestApp) =>
      app.http.post('/api/v1/companies').set(admin.auth).set('Idempotency-Key', key).send({ name });
    const first = await post(a);
    const again = await post(b);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const { rows } = await a.db.query('SELECT count(*)::int AS n FROM companies WHERE name = $1', [
      name,
    ]);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('counts failed sign-ins on A and B together', async () => {
    const user = await make.user();
    const signIn = (app: TestApp, password: string) =>
      app.http.post('/api/v1/auth/login').send({ email: user.email, password });
    // THROTTLE.perAccount is 5: three on A and two on B lock the account on both.
    for (const app of [a, a, a, b, b])
      expect((await signIn(app, 'wrong-password-1')).status).toBe(401);
    expect((await signIn(a, PASSWORD)).status).toBe(429);
    expect((await signIn(b, PASSWORD)).status).toBe(429);
  });
});

describe('a schedule on two instances', () => {
  it('runs each tick’s job once, not once per instance', async () => {
    const jobs = async () =>
      (
        await a.db.query<{ state: string }>(
          `SELECT state FROM pgboss.job WHERE name = 'retention-review' ORDER BY created_on`,
        )
      ).rows;
    const sends = async () =>
      (
        await a.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pgboss.job
           WHERE name = '__pgboss__send-it' AND singleton_key = 'retention-review'`,
        )
      ).rows[0].n;
    // A tick's job comes at once (its minute has begun); then both instances check the schedule
    // every second for a while, and no second job comes for the same tick. Each tick is one
    // `send-it` job (a singleton per minute), which makes the queue's job: as many of those.
    const settledAt = Date.now() + 3000;
    let ran = await jobs();
    let ticks = await sends();
    for (let i = 0; i < 150; i++) {
      const settled = ran.length === ticks && ran.every((j) => j.state === 'completed');
      if (ran.length > 0 && settled && Date.now() > settledAt) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
      [ran, ticks] = [await jobs(), await sends()];
    }
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran.length).toBe(ticks);
    expect(ran.every((j) => j.state === 'completed')).toBe(true);
  });
});

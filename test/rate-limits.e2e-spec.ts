import { startTestApp, TestApp } from './helpers/app';
import { login, loginAdmin, Session } from './helpers/auth';
import { kit } from './helpers/make';
import { Visitor } from './helpers/pages';

const LIMITS = {
  RATE_LIMIT_USER_PER_MINUTE: '20',
  RATE_LIMIT_ADDRESS_PER_MINUTE: '60',
  // Each test speaks from an address of its own (X-Forwarded-For), the setup from 127.0.0.1.
  TRUST_PROXY: 'true',
};

let a: TestApp;
let b: TestApp;
let admin: Session;
let address = 0;
const nextAddress = () => `10.0.0.${++address}`;

beforeAll(async () => {
  a = await startTestApp({ env: LIMITS });
  // A second instance on the same database: the limits hold across both.
  b = await startTestApp({ databaseUrl: a.databaseUrl, env: LIMITS });
  admin = await loginAdmin(a);
}, 60_000);
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

const newUser = async (): Promise<Session & { password: string }> => {
  const user = await kit(a, admin).user({ role: 'staff' });
  return { ...(await login(a, user.email, user.password)), password: user.password };
};
const list = (app: TestApp, session: Session, from: string) =>
  app.http.get('/api/v1/companies?limit=1').set(session.auth).set('X-Forwarded-For', from);
/** Sends until the first refusal (or `max`): how many were answered before it, and the refusal. */
async function untilRefused<R extends { status: number }>(send: () => PromiseLike<R>, max = 100) {
  for (let answered = 0; answered < max; answered++) {
    const res = await send();
    if (res.status === 429) return { answered, refusal: res };
    expect(res.status).toBeLessThan(400);
  }
  return { answered: max, refusal: undefined };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('API rate limits', () => {
  it('answer 429 with Retry-After beyond the requests a user may make in a minute, for that user only', async () => {
    const user = await newUser();
    const from = nextAddress();
    const { answered, refusal } = await untilRefused(() => list(a, user, from));
    expect(answered).toBe(20);
    expect(refusal!.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refusal!.body).toMatchObject({ status: 429, type: '/problems/too-many-requests' });
    expect(refusal!.body.detail).toMatch(/20 a minute per user/);
    const retryAfter = Number(refusal!.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another user from the same address is not affected.
    const other = await newUser();
    expect((await list(a, other, from)).status).toBe(200);
  });

  it('hold across instances: what one instance let through counts on the other', async () => {
    const user = await newUser();
    const from = nextAddress();
    for (let i = 0; i < 15; i++) expect((await list(a, user, from)).status).toBe(200);
    await sleep(1500); // one sync of instance a
    // b starts from the shared count of this user: 15 of 20.
    const onB = await untilRefused(() => list(b, user, nextAddress()));
    expect(onB.answered).toBe(5);
    // a learns b's count with its next sync of the user: at most what comes within a second.
    const onA = await untilRefused(async () => {
      const res = await list(a, user, nextAddress());
      await sleep(100);
      return res;
    });
    expect(onA.answered).toBeLessThanOrEqual(12);
  });

  it('count a client address before it signs in, and leave other addresses alone', async () => {
    const from = nextAddress();
    const refresh = () =>
      a.http
        .post('/api/v1/auth/refresh')
        .set('X-Forwarded-For', from)
        .send({ refreshToken: 'not-a-token' });
    const { answered, refusal } = await untilRefused(async () => {
      const res = await refresh();
      return res.status === 401 ? { ...res, status: 200 } : res;
    });
    expect(answered).toBe(60);
    expect(refusal!.headers['retry-after']).toBeDefined();
    const user = await newUser();
    const signIn = (ip: string) =>
      a.http
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: user.user.email, password: user.password });
    expect((await signIn(from)).status).toBe(429);
    expect((await signIn(nextAddress())).status).toBe(200);
  });

  it('count a page once, not the API calls it makes; never a health probe', async () => {
    const user = await newUser();
    const visitor = new Visitor(a.url);
    await visitor.signIn(user.user.email, user.password);
    // Each dashboard page calls the API several times in-process.
    for (let i = 0; i < 10; i++) expect((await visitor.get('/')).status).toBe(200);
    const { answered } = await untilRefused(() => list(a, user, nextAddress()));
    // The sign-in page and post are not the user's yet; ten pages were.
    expect(answered).toBe(10);
    const probe = nextAddress();
    for (let i = 0; i < 80; i++) {
      const res = await a.http.get('/health').set('X-Forwarded-For', probe);
      expect(res.status).toBe(200);
    }
  });
});

/**
 * A user's sessions: API sign-ins and browser sign-ins listed with a readable client, the
 * current one marked; ending one (one's own, all others, an admin's all of a user's, a password
 * reset or change) refuses its token from the very next request, and every end is audited.
 */
import { ADMIN } from './helpers/app';
import { PASSWORD } from './helpers/auth';
import { Visitor } from './helpers/pages';
import { ReceivedMail, TestSmtp } from './helpers/smtp';
import { Kit, Session, TestApp, User, useApp } from './helpers/world';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await TestSmtp.start();
});
afterAll(() => smtp.stop());

let app: TestApp, admin: Session, make: Kit;
useApp((w) => ({ app, admin, make } = w), {
  env: () => ({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://crm.example.org' }),
});

const CHROME_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const FIREFOX_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0';

interface SessionView {
  id: string;
  kind: 'browser' | 'api';
  client: string;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

/** The session id an access token is bound to. */
const sidOf = (s: Session): string =>
  (JSON.parse(Buffer.from(s.accessToken.split('.')[1], 'base64url').toString()) as { sid: string })
    .sid;

async function apiSignIn(user: User, userAgent = CHROME_LINUX): Promise<Session> {
  const res = await app.http
    .post('/api/v1/auth/login')
    .set('User-Agent', userAgent)
    .send({ email: user.email, password: user.password });
  expect(res.status).toBe(200);
  const body = res.body as Omit<Session, 'auth'>;
  return { ...body, auth: { Authorization: `Bearer ${body.accessToken}` } };
}

/** The sign-in form, posted as a browser posts it, from Firefox on Windows. */
async function browserSignIn(user: User): Promise<Visitor> {
  const visitor = new Visitor(app.url);
  const form = await visitor.get('/login');
  const answer = await visitor.post(
    '/login',
    { _csrf: form.token!, next: '/', email: user.email, password: user.password },
    { 'user-agent': FIREFOX_WINDOWS },
  );
  expect(answer.status).toBe(303);
  return visitor;
}

const mine = async (s: Session): Promise<SessionView[]> => {
  const res = await app.http.get('/api/v1/me/sessions').set(s.auth);
  expect(res.status).toBe(200);
  return (res.body as { items: SessionView[] }).items;
};
const status = async (s: Session) => (await app.http.get('/api/v1/auth/me').set(s.auth)).status;
/** 200 for a signed-in page, or where a signed-out one is sent. */
const pageStatus = async (v: Visitor) => {
  const page = await v.get('/profile');
  return page.status === 200 ? 200 : page.location.replace(/\?.*/, '');
};
const endEvents = async (userId: string) =>
  (
    await app.db.query(
      `SELECT actor_id, entity, entity_id, changes FROM audit_events
       WHERE action = 'session.end' AND entity_id = $1 ORDER BY at`,
      [userId],
    )
  ).rows as {
    actor_id: string;
    entity: string;
    entity_id: string;
    changes: { sessionId: string; reason: string; kind: string };
  }[];

describe('listing one’s sessions', () => {
  it('shows two API sign-ins and a browser sign-in, the current one marked, each with a readable client', async () => {
    const user = await make.user();
    const first = await apiSignIn(user);
    const second = await apiSignIn(user, 'curl/8.5.0');
    const browser = await browserSignIn(user);
    expect(await pageStatus(browser)).toBe(200);

    const items = await mine(first);
    expect(items).toHaveLength(3);
    const byId = new Map(items.map((s) => [s.id, s]));
    expect(byId.get(sidOf(first))).toMatchObject({
      kind: 'api',
      client: 'Chrome on Linux',
      current: true,
    });
    expect(byId.get(sidOf(second))).toMatchObject({ kind: 'api', client: 'curl', current: false });
    const web = items.find((s) => s.kind === 'browser')!;
    expect(web).toMatchObject({ client: 'Firefox on Windows', current: false });
    expect(items.filter((s) => s.current)).toHaveLength(1);
    for (const s of items) {
      expect(s.ip).toBeTruthy();
      expect(Date.parse(s.createdAt)).not.toBeNaN();
      expect(Date.parse(s.lastUsedAt)).not.toBeNaN();
    }
    // Another caller's list holds their own session alone.
    const other = await mine(await make.session());
    expect(other.map((s) => s.current)).toEqual([true]);
  });

  it('records the last use at most once a minute, in the session check itself', async () => {
    const user = await make.user();
    const s = await apiSignIn(user);
    const lastUse = async () =>
      (
        (await app.db.query('SELECT last_used_at FROM sessions WHERE id = $1', [sidOf(s)]))
          .rows[0] as { last_used_at: Date }
      ).last_used_at.getTime();
    await app.db.query(
      `UPDATE sessions SET last_used_at = now() - interval '5 minutes' WHERE id = $1`,
      [sidOf(s)],
    );
    const old = await lastUse();
    expect(await status(s)).toBe(200);
    const touched = await lastUse();
    expect(touched - old).toBeGreaterThan(4 * 60_000);
    // Within the minute, requests leave it as it is.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await status(s)).toBe(200);
    expect(await lastUse()).toBe(touched);

    // The browser's session too.
    const browser = await browserSignIn(user);
    const web = (await mine(s)).find((x) => x.kind === 'browser')!;
    await app.db.query(
      `UPDATE sessions SET last_used_at = now() - interval '5 minutes' WHERE id = $1`,
      [web.id],
    );
    expect(await pageStatus(browser)).toBe(200);
    const after = (await mine(s)).find((x) => x.id === web.id)!;
    expect(Date.now() - Date.parse(after.lastUsedAt)).toBeLessThan(60_000);
  });
});

describe('ending sessions', () => {
  it('ends one from the list: its next API request is a 401 and its pages send to sign-in, at once', async () => {
    const user = await make.user();
    const current = await apiSignIn(user);
    const other = await apiSignIn(user);
    const browser = await browserSignIn(user);
    expect(await status(other)).toBe(200);

    const res = await app.http.delete(`/api/v1/me/sessions/${sidOf(other)}`).set(current.auth);
    expect(res.status).toBe(204);
    expect(await status(other)).toBe(401);
    // Its refresh token is dead too.
    expect(
      (await app.http.post('/api/v1/auth/refresh').send({ refreshToken: other.refreshToken }))
        .status,
    ).toBe(401);

    const web = (await mine(current)).find((s) => s.kind === 'browser')!;
    expect(await pageStatus(browser)).toBe(200);
    expect((await app.http.delete(`/api/v1/me/sessions/${web.id}`).set(current.auth)).status).toBe(
      204,
    );
    expect(await pageStatus(browser)).toBe('/login');

    expect(await status(current)).toBe(200);
    expect((await mine(current)).map((s) => s.id)).toEqual([sidOf(current)]);
    // Ended already: not found.
    expect(
      (await app.http.delete(`/api/v1/me/sessions/${sidOf(other)}`).set(current.auth)).status,
    ).toBe(404);

    const events = await endEvents(user.id);
    expect(events.map((e) => [e.actor_id, e.entity, e.changes.sessionId, e.changes.kind])).toEqual([
      [user.id, 'user', sidOf(other), 'api'],
      [user.id, 'user', web.id, 'browser'],
    ]);
  });

  it('does not let another user end it (404), and the session lives on', async () => {
    const user = await make.user();
    const victim = await apiSignIn(user);
    const stranger = await make.session();
    const res = await app.http.delete(`/api/v1/me/sessions/${sidOf(victim)}`).set(stranger.auth);
    expect(res.status).toBe(404);
    expect(await status(victim)).toBe(200);
    expect(await endEvents(user.id)).toEqual([]);
    // Nor through the admin's route: staff may not.
    expect(
      (await app.http.delete(`/api/v1/users/${user.id}/sessions`).set(stranger.auth)).status,
    ).toBe(403);
    expect(
      (await app.http.get(`/api/v1/users/${user.id}/sessions`).set(stranger.auth)).status,
    ).toBe(403);
    expect(await status(victim)).toBe(200);
  });

  it('ends every other session and keeps the current one', async () => {
    const user = await make.user();
    const current = await apiSignIn(user);
    const others = [await apiSignIn(user), await apiSignIn(user)];
    const browser = await browserSignIn(user);

    expect((await app.http.delete('/api/v1/me/sessions').set(current.auth)).status).toBe(400);
    const res = await app.http.delete('/api/v1/me/sessions?others=true').set(current.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ended: 3 });

    expect(await status(current)).toBe(200);
    for (const s of others) expect(await status(s)).toBe(401);
    expect(await pageStatus(browser)).toBe('/login');
    const events = await endEvents(user.id);
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.actor_id === user.id && e.changes.reason === 'ended_others')).toBe(
      true,
    );
  });

  it('lets an admin list a user’s sessions and end them all', async () => {
    const user = await make.user();
    const sessions = [await apiSignIn(user), await apiSignIn(user)];
    const browser = await browserSignIn(user);

    const list = await app.http.get(`/api/v1/users/${user.id}/sessions`).set(admin.auth);
    expect(list.status).toBe(200);
    const items = (list.body as { items: SessionView[] }).items;
    expect(items).toHaveLength(3);
    expect(items.some((s) => s.current)).toBe(false);

    const res = await app.http.delete(`/api/v1/users/${user.id}/sessions`).set(admin.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ended: 3 });
    for (const s of sessions) expect(await status(s)).toBe(401);
    expect(await pageStatus(browser)).toBe('/login');
    expect(await status(admin)).toBe(200);

    const events = await endEvents(user.id);
    expect(events).toHaveLength(3);
    expect(
      events.every((e) => e.actor_id === admin.user.id && e.changes.reason === 'ended_by_admin'),
    ).toBe(true);
    expect(new Set(events.map((e) => e.changes.sessionId))).toEqual(
      new Set(items.map((s) => s.id)),
    );

    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await app.http.get(`/api/v1/users/${unknown}/sessions`).set(admin.auth)).status).toBe(
      404,
    );
    expect(
      (await app.http.delete(`/api/v1/users/${unknown}/sessions`).set(admin.auth)).status,
    ).toBe(404);
  });
});

describe('a new password ends every session', () => {
  const LINK = /https:\/\/crm\.example\.org\/password\/reset\?[^#\s]*#([A-Za-z0-9_-]{43})/;

  it('by a reset (the link of the mail)', async () => {
    const user = await make.user();
    const sessions = [await apiSignIn(user), await apiSignIn(user)];
    const browser = await browserSignIn(user);
    expect(
      (await app.http.post('/api/v1/auth/password-reset').send({ email: user.email })).status,
    ).toBe(202);
    const [mail] = (await smtp.waitFor((m: ReceivedMail) => m.to.includes(user.email))) as [
      ReceivedMail,
    ];
    const token = LINK.exec(mail.text)![1];
    const confirm = await app.http
      .post('/api/v1/auth/password-reset/confirm')
      .send({ token, password: 'a-brand-new-passphrase' });
    expect(confirm.status).toBe(204);

    for (const s of sessions) expect(await status(s)).toBe(401);
    expect(await pageStatus(browser)).toBe('/login');
    const [event] = (
      await app.db.query(
        `SELECT actor_id, changes FROM audit_events WHERE action = 'password.reset' AND entity_id = $1`,
        [user.id],
      )
    ).rows as { actor_id: string; changes: { sessionsEnded: number } }[];
    expect(event).toEqual({ actor_id: user.id, changes: { sessionsEnded: 3 } });
  });

  it('by a change of one’s own password', async () => {
    const user = await make.user();
    const [current, other] = [await apiSignIn(user), await apiSignIn(user)];
    const browser = await browserSignIn(user);
    const res = await app.http
      .post('/api/v1/auth/password')
      .set(current.auth)
      .send({ currentPassword: PASSWORD, newPassword: 'another-long-passphrase' });
    expect(res.status).toBe(204);
    expect(await status(current)).toBe(401);
    expect(await status(other)).toBe(401);
    expect(await pageStatus(browser)).toBe('/login');
    const [event] = (
      await app.db.query(
        `SELECT changes FROM audit_events WHERE action = 'password.change' AND entity_id = $1`,
        [user.id],
      )
    ).rows as { changes: { sessionsEnded: number } }[];
    expect(event.changes.sessionsEnded).toBe(3);
  });
});

describe('the pages', () => {
  it('/account/sessions lists them, this one marked, and its forms end one and all others', async () => {
    const user = await make.user();
    const api = await apiSignIn(user, 'curl/8.5.0');
    const browser = await browserSignIn(user);
    const other = await browserSignIn(user);
    const page = await browser.get('/account/sessions');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`id="session-${sidOf(api)}"`);
    expect(page.body.match(/aria-current="true"/g)).toHaveLength(1);
    expect(page.body).toContain('Firefox unter Windows');
    expect(page.body).toContain('id="end-others"');

    const ended = await browser.post(`/account/sessions/${sidOf(api)}/end`, { _csrf: page.token! });
    expect(ended.status).toBe(303);
    expect(ended.location).toBe('/account/sessions?done=ended');
    expect(await status(api)).toBe(401);

    const again = await browser.get('/account/sessions');
    const all = await browser.post('/account/sessions/end-others', { _csrf: again.token! });
    expect(all.location).toBe('/account/sessions?done=endedOthers');
    expect(await pageStatus(other)).toBe('/login');
    expect(await pageStatus(browser)).toBe(200);
  });

  it('a user’s page shows the admin that user’s sessions and ends them all', async () => {
    const user = await make.user();
    const api = await apiSignIn(user);
    const browser = await browserSignIn(user);
    const adminVisitor = new Visitor(app.url);
    await adminVisitor.signIn(ADMIN.email, ADMIN.password);
    const page = await adminVisitor.get(`/users/${user.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`id="session-${sidOf(api)}"`);
    expect(page.body).toContain('id="end-all-sessions"');
    const ended = await adminVisitor.post(`/users/${user.id}/sessions/end`, { _csrf: page.token! });
    expect(ended.status).toBe(303);
    expect(await status(api)).toBe(401);
    expect(await pageStatus(browser)).toBe('/login');
    const after = await adminVisitor.get(`/users/${user.id}?done=sessionsEnded`);
    expect(after.body).toContain('id="no-sessions"');
    expect(after.body).toContain('Alle Sitzungen sind beendet.');
    // Staff may not.
    const staff = await make.user();
    const staffVisitor = new Visitor(app.url);
    await staffVisitor.signIn(staff.email, staff.password);
    const form = await staffVisitor.get('/profile');
    expect(
      (await staffVisitor.post(`/users/${user.id}/sessions/end`, { _csrf: form.token! })).status,
    ).toBe(403);
  });
});

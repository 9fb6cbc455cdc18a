import { Secret, TOTP } from 'otpauth';
import { startTestApp } from './helpers/app';
import { loginAdmin } from './helpers/auth';
import { Kit, Session, TestApp, useApp } from './helpers/world';

let app: TestApp, make: Kit;
useApp((w) => ({ app, make } = w));

const totp = (secret: string) =>
  new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
/** The code of the time step `steps` from now (the app accepts ±1). */
const codeAt = (secret: string, steps = 0) =>
  totp(secret).generate({ timestamp: Date.now() + steps * 30_000 });

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function signIn(target: TestApp, email: string, password: string) {
  return target.http.post('/api/v1/auth/login').send({ email, password });
}

/** Sets up TOTP for a signed-in user: the secret and the recovery codes. */
async function enrol(target: TestApp, session: Session) {
  const started = await target.http.post('/api/v1/me/mfa/totp').set(session.auth);
  expect(started.status).toBe(201);
  const { secret, otpauthUri, qrSvg } = started.body as Record<string, string>;
  expect(otpauthUri).toContain(`secret=${secret}`);
  expect(qrSvg).toMatch(/^<svg[^>]*>/);
  const confirmed = await target.http
    .post('/api/v1/me/mfa/totp/confirm')
    .set(session.auth)
    .send({ code: codeAt(secret) });
  expect(confirmed.status).toBe(200);
  const codes = confirmed.body.codes as string[];
  expect(codes).toHaveLength(10);
  expect(new Set(codes).size).toBe(10);
  return { secret, codes };
}

describe('TOTP sign-in', () => {
  let user: { email: string; password: string; id: string };
  let session: Session;
  let secret: string;
  let codes: string[];

  beforeAll(async () => {
    const made = await make.user({ role: 'staff' });
    user = made;
    const res = await signIn(app, made.email, made.password);
    session = { ...res.body, auth: bearer(res.body.accessToken) };
    ({ secret, codes } = await enrol(app, session));
  });

  it('asks for the second step after the password, then answers the tokens for a code', async () => {
    const first = await signIn(app, user.email, user.password);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      mfaRequired: true,
      mfaToken: expect.any(String),
      methods: ['totp', 'recoveryCode'],
      expiresIn: 300,
    });
    expect(first.body.accessToken).toBeUndefined();
    // The second-step token is no access token.
    expect((await app.http.get('/api/v1/auth/me').set(bearer(first.body.mfaToken))).status).toBe(
      401,
    );
    const code = codeAt(secret, 1);
    const second = await app.http
      .post('/api/v1/auth/login/mfa')
      .send({ mfaToken: first.body.mfaToken, code });
    expect(second.status).toBe(200);
    expect(second.body.user.id).toBe(user.id);
    expect(
      (await app.http.get('/api/v1/auth/me').set(bearer(second.body.accessToken))).status,
    ).toBe(200);
    // The token of a completed sign-in signs in no more.
    const spent = await app.http
      .post('/api/v1/auth/login/mfa')
      .send({ mfaToken: first.body.mfaToken, recoveryCode: codes[5] });
    expect(spent.status).toBe(401);
    expect(spent.body.detail).toMatch(/already completed/);

    // The same code (its time step) is not taken twice.
    const again = await signIn(app, user.email, user.password);
    const replay = await app.http
      .post('/api/v1/auth/login/mfa')
      .send({ mfaToken: again.body.mfaToken, code });
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toMatch(/already used/);

    const audit = await app.db.query(
      `SELECT action, changes FROM audit_events WHERE entity_id = $1 ORDER BY at, id`,
      [user.id],
    );
    const actions = audit.rows.map((r: { action: string }) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'mfa.totp_started',
        'mfa.totp_enabled',
        'login.mfa',
        'login.mfa_failed',
      ]),
    );
    const success = audit.rows.find((r: { action: string }) => r.action === 'login.mfa');
    expect(success.changes.method).toBe('totp');
  });

  it('takes a recovery code once', async () => {
    const first = await signIn(app, user.email, user.password);
    const used = await app.http
      .post('/api/v1/auth/login/mfa')
      .send({ mfaToken: first.body.mfaToken, recoveryCode: codes[0].toUpperCase() });
    expect(used.status).toBe(200);
    const again = await signIn(app, user.email, user.password);
    const twice = await app.http
      .post('/api/v1/auth/login/mfa')
      .send({ mfaToken: again.body.mfaToken, recoveryCode: codes[0] });
    expect(twice.status).toBe(401);
    expect(twice.body.detail).toMatch(/recovery code/);
    const status = await app.http.get('/api/v1/me/mfa').set(session.auth);
    expect(status.body).toEqual({ totp: true, recoveryCodesLeft: 9, passkeys: 0, required: false });

    // New codes: the old ones stop working.
    const renewed = await app.http.post('/api/v1/me/mfa/recovery-codes').set(session.auth);
    expect(renewed.status).toBe(201);
    const third = await signIn(app, user.email, user.password);
    const old = await app.http
      .post('/api/v1/auth/login/mfa')
      .send({ mfaToken: third.body.mfaToken, recoveryCode: codes[1] });
    expect(old.status).toBe(401);
  });

  it('keeps the secret out of the audit trail and out of the database in clear', async () => {
    const audit = await app.db.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE changes::text ILIKE '%' || $1 || '%'`,
      [secret],
    );
    expect(audit.rows[0].n).toBe(0);
    const stored = await app.db.query(
      `SELECT count(*)::int AS n FROM user_totp
       WHERE user_id = $1 AND position(convert_to($2, 'UTF8') IN secret_encrypted) = 0`,
      [user.id, secret],
    );
    expect(stored.rows[0].n).toBe(1);
    const kept = await app.db.query(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE body ILIKE '%' || $1 || '%'`,
      [secret],
    );
    expect(kept.rows[0].n).toBe(0);
  });

  it('refuses a second step without a factor, or with two', async () => {
    const first = await signIn(app, user.email, user.password);
    const both = await app.http
      .post('/api/v1/auth/login/mfa')
      .send({ mfaToken: first.body.mfaToken, code: '123456', recoveryCode: codes[2] });
    expect(both.status).toBe(400);
    // Passkey options for the token's user: a fresh challenge, none of the user's (there are none).
    const options = await app.http
      .post('/api/v1/auth/login/passkey-options')
      .send({ mfaToken: first.body.mfaToken });
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({ challenge: expect.any(String), allowCredentials: [] });
    const stranger = await app.http
      .post('/api/v1/auth/login/passkey-options')
      .send({ mfaToken: session.accessToken });
    expect(stranger.status).toBe(401);
    const none = await app.http
      .post('/api/v1/auth/login/mfa')
      .send({ mfaToken: first.body.mfaToken });
    expect(none.status).toBe(400);
    const bad = await app.http
      .post('/api/v1/auth/login/mfa')
      .send({ mfaToken: 'not-a-token', code: '123456' });
    expect(bad.status).toBe(401);
  });

  it('turns TOTP off with the password; then the password alone signs in', async () => {
    const wrong = await app.http
      .delete('/api/v1/me/mfa/totp')
      .set(session.auth)
      .send({ password: 'not-the-password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('password');
    const off = await app.http
      .delete('/api/v1/me/mfa/totp')
      .set(session.auth)
      .send({ password: user.password });
    expect(off.status).toBe(204);
    const plain = await signIn(app, user.email, user.password);
    expect(plain.status).toBe(200);
    expect(plain.body.accessToken).toEqual(expect.any(String));
    const status = await app.http.get('/api/v1/me/mfa').set(session.auth);
    expect(status.body).toMatchObject({ totp: false, recoveryCodesLeft: 0 });
  });
});

describe('wrong codes', () => {
  it('locks the account after five wrong codes (429), even for the right one', async () => {
    const made = await make.user({ role: 'viewer' });
    const res = await signIn(app, made.email, made.password);
    const { secret } = await enrol(app, { ...res.body, auth: bearer(res.body.accessToken) });
    const { mfaToken } = (await signIn(app, made.email, made.password)).body;
    const right = codeAt(secret, 1);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const attempt = await app.http.post('/api/v1/auth/login/mfa').send({ mfaToken, code: wrong });
      expect(attempt.status).toBe(401);
    }
    const locked = await app.http.post('/api/v1/auth/login/mfa').send({ mfaToken, code: right });
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toEqual(expect.any(String));
  });
});

describe('MFA_REQUIRED_ROLES=admin', () => {
  let walled: TestApp;
  beforeAll(async () => {
    walled = await startTestApp({ env: { MFA_REQUIRED_ROLES: 'admin' } });
  });
  afterAll(() => walled?.stop());

  it('lets an admin without a second factor reach only the enrolment, until one is set up', async () => {
    const admin = await loginAdmin(walled);
    const companies = await walled.http.get('/api/v1/companies').set(admin.auth);
    expect(companies.status).toBe(403);
    expect(companies.body.code).toBe('mfaRequired');
    expect(companies.body.detail).toContain('/account/security');
    expect((await walled.http.get('/api/v1/auth/me').set(admin.auth)).status).toBe(200);
    const status = await walled.http.get('/api/v1/me/mfa').set(admin.auth);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ totp: false, required: true });
    // Their own sessions too (to end one they do not recognise), but not another user's.
    expect((await walled.http.get('/api/v1/me/sessions').set(admin.auth)).status).toBe(200);
    const others = await walled.http.get(`/api/v1/users/${admin.user.id}/sessions`).set(admin.auth);
    expect(others.body.code).toBe('mfaRequired');

    await enrol(walled, admin);
    expect((await walled.http.get('/api/v1/companies').set(admin.auth)).status).toBe(200);
  });
});

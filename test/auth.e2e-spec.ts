import jwt from 'jsonwebtoken';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ADMIN, TEST_JWT_SECRET, startTestApp } from './helpers/app';
import { PASSWORD, login, loginAdmin } from './helpers/auth';
import { Visitor } from './helpers/pages';
import { cast, statusReport, statusesOf } from './helpers/roles';
import { Api, Cast, Kit, Session, TestApp, useApp } from './helpers/world';

let app: TestApp, admin: Session, make: Kit, api: Api;
useApp((w) => ({ app, admin, make, api } = w));

const me = (token: string) =>
  app.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);

describe('login', () => {
  it('answers tokens and the user; the access token lasts 15 minutes', async () => {
    const user = await make.user({ role: 'viewer', email: 'Mixed.Case@Test.Liaison' });
    const res = await app.http
      .post('/api/v1/auth/login')
      .send({ email: 'mixed.case@test.liaison', password: user.password });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      expiresIn: 900,
      user: { id: user.id, role: 'viewer', companyId: null },
    });
    expect(res.body.user.passwordHash).toBeUndefined();
    const claims = jwt.decode(res.body.accessToken, { complete: true }) as jwt.Jwt & {
      payload: jwt.JwtPayload;
    };
    expect(claims.header.alg).toBe('HS256');
    expect(claims.payload.exp! - claims.payload.iat!).toBe(900);
    expect(claims.payload).toMatchObject({ iss: 'liaison', aud: 'liaison-api', sub: user.id });
    expect((await me(res.body.accessToken)).body).toEqual({
      id: user.id,
      email: 'mixed.case@test.liaison',
      displayName: expect.any(String),
      role: 'viewer',
      companyId: null,
      locale: 'de',
    });
  });

  it('gives the same 401 for a wrong password and an unknown email', async () => {
    const user = await make.user();
    const wrong = await app.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'wrong-password-1' });
    const unknown = await app.http
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@test.liaison', password: 'wrong-password-1' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.type).toBe(unknown.body.type);
  });

  it('answers a malformed login body with 400 naming the field', async () => {
    const res = await app.http.post('/api/v1/auth/login').send({ email: 42 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['email', 'password']),
    );
  });

  it('records sign-ins, good and bad, in the audit log', async () => {
    const user = await make.user();
    await app.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'nope-nope-nope' });
    await login(app, user.email, user.password);
    const res = await app.http.get(`/api/v1/audit?entity=user&entityId=${user.id}`).set(admin.auth);
    expect(res.status).toBe(200);
    const actions = (res.body.items as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['create', 'login.failed', 'login']));
  });
});

describe('refresh tokens', () => {
  it('rotates: the new pair works, the old refresh token is dead', async () => {
    const user = await make.user();
    const first = await login(app, user.email, user.password);
    const second = await app.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.body.accessToken)).status).toBe(200);
    const third = await app.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: second.body.refreshToken });
    expect(third.status).toBe(200);
  });

  it('revokes the whole family when a used refresh token comes back', async () => {
    const user = await make.user();
    const first = await login(app, user.email, user.password);
    const rotated = await app.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.refreshToken });
    expect(rotated.status).toBe(200);

    // An attacker replays the stolen, already used token:
    const replay = await app.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    // ...and the legitimate holder's newer tokens die with the family.
    expect(
      (
        await app.http
          .post('/api/v1/auth/refresh')
          .send({ refreshToken: rotated.body.refreshToken })
      ).status,
    ).toBe(401);
    expect((await me(rotated.body.accessToken)).status).toBe(401);
    expect((await me(first.accessToken)).status).toBe(401);
    // Another sign-in of the same user is a different family and lives on.
    const other = await login(app, user.email, user.password);
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it('refuses an unknown refresh token', async () => {
    const res = await app.http.post('/api/v1/auth/refresh').send({ refreshToken: 'made-up-token' });
    expect(res.status).toBe(401);
  });
});

describe('logout, deactivation and password changes end sessions at once', () => {
  it('logout kills the access and the refresh token', async () => {
    const session = await make.session('staff');
    expect((await app.http.post('/api/v1/auth/logout').set(session.auth)).status).toBe(204);
    expect((await me(session.accessToken)).status).toBe(401);
    expect(
      (await app.http.post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }))
        .status,
    ).toBe(401);
  });

  it('deactivating a user refuses its live access token on the next request', async () => {
    const user = await make.user();
    const session = await login(app, user.email, user.password);
    expect((await me(session.accessToken)).status).toBe(200);
    const off = await api.patch(`/api/v1/users/${user.id}`, { active: false });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await me(session.accessToken)).status).toBe(401);
    expect(
      (await app.http.post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }))
        .status,
    ).toBe(401);
    expect(
      (
        await app.http
          .post('/api/v1/auth/login')
          .send({ email: user.email, password: user.password })
      ).status,
    ).toBe(401);
  });

  it("changing one's password ends every session; the new password works", async () => {
    const user = await make.user();
    const a = await login(app, user.email, user.password);
    const b = await login(app, user.email, user.password);
    const wrong = await app.http
      .post('/api/v1/auth/password')
      .set(a.auth)
      .send({ currentPassword: 'not-it-at-all', newPassword: 'a-new-password-2026' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('currentPassword');
    const tooShort = await app.http
      .post('/api/v1/auth/password')
      .set(a.auth)
      .send({ currentPassword: PASSWORD, newPassword: 'short' });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.errors[0].field).toBe('newPassword');
    const changed = await app.http
      .post('/api/v1/auth/password')
      .set(a.auth)
      .send({ currentPassword: PASSWORD, newPassword: 'a-new-password-2026' });
    expect(changed.status).toBe(204);
    expect((await me(a.accessToken)).status).toBe(401);
    expect((await me(b.accessToken)).status).toBe(401);
    await login(app, user.email, 'a-new-password-2026');
  });

  it("an admin password reset ends the user's sessions too", async () => {
    const user = await make.user();
    const session = await login(app, user.email, user.password);
    const reset = await api.patch(`/api/v1/users/${user.id}`, { password: 'reset-by-admin-123' });
    expect(reset.status).toBe(200);
    expect((await me(session.accessToken)).status).toBe(401);
    await login(app, user.email, 'reset-by-admin-123');
  });
});

describe('forged tokens', () => {
  let session: Session;
  let claims: { sub: string; sid: string };
  beforeAll(async () => {
    session = await make.session('staff');
    const decoded = jwt.decode(session.accessToken) as jwt.JwtPayload;
    claims = { sub: decoded.sub!, sid: decoded.sid as string };
  });
  const sign = (payload: object, options: jwt.SignOptions, secret = TEST_JWT_SECRET) =>
    jwt.sign(payload, secret, options);
  const good: jwt.SignOptions = {
    algorithm: 'HS256',
    issuer: 'liaison',
    audience: 'liaison-api',
    expiresIn: 60,
  };

  it('accepts a correctly signed token, up to the lifetime the app gives (control)', async () => {
    expect((await me(sign(claims, good))).status).toBe(200);
    expect((await me(sign(claims, { ...good, expiresIn: 15 * 60 }))).status).toBe(200);
  });

  it.each<[string, () => string]>([
    ['a wrong secret', () => sign(claims, good, 'another-secret-another-secret-123')],
    [
      'an expired token',
      () =>
        sign(
          { ...claims, exp: Math.floor(Date.now() / 1000) - 10 },
          { algorithm: 'HS256', issuer: 'liaison', audience: 'liaison-api' },
        ),
    ],
    [
      'a token without an expiry',
      () => sign(claims, { algorithm: 'HS256', issuer: 'liaison', audience: 'liaison-api' }),
    ],
    [
      'a token with longer to live than the 15 minutes the app gives',
      () => sign(claims, { ...good, expiresIn: 15 * 60 + 120 }),
    ],
    ['a token that lives for a year', () => sign(claims, { ...good, expiresIn: '365d' })],
    ['a wrong audience', () => sign(claims, { ...good, audience: 'another-api' })],
    ['a wrong issuer', () => sign(claims, { ...good, issuer: 'someone-else' })],
    ['HS512', () => sign(claims, { ...good, algorithm: 'HS512' })],
    [
      'alg none',
      () => {
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: 'liaison', aud: 'liaison-api', iat: now, exp: now + 60 })}.`;
      },
    ],
    [
      'a session id that does not exist',
      () => sign({ ...claims, sid: '00000000-0000-4000-8000-000000000000' }, good),
    ],
    ['garbage', () => 'not.a.token'],
  ])('refuses %s with 401', async (_, token) => {
    const res = await me(token());
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('refuses a request without a token with 401', async () => {
    expect((await app.http.get('/api/v1/auth/me')).status).toBe(401);
  });
});

describe('throttling', () => {
  it('locks an account after repeated failures with 429, even for the right password', async () => {
    const user = await make.user();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (
          await app.http
            .post('/api/v1/auth/login')
            .send({ email: user.email, password: `wrong-${i}-wrong-wrong` })
        ).status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const right = await app.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password });
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // Other accounts are not affected.
    await loginAdmin(app);
  });

  it('treats an unknown email like a known one', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (
          await app.http
            .post('/api/v1/auth/login')
            .send({ email: 'ghost@test.liaison', password: `wrong-${i}-wrong-wrong` })
        ).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('keeps the count in PostgreSQL, where every instance sees it', async () => {
    const { rows } = await app.db.query(
      `SELECT failures, locked_until > now() AS locked FROM login_throttle WHERE key = 'account:ghost@test.liaison'`,
    );
    expect(rows[0]).toEqual({ failures: 5, locked: true });
  });

  it('counts every spelling that finds an account against that account, and finds it by no other', async () => {
    const victim = await make.user({ email: 'ivictim@test.liaison' });
    const kelvin = await make.user({ email: 'kelvin@test.liaison' });
    const jose = await make.user({ email: 'jos\u00e9@test.liaison' });
    const signIn = (email: string, password: string) =>
      app.http.post('/api/v1/auth/login').send({ email, password });
    // Other spellings of the same address are that account.
    for (const [user, spelling] of [
      [kelvin, '\u212Aelvin@test.liaison'],
      [kelvin, '  KELVIN@Test.Liaison '],
      [jose, 'jose\u0301@test.liaison'],
      [jose, 'JOSE\u0301@TEST.LIAISON'],
      [jose, 'JOS\u00c9@test.liaison'],
    ] as const) {
      const res = await signIn(spelling, user.password);
      expect({ spelling, status: res.status, id: res.body.user?.id }).toEqual({
        spelling,
        status: 200,
        id: user.id,
      });
    }
    // `İ` lower-cases to i + U+0307: another address, which no account has.
    expect((await signIn('\u0130victim@test.liaison', victim.password)).status).toBe(401);

    for (const [i, spelling] of [
      'IVICTIM@test.liaison',
      ' ivictim@test.liaison',
      'ＩＶＩＣＴＩＭ@test.liaison',
      'iVictim@Test.Liaison',
      'ivictim@test.liaison\u00a0',
    ].entries())
      expect((await signIn(spelling, `wrong-${i}-wrong-wrong`)).status).toBe(401);
    for (const spelling of [
      'ivictim@test.liaison',
      'IVICTIM@TEST.LIAISON',
      'ｉvictim@test.liaison',
    ])
      expect({ spelling, status: (await signIn(spelling, victim.password)).status }).toEqual({
        spelling,
        status: 429,
      });
    const { rows } = await app.db.query(
      `SELECT key, failures FROM login_throttle WHERE key LIKE 'account:%victim@test.liaison'`,
    );
    // The one dotted-I try counted on an address of its own, which locks nobody.
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(
      expect.arrayContaining([
        { key: 'account:ivictim@test.liaison', failures: 5 },
        { key: 'account:i\u0307victim@test.liaison', failures: 1 },
      ]),
    );
  });
});

describe('users', () => {
  it('requires companyId for a company user and forbids it otherwise', async () => {
    const company = await make.company();
    const missing = await api.post('/api/v1/users', {
      email: 'c1@test.liaison',
      displayName: 'C',
      role: 'company',
      password: PASSWORD,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'companyId' })]);
    const forStaff = await api.post('/api/v1/users', {
      email: 'c2@test.liaison',
      displayName: 'C',
      role: 'staff',
      companyId: company.id,
      password: PASSWORD,
    });
    expect(forStaff.status).toBe(400);
    expect(forStaff.body.errors[0].field).toBe('companyId');
    const unknown = await api.post('/api/v1/users', {
      email: 'c3@test.liaison',
      displayName: 'C',
      role: 'company',
      companyId: '00000000-0000-4000-8000-000000000000',
      password: PASSWORD,
    });
    expect(unknown.status).toBe(400);
    const ok = await api.post('/api/v1/users', {
      email: 'c4@test.liaison',
      displayName: 'C',
      role: 'company',
      companyId: company.id,
      password: PASSWORD,
    });
    expect(ok.status).toBe(201);
    expect(ok.body.companyId).toBe(company.id);
  });

  it('refuses a duplicate email in any spelling of it with 409, on create and on change', async () => {
    await make.user({ email: 'dup.kelvin.jos\u00e9@test.liaison' });
    for (const spelling of [
      'DUP.KELVIN.JOS\u00c9@test.liaison',
      'dup.\u212Aelvin.jos\u00e9@test.liaison', // the Kelvin sign
      'dup.kelvin.jose\u0301@test.liaison', // NFD
      '  dup.kelvin.jos\u00e9@test.liaison ',
      'ｄｕｐ.kelvin.jos\u00e9@test.liaison', // full width
    ]) {
      const res = await api.post('/api/v1/users', {
        email: spelling,
        displayName: 'D',
        role: 'staff',
        password: PASSWORD,
      });
      expect({ spelling, status: res.status }).toEqual({ spelling, status: 409 });
      expect(res.body.errors).toEqual([
        { field: 'email', code: 'unique', message: expect.any(String) },
      ]);
    }
    const other = await make.user();
    const taken = await api.patch(`/api/v1/users/${other.id}`, {
      email: 'DUP.\u212Aelvin.jose\u0301@test.liaison',
    });
    expect(taken.status).toBe(409);
    // What is stored and answered is the normalised address.
    const renamed = await api.patch(`/api/v1/users/${other.id}`, {
      email: ' Renamed.Jose\u0301@Test.Liaison ',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.email).toBe('renamed.jos\u00e9@test.liaison');
  });

  it('creates one user when the same email is sent four times at once, and answers 409 to the rest', async () => {
    const send = (i: number) =>
      api.post('/api/v1/users', {
        email: 'race@test.liaison',
        displayName: `R${i}`,
        role: 'staff',
        password: PASSWORD,
      });
    const answers = await Promise.all([0, 1, 2, 3].map(send));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409))
      expect(a.body.errors).toEqual([expect.objectContaining({ field: 'email', code: 'unique' })]);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM users WHERE email = 'race@test.liaison'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('enforces password length 12..128 without composition rules', async () => {
    const base = { displayName: 'P', role: 'staff' };
    const created = async (email: string, password: string) =>
      (await api.post('/api/v1/users', { ...base, email, password })).status;
    expect(await created('p1@test.liaison', 'elevenchars')).toBe(400);
    expect(await created('p2@test.liaison', 'x'.repeat(129))).toBe(400);
    expect(await created('p3@test.liaison', 'alllowercaseletters')).toBe(201);
  });

  it('stores argon2id hashes at OWASP minimum parameters and never shows them', async () => {
    const user = await make.user();
    const { rows } = await app.db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const res = await app.http.get(`/api/v1/users/${user.id}`).set(admin.auth);
    expect(JSON.stringify(res.body)).not.toMatch(/argon|password/i);
  });

  it('does not let anyone change their own role', async () => {
    const me2 = await app.http.get(`/api/v1/users/${admin.user.id}`).set(admin.auth);
    const res = await app.http
      .patch(`/api/v1/users/${admin.user.id}`)
      .set(admin.auth)
      .set('If-Match', me2.headers.etag as string)
      .send({ role: 'staff' });
    expect(res.status).toBe(403);
  });

  it('keeps the last active admin: it cannot be demoted or deactivated', async () => {
    // A second admin may demote the first, but then nobody may remove the remaining one.
    const second = await make.user({ role: 'admin' });
    const secondSession = await login(app, second.email, second.password);
    const first = await app.http.get(`/api/v1/users/${admin.user.id}`).set(admin.auth);
    const demoted = await app.http
      .patch(`/api/v1/users/${admin.user.id}`)
      .set(secondSession.auth)
      .set('If-Match', first.headers.etag as string)
      .send({ role: 'staff' });
    expect(demoted.status).toBe(200);
    // The first admin is now staff and cannot manage users any more.
    expect((await app.http.get('/api/v1/users').set(admin.auth)).status).toBe(403);
    // A third admin tries to deactivate the second: allowed only while another admin remains.
    const current = await app.http.get(`/api/v1/users/${second.id}`).set(secondSession.auth);
    // Restore the first admin, then check the guard with only one admin left.
    const back = await app.http
      .patch(`/api/v1/users/${admin.user.id}`)
      .set(secondSession.auth)
      .set('If-Match', `"${demoted.body.version}"`)
      .send({ role: 'admin' });
    expect(back.status).toBe(200);
    const off = await app.http
      .patch(`/api/v1/users/${second.id}`)
      .set(admin.auth)
      .set('If-Match', current.headers.etag as string)
      .send({ active: false });
    expect(off.status).toBe(200);
    const self = await app.http.get(`/api/v1/users/${admin.user.id}`).set(admin.auth);
    const last = await app.http
      .patch(`/api/v1/users/${admin.user.id}`)
      .set(admin.auth)
      .set('If-Match', self.headers.etag as string)
      .send({ active: false });
    expect(last.status).toBe(409);
    expect(last.body.detail).toMatch(/last active admin/);
  });

  it('records user changes with before and after', async () => {
    const user = await make.user({ displayName: 'Before Name' });
    await api.patch(`/api/v1/users/${user.id}`, { displayName: 'After Name', locale: 'en' });
    const res = await app.http.get(`/api/v1/audit?entity=user&entityId=${user.id}`).set(admin.auth);
    const update = (res.body.items as { action: string; changes: Record<string, unknown> }[]).find(
      (e) => e.action === 'update',
    );
    expect(update?.changes).toEqual({
      displayName: { before: 'Before Name', after: 'After Name' },
      locale: { before: 'de', after: 'en' },
    });
  });
});

describe('roles', () => {
  it('a viewer cannot write and cannot manage users (403)', async () => {
    const viewer = await make.session('viewer');
    expect(
      (
        await app.http
          .post('/api/v1/users')
          .set(viewer.auth)
          .send({ email: 'v@test.liaison', displayName: 'V', role: 'staff', password: PASSWORD })
      ).status,
    ).toBe(403);
    expect((await app.http.get('/api/v1/users').set(viewer.auth)).status).toBe(403);
    expect((await app.http.get('/api/v1/audit').set(viewer.auth)).status).toBe(403);
    expect((await app.http.get('/api/v1/auth/me').set(viewer.auth)).status).toBe(200);
  });

  it('a role change applies on the next request, without a new token', async () => {
    const user = await make.user({ role: 'staff' });
    const session = await login(app, user.email, user.password);
    expect((await app.http.get('/api/v1/users').set(session.auth)).status).toBe(403);
    await api.patch(`/api/v1/users/${user.id}`, { role: 'admin' });
    expect((await app.http.get('/api/v1/users').set(session.auth)).status).toBe(200);
  });
});

describe('bootstrap admin', () => {
  it('was created from ADMIN_EMAIL/ADMIN_PASSWORD and is not duplicated on a restart', async () => {
    const { rows } = await app.db.query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [
      ADMIN.email,
    ]);
    expect(rows[0].n).toBe(1);
    // Another spelling of the same address is the same admin.
    const second = await startTestApp({
      databaseUrl: app.databaseUrl,
      env: { ADMIN_EMAIL: ADMIN.email.replace('admin', 'ＡＤＭＩＮ') },
    });
    await second.stop();
    const again = await app.db.query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [
      ADMIN.email,
    ]);
    expect(again.rows[0].n).toBe(1);
  });
});

describe('users: PATCH with null', () => {
  it('refuses null for fields that cannot be empty (400, never 500)', async () => {
    const user = await make.user();
    for (const body of [
      { displayName: null },
      { email: null },
      { role: null },
      { active: null },
      { locale: null },
      { password: null },
    ]) {
      const res = await api.patch(`/api/v1/users/${user.id}`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
  });
});

describe('users: directory', () => {
  const directory = (session: Session, query = '') =>
    app.http.get(`/api/v1/users/directory${query}`).set(session.auth);
  let c: Cast;
  let zoe: { id: string };
  let gone: { id: string };
  let viewerUser: { id: string };
  let companyUser: { id: string };
  beforeAll(async () => {
    c = await cast(app, admin);
    zoe = await make.user({ role: 'staff', displayName: 'Zoë Verzeichnis' });
    await make.user({ role: 'admin', displayName: 'Zacharias Verzeichnis' });
    viewerUser = await make.user({ role: 'viewer', displayName: 'Viola Verzeichnis' });
    companyUser = await make.user({
      role: 'company',
      companyId: c.ownCompany.id,
      displayName: 'Konrad Verzeichnis',
    });
    const inactive = await make.user({ role: 'staff', displayName: 'Gerd Verzeichnis' });
    gone = inactive;
    await api.patch(`/api/v1/users/${inactive.id}`, { active: false });
  });

  it('is for the agency’s roles: admin, staff and viewer 200, a company user 403', async () => {
    const statuses = await statusesOf(
      c,
      async (_role, session) => (await directory(session)).status,
    );
    expect(
      statusReport({ admin: 200, staff: 200, viewer: 200, own: 403, foreign: 403 }, statuses),
    ).toEqual([]);
  });

  it('lists the active admin and staff users by name, with name and role only', async () => {
    const res = await directory(c.sessions.viewer, '?q=verzeichnis');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { id: expect.any(String), displayName: 'Zacharias Verzeichnis', role: 'admin' },
        { id: zoe.id, displayName: 'Zoë Verzeichnis', role: 'staff' },
      ],
      nextCursor: null,
    });
    const all = await directory(c.sessions.staff, '?limit=200');
    const listed = (all.body.items as { id: string; role: string }[]).map((u) => u.id);
    expect(listed).toContain(c.sessions.staff.user.id);
    for (const id of [gone.id, viewerUser.id, companyUser.id, c.sessions.own.user.id])
      expect(listed).not.toContain(id);
  });

  it('finds by part of the name, accent- and case-insensitively, and pages', async () => {
    expect((await directory(c.sessions.staff, '?q=ZOE')).body.items).toEqual([
      { id: zoe.id, displayName: 'Zoë Verzeichnis', role: 'staff' },
    ]);
    expect((await directory(c.sessions.staff, '?q=%25')).body.items).toEqual([]);
    const first = await directory(c.sessions.staff, '?q=verzeichnis&limit=1');
    expect(first.body.items).toHaveLength(1);
    const second = await directory(
      c.sessions.staff,
      `?q=verzeichnis&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.items.map((u: { id: string }) => u.id)).toEqual([zoe.id]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('refuses bad queries with 400 naming the parameter', async () => {
    for (const [query, field, code] of [
      [`?q=${'x'.repeat(201)}`, 'q', 'maxLength'],
      ['?role=company', 'role', 'unknown'],
      ['?sort=email', 'sort', 'isIn'],
      ['?limit=0', 'limit', 'min'],
    ]) {
      const res = await directory(c.sessions.staff, query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.errors).toContainEqual(expect.objectContaining({ field, code }));
    }
  });
});

describe('browser sessions: the CSRF token', () => {
  const EXPIRED = 'Das Formular ist abgelaufen.';
  /** A signed-in visitor of the pages, and the token its profile page carries. */
  async function signedIn(): Promise<{ visitor: Visitor; token: string; id: string }> {
    const user = await make.user();
    const visitor = new Visitor(app.url);
    await visitor.signIn(user.email, user.password);
    const page = await visitor.get('/profile');
    expect(page.status).toBe(200);
    return { visitor, token: page.token!, id: user.id };
  }
  const locale = async (id: string) =>
    (
      (await app.db.query('SELECT locale FROM users WHERE id = $1', [id])).rows[0] as {
        locale: string;
      }
    ).locale;

  it('is masked anew on every page, each mask valid, and pages come compressed', async () => {
    const a = await signedIn();
    const again = (await a.visitor.get('/profile')).token!;
    expect(again).not.toBe(a.token);
    // Compressed as the browser asks, with the encoding named and the cache told it varies.
    for (const [accept, encoding] of [
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip', 'gzip'],
      ['identity', null],
    ] as const) {
      const raw = await fetch(`${app.url}/profile`, {
        headers: { cookie: a.visitor.cookie, 'accept-encoding': accept },
      });
      expect(raw.status).toBe(200);
      expect(raw.headers.get('content-encoding')).toBe(encoding);
      expect(raw.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(await raw.text()).toContain('name="_csrf"');
    }
    // Both masks of the one token are taken.
    for (const token of [a.token, again])
      expect((await a.visitor.post('/profile/locale', { _csrf: token, locale: 'en' })).status).toBe(
        303,
      );
  });

  it("refuses another session's token, and a cookie and token planted together (403)", async () => {
    const a = await signedIn();
    const b = await signedIn();
    expect(a.token).not.toBe(b.token);

    // B's session with A's token, alone or with A's cookies beside it.
    const stolen = await b.visitor.post('/profile/locale', { _csrf: a.token, locale: 'en' });
    expect(stolen.status).toBe(403);
    expect(stolen.body).toContain(EXPIRED);
    const session = `liaison_session=${b.visitor.cookies.get('liaison_session')}`;
    const planted = await b.visitor.post(
      '/profile/locale',
      { _csrf: a.token, locale: 'en' },
      { cookie: `liaison_csrf=${a.visitor.cookies.get('liaison_csrf')}; ${session}` },
    );
    expect(planted.status).toBe(403);
    // A pair an attacker got from the sign-in form, planted in a signed-in browser.
    const attacker = new Visitor(app.url);
    const form = await attacker.get('/login');
    const pair = await b.visitor.post(
      '/profile/locale',
      { _csrf: form.token!, locale: 'en' },
      { cookie: `${attacker.cookie}; ${session}` },
    );
    expect(pair.status).toBe(403);
    // As long as the token, but not in bytes: refused like any other, not a failure.
    const wide = await b.visitor.post('/profile/locale', {
      _csrf: `é${b.token.slice(1)}`,
      locale: 'en',
    });
    expect(wide.status).toBe(403);
    expect(await locale(b.id)).toBe('de');

    // Each with its own token (control).
    const own = await b.visitor.post('/profile/locale', { _csrf: b.token, locale: 'en' });
    expect(own.status).toBe(303);
    expect(await locale(b.id)).toBe('en');
    // The htmx header carries it as well.
    const header = await a.visitor.post(
      '/profile/locale',
      { locale: 'en' },
      { 'x-csrf-token': a.token },
    );
    expect(header.status).toBe(303);
  });

  it("binds the sign-in form's token to its own cookie, and gives new pages after sign-in a new one", async () => {
    const user = await make.user();
    const x = new Visitor(app.url);
    const y = new Visitor(app.url);
    const formX = await x.get('/login');
    await y.get('/login');
    const crossed = await y.post('/login', {
      _csrf: formX.token!,
      next: '/',
      email: user.email,
      password: user.password,
    });
    expect(crossed.status).toBe(403);
    expect(y.cookies.has('liaison_session')).toBe(false);

    const signedInX = await x.post('/login', {
      _csrf: formX.token!,
      next: '/profile',
      email: user.email,
      password: user.password,
    });
    expect(signedInX).toMatchObject({ status: 303, location: '/profile' });
    const profile = await x.get('/profile');
    expect(profile.token).toBeDefined();
    expect(profile.token).not.toBe(formX.token);
    expect(profile.body).toContain(`<meta name="csrf-token" content="${profile.token}"`);
    // The signed-out token is no longer the one.
    expect((await x.post('/profile/locale', { _csrf: formX.token!, locale: 'en' })).status).toBe(
      403,
    );
  });

  it('signs out and changes the password with the token of the session', async () => {
    const user = await make.user();
    const v = new Visitor(app.url);
    await v.signIn(user.email, user.password);
    const out = await v.post('/logout', { _csrf: (await v.get('/profile')).token! });
    expect(out).toMatchObject({ status: 303, location: '/login' });
    expect((await v.get('/profile')).status).toBe(303);

    await v.signIn(user.email, user.password);
    const changed = await v.post('/profile/password', {
      _csrf: (await v.get('/profile')).token!,
      currentPassword: user.password,
      newPassword: 'a-new-password-for-pages',
    });
    expect(changed).toMatchObject({ status: 303, location: '/login?changed=1' });
    await v.signIn(user.email, 'a-new-password-for-pages');
    expect((await v.get('/profile')).status).toBe(200);
  });

  it('refuses a form posted from another site, with the right token too (403)', async () => {
    const { visitor, token, id } = await signedIn();
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' } as Record<string, string>,
      { origin: 'https://attacker.example' },
      { origin: `${app.url.replace('127.0.0.1', 'localhost')}` },
      { origin: 'null' },
    ]) {
      const res = await visitor.post('/profile/locale', { _csrf: token, locale: 'en' }, headers);
      expect({ headers, status: res.status }).toEqual({ headers, status: 403 });
    }
    expect(await locale(id)).toBe('de');
    const same = await visitor.post(
      '/profile/locale',
      { _csrf: token, locale: 'en' },
      { origin: app.url, 'sec-fetch-site': 'same-origin' },
    );
    expect(same.status).toBe(303);
    expect(await locale(id)).toBe('en');
  });
});

describe('the migration to one spelling of users.email', () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { UserEmailNormalized1764163200000: Migration } =
    require('../dist/database/migrations/1764163200000-user-email-normalized') as {
      UserEmailNormalized1764163200000: new () => MigrationInterface;
    };
  /* eslint-enable @typescript-eslint/no-require-imports */

  /** Down, rows as citext let them be written, up again: in one transaction, rolled back. */
  async function migrateRows(emails: string[]): Promise<string[]> {
    const client = await app.db.connect();
    const runner = {
      query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows,
    } as unknown as QueryRunner;
    try {
      await client.query('BEGIN');
      const migration = new Migration();
      await migration.down(runner);
      const ids: string[] = [];
      for (const email of emails) {
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO users (email, display_name, role, password_hash) VALUES ($1, 'M', 'staff', 'x') RETURNING id`,
          [email],
        );
        ids.push(rows[0].id);
      }
      await migration.up(runner);
      const { rows } = await client.query<{ email: string }>(
        'SELECT email FROM users WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)',
        [ids],
      );
      return rows.map((r) => r.email);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('normalises the addresses there are', async () => {
    expect(
      await migrateRows([
        'Upper.Case@Migrated.Test',
        '\u212Aelvin@migrated.test',
        'jose\u0301@migrated.test',
        'ＷＩＤＥ@migrated.test',
      ]),
    ).toEqual([
      'upper.case@migrated.test',
      'kelvin@migrated.test',
      'jos\u00e9@migrated.test',
      'wide@migrated.test',
    ]);
  });

  it('stops, naming them, where two accounts would become one address', async () => {
    await expect(
      migrateRows(['jos\u00e9@migrated.test', 'jose\u0301@migrated.test', 'other@migrated.test']),
    ).rejects.toThrow(/jose\u0301@migrated\.test = jos\u00e9@migrated\.test$/);
  });
});

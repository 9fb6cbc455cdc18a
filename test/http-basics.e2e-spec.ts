import { connect } from 'node:net';
import type { Response } from 'supertest';
import { ADMIN, startTestApp } from './helpers/app';
import { Visitor } from './helpers/pages';
import { Kit, Session, TestApp, useApp } from './helpers/world';

let app: TestApp, admin: Session, make: Kit;
useApp((w) => ({ app, admin, make } = w));

const PROBLEM = /^application\/problem\+json/;

describe('problem details', () => {
  it('answers an unknown route with a 404 problem carrying the request id', async () => {
    const res = await app.http.get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({
      type: '/problems/not-found',
      title: 'Not Found',
      status: 404,
    });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const given = await app.http.get('/health').set('X-Request-Id', 'trace-abc.123');
    expect(given.headers['x-request-id']).toBe('trace-abc.123');
    const unsafe = await app.http.get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a body over 1 MiB with 413', async () => {
    const res = await app.http
      .post('/api/v1/auth/refresh')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ refreshToken: 'x'.repeat(1024 * 1024 + 10) }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.status).toBe(413);
  });

  it('lets the client read its 413 or 431 however large the body (no reset while it is still sending)', async () => {
    // Fastify answers a body over the limit from its Content-Length, and Node's parser a request
    // line over 16 KiB, before the body arrives; were the connection closed then, the unread
    // bytes would reset it and the client would see no answer at all.
    const send = (query: string, bytes: number) =>
      fetch(`${app.url}/api/v1/auth/refresh${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"refreshToken":"${'x'.repeat(bytes)}"}`,
      }).then(
        async (res) => `${res.status} ${(await res.json()).status}`,
        (error: Error) => `${error.message}: ${String(error.cause)}`,
      );
    const MiB = 1024 * 1024;
    const tooLarge = [1.5, 4, 16].flatMap((mib) => Array<number>(6).fill(mib * MiB));
    const longLine = [0.001, 1, 4].flatMap((mib) => Array<number>(6).fill(mib * MiB));
    const answers = await Promise.all([
      ...tooLarge.map((bytes) => send('', bytes)),
      ...longLine.map((bytes) => send(`?q=${'a'.repeat(17_000)}`, bytes)),
    ]);
    expect(answers).toEqual([...tooLarge.map(() => '413 413'), ...longLine.map(() => '431 431')]);
  });

  it('accepts a body just under the limit as far as size goes', async () => {
    const res = await app.http
      .post('/api/v1/auth/refresh')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ refreshToken: 'x'.repeat(1000 * 1000) }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ field: 'refreshToken' }));
  });

  it('refuses a body nested too deep with 400 (tooDeep), however deep', async () => {
    for (const json of [
      '{"refreshToken":'.repeat(33) + '"x"' + '}'.repeat(33),
      '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
      '['.repeat(500_000) + ']'.repeat(500_000),
    ]) {
      const res = await app.http
        .post('/api/v1/auth/refresh')
        .set('content-type', 'application/json')
        .send(json);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.detail).toMatch(/32 levels/);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'body', code: 'tooDeep' }),
      ]);
    }
  });

  it('refuses a body of more than 2000 fields with 413 (tooManyFields), JSON or form', async () => {
    const keys = Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`f${i}`, 1]));
    const elements = { ids: Array.from({ length: 2000 }, () => 0) };
    const form = new URLSearchParams(Object.entries(keys).map(([k]) => [k, '1'])).toString();
    for (const [type, body] of [
      ['application/json', JSON.stringify(keys)],
      ['application/json', JSON.stringify(elements)],
      ['application/x-www-form-urlencoded', form],
    ]) {
      const res = await app.http.post('/api/v1/auth/login').set('content-type', type).send(body);
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.detail).toMatch(/more than 2000 fields/);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'body', code: 'tooManyFields' }),
      ]);
    }
    // A page's form: the page says so, in HTML.
    const page = await app.http.post('/login').type('form').send(form);
    expect(page.status).toBe(413);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it('refuses a query string of more than 2000 names with 414 (tooManyFields)', async () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => i.toString(36)).join('&');
    const res = await app.http.get(`/api/v1/contacts?${names(2001)}`).set(admin.auth);
    expect(res.status).toBe(414);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'query', code: 'tooManyFields' }),
    ]);
    const repeated = await app.http.get(`/api/v1/contacts?${'q&'.repeat(2001)}`).set(admin.auth);
    expect(repeated.status).toBe(414);
    // 2000 are unknown fields like any other: a 400 listing the first 50.
    const allowed = await app.http.get(`/api/v1/contacts?${names(2000)}`).set(admin.auth);
    expect(allowed.status).toBe(400);
    expect(allowed.body.errors).toHaveLength(50);
  });

  it('refuses a __proto__ field in a form as unknown', async () => {
    const res = await app.http
      .post('/api/v1/auth/refresh')
      .type('form')
      .send('__proto__=x&refreshToken=y');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: '__proto__', code: 'unknown' }),
    ]);
  });

  it('answers malformed JSON with a 400 naming the body', async () => {
    const res = await app.http
      .post('/api/v1/auth/refresh')
      .set('content-type', 'application/json')
      .send('{"refreshToken": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it('rejects unknown fields and names each bad field', async () => {
    const res = await app.http.post('/api/v1/users').set(admin.auth).send({
      email: 'not-an-email',
      displayName: 'X',
      role: 'emperor',
      password: 'short',
      isAdmin: true,
    });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'role', 'password', 'isAdmin']));
    expect(fields).not.toContain('displayName');
  });

  it('lists at most 50 errors and says how many there were', async () => {
    const body = Object.fromEntries(Array.from({ length: 1999 }, (_, i) => [`extra${i}`, i]));
    const res = await app.http
      .post('/api/v1/contacts')
      .set(admin.auth)
      .send({ ...body, familyName: 'Li' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('The request has 1999 errors; the first 50 are listed.');
    expect(res.body.errors).toHaveLength(50);
    expect(res.body.errors[0]).toEqual({
      field: 'extra0',
      code: 'unknown',
      message: 'property extra0 should not exist',
    });
  });

  it('answers a malformed id with 400 naming id, not a database error', async () => {
    const res = await app.http.get('/api/v1/users/not-a-uuid').set(admin.auth);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'id', code: 'isUuid', message: 'id must be a UUID' },
    ]);
  });

  it('gives each bad field the code of the rule it broke', async () => {
    const invalid = await app.http
      .post('/api/v1/contacts')
      .set(admin.auth)
      .send({ familyName: 'Code', email: 'not-an-email', nickname: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([
      { field: 'nickname', code: 'unknown', message: 'property nickname should not exist' },
      { field: 'email', code: 'isEmail', message: 'email must be an email address' },
    ]);
    const dangling = await app.http
      .post('/api/v1/contacts')
      .set(admin.auth)
      .send({ familyName: 'Code', companyId: '00000000-0000-4000-8000-000000000000' });
    expect(dangling.status).toBe(400);
    expect(dangling.body.errors).toEqual([
      { field: 'companyId', code: 'reference', message: 'companyId must name an existing company' },
    ]);
    const missing = await app.http.post('/api/v1/contacts').set(admin.auth).send({});
    expect(missing.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'familyName', code: 'required' })]),
    );
    const malformed = await app.http
      .post('/api/v1/contacts')
      .set(admin.auth)
      .set('content-type', 'application/json')
      .send('{"familyName": ');
    expect(malformed.body.errors).toEqual([expect.objectContaining({ code: 'malformed' })]);
  });

  it('answers an unexpected failure with a plain 500: no stack, no SQL, but a request id', async () => {
    // Break the database under the running app: the audit table disappears.
    await app.db.query('ALTER TABLE audit_events RENAME TO audit_events_gone');
    try {
      const res = await app.http.get('/api/v1/audit').set(admin.auth);
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/audit_events|relation|SELECT|at .*\.js/);
      expect(res.body).toMatchObject({ status: 500, title: 'Internal Server Error' });
      expect(res.body.requestId).toBeTruthy();
      // ...and the log has the details, under the same request id.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(app.output()).toContain(res.body.requestId);
      expect(app.output()).toContain('audit_events');
    } finally {
      await app.db.query('ALTER TABLE audit_events_gone RENAME TO audit_events');
    }
  });
});

/** Sends `text` as it is on a connection of its own; the answer's status, headers and body. */
function rawRequest(text: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(app.url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...body] = answer.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body: body.join('\r\n\r\n') });
    });
    socket.end(text);
  });
}

describe('requests refused before they reach a route', () => {
  it.each([
    [
      431,
      'a query string of 54 KB',
      `GET /api/v1/contacts?q=${'a'.repeat(54_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ],
    [
      431,
      'headers over 16 KiB',
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ],
    [400, 'an unknown method', 'BREW /health HTTP/1.1\r\nHost: x\r\n\r\n'],
    [400, 'a header without colon', 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'],
    [
      400,
      'a bad chunk',
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    ],
  ])(
    'answers %s for %s as problem+json with a request id, closing the connection',
    async (status, _, text) => {
      const res = await rawRequest(text);
      expect(res.status).toBe(status);
      expect(res.headers).toMatch(/^Content-Type: application\/problem\+json$/im);
      expect(res.headers).toMatch(/^Connection: close$/im);
      const problem = JSON.parse(res.body) as { status: number; requestId: string };
      expect(problem.status).toBe(status);
      expect(res.headers).toContain(`X-Request-Id: ${problem.requestId}`);
    },
  );

  it("takes a body cut off in the middle for the client's doing, not the database's (503)", async () => {
    const before = app.output().length;
    await rawRequest(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\nzz\r\n',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.output().slice(before)).not.toMatch(/Service Unavailable|"level":50/);
  });

  it('answers a request without Host as problem+json, as Node would not', async () => {
    const res = await rawRequest('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      status: 400,
      errors: [{ field: 'Host', code: 'required' }],
    });
  });

  it.each([
    [400, 'a malformed percent-encoding', '/api/v1/contacts/%zz'],
    [414, 'a path parameter over 100 characters', `/api/v1/contacts/${'a'.repeat(101)}`],
    [404, 'an unknown route', '/api/v1/nothing-here'],
  ])('answers %s for %s as problem+json with the request id', async (status, _, path) => {
    const res = await app.http.get(path).set(admin.auth);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ status, requestId: res.headers['x-request-id'] });
  });

  it('answers a method a route does not take with a 404 problem (Fastify has no 405)', async () => {
    const res = await app.http.put('/api/v1/contacts').set(admin.auth).send({});
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it("answers a page's malformed URL with its error page", async () => {
    const res = await app.http.get('/contacts/%zz');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('text that is not well formed', () => {
  // Raw JSON, so the lone surrogate reaches the server as the escape a client can send.
  const postRaw = (path: string, json: string) =>
    app.http.post(path).set(admin.auth).set('Content-Type', 'application/json').send(json);

  it('refuses a lone surrogate with a 400 naming the field, where a validator would have thrown', async () => {
    const res = await postRaw(
      '/api/v1/users',
      '{"email":"\\ud800","displayName":"X","role":"staff","password":"long-enough-password"}',
    );
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'email', code: 'encoding' }),
    ]);
  });

  it('refuses a NUL character, in nested fields and keys too, and in a query', async () => {
    const nul = await postRaw('/api/v1/contacts', '{"familyName":"Li\\u0000"}');
    expect(nul.status).toBe(400);
    expect(nul.body.errors).toEqual([
      expect.objectContaining({ field: 'familyName', code: 'encoding' }),
    ]);
    const nested = await postRaw(
      '/api/v1/trips',
      '{"title":"Reise","startsOn":"2026-10-19","endsOn":"2026-10-23","destinations":[{"country":"CN","city":"\\udc00"}]}',
    );
    expect(nested.status).toBe(400);
    expect(nested.body.errors).toEqual([
      expect.objectContaining({ field: 'destinations.0.city', code: 'encoding' }),
    ]);
    const key = await postRaw('/api/v1/contacts', '{"familyName":"Li","\\ud800":1}');
    expect(key.status).toBe(400);
    expect(key.body.errors[0]).toMatchObject({ code: 'encoding' });
    const query = await app.http.get('/api/v1/contacts?q=li%00').set(admin.auth);
    expect(query.status).toBe(400);
    expect(query.body.errors).toEqual([expect.objectContaining({ field: 'q', code: 'encoding' })]);
  });

  it('refuses it on the sign-in too, which a guard checks before any pipe', async () => {
    for (const email of ['a\\u0000@test.liaison', '\\ud800@test.liaison']) {
      const res = await app.http
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send(`{"email":"${email}","password":"whatever-it-is"}`);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'email', code: 'encoding' }),
      ]);
    }
  });

  it('keeps a well-formed pair of surrogates (an emoji, a rare Han character) as text', async () => {
    const res = await postRaw('/api/v1/contacts', '{"familyName":"\\ud842\\udfb7 🙂"}');
    expect(res.status).toBe(201);
    expect(res.body.familyName).toBe('𠮷 🙂');
  });
});

describe('keys named like a member of every object', () => {
  // class-validator's whitelist finds `constructor` & co. on a plain object and let them pass.
  it.each(['constructor', 'hasOwnProperty', 'toString', '__defineGetter__'])(
    'refuses %s as an unknown field, in a body, nested and in a query',
    async (key) => {
      const body = await app.http
        .post('/api/v1/contacts')
        .set(admin.auth)
        .send({ familyName: 'Li', [key]: 'x' });
      expect(body.status).toBe(400);
      expect(body.body.errors).toEqual([
        { field: key, code: 'unknown', message: expect.any(String) },
      ]);
      const nested = await app.http
        .post('/api/v1/trips')
        .set(admin.auth)
        .send({
          title: 'Reise',
          startsOn: '2026-10-19',
          endsOn: '2026-10-23',
          destinations: [{ country: 'CN', [key]: 1 }],
        });
      expect(nested.status).toBe(400);
      expect(nested.body.errors).toEqual([
        expect.objectContaining({ field: `destinations.0.${key}`, code: 'unknown' }),
      ]);
      // The sign-in's guard handed such an object to class-transformer, which took it for a class: 500.
      const signIn = await app.http
        .post('/api/v1/auth/login')
        .send({ email: { [key]: { isAdmin: true } }, password: 'whatever-it-is' });
      expect(signIn.status).toBe(400);
      expect(signIn.body.errors).toEqual([
        expect.objectContaining({ field: `email.${key}`, code: 'unknown' }),
      ]);
      const query = await app.http.get(`/api/v1/contacts?${key}=1`).set(admin.auth);
      expect(query.status).toBe(400);
      expect(query.body.errors).toEqual([expect.objectContaining({ field: key, code: 'unknown' })]);
    },
  );
});

describe('keyset pagination', () => {
  beforeAll(async () => {
    for (let i = 0; i < 7; i++)
      await make.user({ displayName: `Paged ${String.fromCharCode(65 + i)}` });
  });

  const list = (query: string) => app.http.get(`/api/v1/users?${query}`).set(admin.auth);

  it('walks every record exactly once, in order, and ends with a null cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`q=Paged&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...(res.body.items as { displayName: string }[]).map((u) => u.displayName));
      cursor = res.body.nextCursor as string | null;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((l) => `Paged ${l}`));
  });

  it('sorts descending and pages the same way', async () => {
    const first = await list('q=Paged&limit=4&sort=-displayName');
    const second = await list(`q=Paged&limit=4&sort=-displayName&cursor=${first.body.nextCursor}`);
    expect(
      [...first.body.items, ...second.body.items].map(
        (u: { displayName: string }) => u.displayName,
      ),
    ).toEqual(['G', 'F', 'E', 'D', 'C', 'B', 'A'].map((l) => `Paged ${l}`));
    expect(second.body.nextCursor).toBeNull();
  });

  it.each(['0', '201', '-1', '1.5', 'abc', ''])(
    'refuses limit=%s with a 400 naming limit',
    async (limit) => {
      const res = await list(`limit=${limit}`);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('limit');
    },
  );

  it.each([
    ['garbage', 'not-a-cursor!!'],
    ['base64 of nonsense', Buffer.from('{"a":1}').toString('base64url')],
    ['SQL', "' OR 1=1 --"],
    ['very long', 'A'.repeat(3000)],
  ])('refuses a %s cursor with 400', async (_, cursor) => {
    const res = await list(`cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('cursor');
  });

  it('refuses a tampered cursor and one made for another sort', async () => {
    const first = await list('q=Paged&limit=2');
    const cursor = first.body.nextCursor as string;
    const tampered = cursor.slice(0, -2) + (cursor.endsWith('AA') ? 'BB' : 'AA');
    expect((await list(`q=Paged&limit=2&cursor=${tampered}`)).status).toBe(400);
    const otherSort = await list(`q=Paged&limit=2&sort=-createdAt&cursor=${cursor}`);
    expect(otherSort.status).toBe(400);
    expect(otherSort.body.errors[0].message).toMatch(/another sort/);
  });

  it('refuses a sort field outside the whitelist', async () => {
    const res = await list('sort=passwordHash');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('sort');
  });

  it('rejects unknown query parameters', async () => {
    const res = await list('offset=10');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('offset');
  });
});

describe('ETag and If-Match', () => {
  let user: { id: string };
  beforeAll(async () => {
    user = await make.user();
  });

  it('sends the version as ETag on reads', async () => {
    const res = await app.http.get(`/api/v1/users/${user.id}`).set(admin.auth);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(`"${res.body.version}"`);
  });

  it('needs If-Match to change (428), refuses a stale one (412) and takes the current one', async () => {
    const current = await app.http.get(`/api/v1/users/${user.id}`).set(admin.auth);
    const etag = current.headers.etag as string;

    const missing = await app.http
      .patch(`/api/v1/users/${user.id}`)
      .set(admin.auth)
      .send({ displayName: 'No precondition' });
    expect(missing.status).toBe(428);
    expect(missing.headers['content-type']).toMatch(PROBLEM);

    const malformed = await app.http
      .patch(`/api/v1/users/${user.id}`)
      .set(admin.auth)
      .set('If-Match', 'W/"1"')
      .send({ displayName: 'Weak tag' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('If-Match');

    const ok = await app.http
      .patch(`/api/v1/users/${user.id}`)
      .set(admin.auth)
      .set('If-Match', etag)
      .send({ displayName: 'First writer' });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe(`"${current.body.version + 1}"`);

    const stale = await app.http
      .patch(`/api/v1/users/${user.id}`)
      .set(admin.auth)
      .set('If-Match', etag)
      .send({ displayName: 'Lost update' });
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe(ok.headers.etag);

    const after = await app.http.get(`/api/v1/users/${user.id}`).set(admin.auth);
    expect(after.body.displayName).toBe('First writer');
  });

  it('lets exactly one of 20 concurrent writers with the same ETag win', async () => {
    const current = await app.http.get(`/api/v1/users/${user.id}`).set(admin.auth);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.http
          .patch(`/api/v1/users/${user.id}`)
          .set(admin.auth)
          .set('If-Match', current.headers.etag as string)
          .send({ displayName: `Writer ${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const winner = results.find((r) => r.status === 200)!;
    const after = await app.http.get(`/api/v1/users/${user.id}`).set(admin.auth);
    expect(after.body.displayName).toBe(winner.body.displayName);
    expect(after.body.version).toBe(current.body.version + 1);
  });
});

describe('OpenAPI', () => {
  it('serves the document and the UI', async () => {
    const json = await app.http.get('/api/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/users/{id}']),
    );
    expect(json.body.components.schemas.FieldErrorDto.required).toEqual([
      'field',
      'code',
      'message',
    ]);
    expect(
      json.body.paths['/api/v1/contacts'].post.responses['400'].content['application/problem+json']
        .schema,
    ).toEqual({ $ref: '#/components/schemas/ProblemDto' });
    const ui = await app.http.get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
  });
});

describe('security headers on every answer', () => {
  const PAGE_CSP =
    /^default-src 'self'; script-src 'self'; style-src 'self';.*frame-ancestors 'none'/;
  const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

  /** The headers every answer carries, with its CSP and caching; none of them says HSTS. */
  function expectHeaders(res: Response | Headers, csp: RegExp | string, caching = 'no-store') {
    const get = (name: string) =>
      res instanceof Headers ? res.get(name) : (res.headers[name] as string | undefined);
    expect({
      'x-content-type-options': get('x-content-type-options'),
      'x-frame-options': get('x-frame-options'),
      'referrer-policy': get('referrer-policy'),
      'cache-control': get('cache-control'),
      'strict-transport-security': get('strict-transport-security') ?? undefined,
    }).toEqual({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'cache-control': caching,
      'strict-transport-security': undefined,
    });
    expect(get('content-security-policy')).toMatch(csp);
  }

  it('API answers: JSON, problems (400, 401, 404, 413) and the health checks', async () => {
    const json = await app.http.get('/api/v1/auth/me').set(admin.auth);
    expect(json.status).toBe(200);
    expectHeaders(json, DATA_CSP);
    const unauthorized = await app.http.get('/api/v1/auth/me');
    expect(unauthorized.status).toBe(401);
    expectHeaders(unauthorized, DATA_CSP);
    const unknown = await app.http.get('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expectHeaders(unknown, DATA_CSP);
    const malformed = await app.http
      .post('/api/v1/auth/refresh')
      .set('content-type', 'application/json')
      .send('{"refreshToken": ');
    expect(malformed.status).toBe(400);
    expectHeaders(malformed, DATA_CSP);
    const tooLarge = await app.http
      .post('/api/v1/auth/refresh')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ refreshToken: 'x'.repeat(1024 * 1024 + 10) }));
    expect(tooLarge.status).toBe(413);
    expectHeaders(tooLarge, DATA_CSP);
    for (const path of ['/health', '/health/ready']) {
      const health = await app.http.get(path);
      expect(health.status).toBe(200);
      expectHeaders(health, DATA_CSP);
    }
  });

  it('pages, signed out and signed in, and the 404 page of an unknown route', async () => {
    const login = await app.http.get('/login');
    expect(login.status).toBe(200);
    expectHeaders(login, PAGE_CSP);
    const unknown = await app.http.get('/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^text\/html/);
    expectHeaders(unknown, PAGE_CSP);
    const visitor = new Visitor(app.url);
    await visitor.signIn(ADMIN.email, ADMIN.password);
    const profile = await visitor.get('/profile');
    expect(profile.status).toBe(200);
    expectHeaders(profile.headers, PAGE_CSP);
    const redirect = await visitor.post('/profile/locale', { _csrf: profile.token!, locale: 'de' });
    expect(redirect.status).toBe(303);
    expectHeaders(redirect.headers, PAGE_CSP);
  });

  it('the .ics downloads, of the API and of the pages', async () => {
    const trip = await make.trip();
    const api = await app.http.get(`/api/v1/trips/${trip.id}/itinerary.ics`).set(admin.auth);
    expect(api.status).toBe(200);
    expect(api.headers['content-type']).toMatch(/^text\/calendar/);
    expectHeaders(api, DATA_CSP);
    const visitor = new Visitor(app.url);
    await visitor.signIn(ADMIN.email, ADMIN.password);
    const page = await visitor.get(`/trips/${trip.id}/itinerary.ics`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-disposition')).toMatch(/^attachment;/);
    expectHeaders(page.headers, PAGE_CSP);
  });

  it('the OpenAPI document and its UI, which may use inline styles but no inline script', async () => {
    const json = await app.http.get('/api/docs-json');
    expect(json.status).toBe(200);
    expectHeaders(json, DATA_CSP);
    const ui = await app.http.get('/api/docs');
    expect(ui.status).toBe(200);
    expectHeaders(ui, /^default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';/);
    expect(ui.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(ui.text).not.toMatch(/<script>/);
  });

  it('static assets keep their caching', async () => {
    const css = await app.http.get('/assets/app.css');
    expect(css.status).toBe(200);
    expectHeaders(css, DATA_CSP, 'public, max-age=3600');
    const missing = await app.http.get('/assets/nothing.css');
    expect(missing.status).toBe(404);
    expectHeaders(missing, DATA_CSP);
  });

  it('sends HSTS only for a request that came over HTTPS, X-Forwarded-Proto only with TRUST_PROXY', async () => {
    const HSTS = 'max-age=31536000; includeSubDomains';
    const untrusted = await app.http.get('/api/docs-json').set('X-Forwarded-Proto', 'https');
    expect(untrusted.headers['strict-transport-security']).toBeUndefined();
    const behindProxy = await startTestApp({ env: { TRUST_PROXY: 'true' } });
    try {
      for (const path of ['/login', '/api/v1/nothing-here', '/assets/app.css']) {
        const https = await behindProxy.http.get(path).set('X-Forwarded-Proto', 'https');
        expect({ path, hsts: https.headers['strict-transport-security'] }).toEqual({
          path,
          hsts: HSTS,
        });
        const http = await behindProxy.http.get(path);
        expect({ path, hsts: http.headers['strict-transport-security'] }).toEqual({
          path,
          hsts: undefined,
        });
      }
    } finally {
      await behindProxy.stop();
    }
  });
});

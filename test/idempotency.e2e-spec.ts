import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast, make: Kit;
useWorld((w) => ({ app, admin, c, make } = w));

const post = (path: string, body: object | undefined, key: string, session = admin) => {
  const req = app.http.post(path).set(session.auth).set('Idempotency-Key', key);
  return body === undefined ? req : req.send(body);
};
const count = async (table: string): Promise<number> =>
  Number((await app.db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
const kept = async (key: string): Promise<number> =>
  Number(
    (await app.db.query('SELECT count(*) AS n FROM idempotency_keys WHERE key = $1', [key])).rows[0]
      .n,
  );

/** The same request twice under one key: the second is the first's answer, and wrote nothing. */
async function expectReplayed(
  send: () => Promise<Response>,
  table: string,
  status = 201,
): Promise<Response> {
  const before = await count(table);
  const first = await send();
  expect(first.status).toBe(status);
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  const after = await count(table);
  const again = await send();
  expect(again.status).toBe(status);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.body).toEqual(first.body);
  expect(again.headers.etag).toBe(first.headers.etag);
  expect(await count(table)).toBe(after);
  if (status === 201) expect(after).toBe(before + 1);
  return first;
}

describe('Idempotency-Key', () => {
  it('replays the first answer to a create instead of creating again', async () => {
    const key = randomUUID();
    const first = await expectReplayed(
      () => post('/api/v1/companies', { name: 'Idempotent GmbH' }, key),
      'companies',
    );
    expect(first.headers.etag).toBe('"1"');
    expect(await kept(key)).toBe(1);
    // Without a key, the same body is a new record.
    const plain = await app.http
      .post('/api/v1/companies')
      .set(admin.auth)
      .send({ name: 'Idempotent GmbH' });
    expect(plain.status).toBe(201);
    expect(plain.body.id).not.toBe(first.body.id);
  });

  it('refuses the same key for another request with 422, and creates nothing', async () => {
    const key = randomUUID();
    expect((await post('/api/v1/companies', { name: 'Erste GmbH' }, key)).status).toBe(201);
    const before = await count('companies');
    const otherBody = await post('/api/v1/companies', { name: 'Zweite GmbH' }, key);
    expect(otherBody.status).toBe(422);
    expect(otherBody.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(otherBody.body.type).toBe('/problems/idempotency-key-reused');
    const otherPath = await post('/api/v1/partners', { name: 'Erste GmbH', country: 'CN' }, key);
    expect(otherPath.status).toBe(422);
    expect(await count('companies')).toBe(before);
    // The same fields in another order are the same request.
    const contactKey = randomUUID();
    const first = await post(
      '/api/v1/contacts',
      { familyName: 'Wang', givenName: 'Fang' },
      contactKey,
    );
    const same = await post(
      '/api/v1/contacts',
      { givenName: 'Fang', familyName: 'Wang' },
      contactKey,
    );
    expect(same.status).toBe(201);
    expect(same.headers['idempotent-replayed']).toBe('true');
    expect(same.body.id).toBe(first.body.id);
  });

  it('keeps keys per user: another caller with the same key makes its own record', async () => {
    const key = randomUUID();
    const mine = await post('/api/v1/companies', { name: 'Meine GmbH' }, key);
    const theirs = await post('/api/v1/companies', { name: 'Meine GmbH' }, key, c.sessions.staff);
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('creates one record from 20 parallel requests with one key; the others wait (409) or replay', async () => {
    const key = randomUUID();
    const before = await count('companies');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post('/api/v1/companies', { name: 'Parallel AG' }, key)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id as string));
    expect(ids.size).toBe(1);
    for (const busy of answers.filter((a) => a.status === 409)) {
      expect(busy.body.type).toBe('/problems/idempotency-key-in-use');
      expect(busy.headers['retry-after']).toBe('1');
    }
    expect(await count('companies')).toBe(before + 1);
    const later = await post('/api/v1/companies', { name: 'Parallel AG' }, key);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.body.id).toBe([...ids][0]);
  });

  it('keeps no answer of a request that changed nothing: a corrected retry with the same key is made', async () => {
    const key = randomUUID();
    const bad = await post('/api/v1/companies', { name: '' }, key);
    expect(bad.status).toBe(400);
    expect(await kept(key)).toBe(0);
    const refused = await post('/api/v1/leads', { title: 'x', companyId: randomUUID() }, key);
    expect(refused.status).toBe(400);
    expect(await kept(key)).toBe(0);
    const good = await post('/api/v1/companies', { name: 'Korrigiert GmbH' }, key);
    expect(good.status).toBe(201);
    expect(await kept(key)).toBe(1);
  });

  it('refuses a key that is not 1–255 visible ASCII characters, naming the header', async () => {
    for (const key of ['', 'a'.repeat(256), 'mit leerzeichen', 'schlüssel']) {
      const res = await app.http
        .post('/api/v1/companies')
        .set(admin.auth)
        .set('Idempotency-Key', encodeURI(key) === key ? key : Buffer.from(key).toString('latin1'))
        .send({ name: 'Schlüssel GmbH' });
      expect({ key, status: res.status }).toEqual({ key, status: 400 });
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'Idempotency-Key', code: 'idempotencyKey' }),
      ]);
    }
  });

  it('holds for every route that creates or changes by POST', async () => {
    const company = await make.company();
    const partner = await make.partner();
    const trip = await make.trip();
    const lead = await make.lead({ companyId: company.id });
    const key = () => randomUUID();
    const creates: [path: string, body: object, table: string][] = [
      ['/api/v1/partners', { name: 'Technologiepark', country: 'CN' }, 'partners'],
      ['/api/v1/contacts', { familyName: 'Li', givenName: 'Ming' }, 'contacts'],
      [
        '/api/v1/interactions',
        { occurredAt: '2019-10-21T09:30:00+08:00', subject: 'Empfang' },
        'interactions',
      ],
      ['/api/v1/follow-ups', { title: 'Angebot schicken' }, 'follow_ups'],
      ['/api/v1/leads', { title: 'Messerschmiede', companyId: company.id }, 'leads'],
      [
        '/api/v1/trips',
        {
          title: 'Israel 2017',
          destinations: [{ country: 'IL', city: 'Tel Aviv' }],
          startsOn: '2017-05-01',
          endsOn: '2017-05-05',
        },
        'trips',
      ],
      ['/api/v1/agreements', { title: 'Kooperation', partnerId: partner.id }, 'agreements'],
      [
        `/api/v1/trips/${trip.id}/participants`,
        { name: 'Delegierte', costBearer: 'self' },
        'participants',
      ],
      [
        `/api/v1/trips/${trip.id}/appointments`,
        {
          title: 'Unterzeichnung',
          kind: 'signing',
          startsAt: '2019-10-22T10:00:00+08:00',
          endsAt: '2019-10-22T11:00:00+08:00',
          timeZone: 'Asia/Shanghai',
          city: 'Shanghai',
        },
        'appointments',
      ],
      [
        '/api/v1/contact-log',
        {
          occurredAt: '2019-10-21T12:00:00+08:00',
          subject: 'Mittagessen',
          newContacts: [{ nativeName: '王芳' }],
          followUp: { title: 'Visitenkarte schicken' },
        },
        'interactions',
      ],
      [`/api/v1/leads/${lead.id}/notes`, { body: 'Rückruf vereinbart' }, 'lead_notes'],
      [
        '/api/v1/users',
        {
          email: `idem-${randomUUID()}@test.liaison`,
          displayName: 'Idem',
          role: 'viewer',
          password: 'a long enough password',
        },
        'users',
      ],
    ];
    for (const [path, body, table] of creates) {
      const k = key();
      await expectReplayed(() => post(path, body, k), table);
    }
    const contactsBefore = await count('contacts');
    const followUpsBefore = await count('follow_ups');
    const k = key();
    const log = () =>
      post(
        '/api/v1/contact-log',
        {
          occurredAt: '2019-10-21T13:00:00+08:00',
          subject: 'Tee',
          newContacts: [{ nativeName: '李明' }],
          followUp: { title: 'Anrufen' },
        },
        k,
      );
    await expectReplayed(log, 'interactions');
    expect(await count('contacts')).toBe(contactsBefore + 1);
    expect(await count('follow_ups')).toBe(followUpsBefore + 1);

    // State changes by POST: completing, restoring, purging.
    const followUp = await make.followUp();
    const complete = key();
    await expectReplayed(
      () =>
        post(`/api/v1/follow-ups/${followUp.id}/complete`, undefined, complete).set(
          'If-Match',
          '"1"',
        ),
      'follow_ups',
      200,
    );
    const gone = await make.company();
    await make.softDelete('companies', gone.id);
    const restore = key();
    await expectReplayed(
      () => post(`/api/v1/companies/${gone.id}/restore`, undefined, restore),
      'companies',
      200,
    );
    await make.softDelete('companies', gone.id);
    const purge = key();
    await expectReplayed(
      () => post(`/api/v1/companies/${gone.id}/purge`, undefined, purge),
      'companies',
      204,
    );
  });

  it('is offered on every POST of the API but signing in, in the OpenAPI document', async () => {
    const doc = (await app.http.get('/api/docs-json')).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const posts = Object.entries(doc.paths).flatMap(([path, ops]) =>
      ops.post ? [[path, ops.post] as const] : [],
    );
    // Answers that carry a secret shown once (a TOTP secret, recovery codes) are not kept: a
    // kept answer would keep the secret in clear in idempotency_keys.
    const secretAnswers = [
      '/api/v1/me/mfa/totp',
      '/api/v1/me/mfa/totp/confirm',
      '/api/v1/me/mfa/recovery-codes',
    ];
    const without = posts
      .filter(([path]) => !path.startsWith('/api/v1/auth/'))
      .filter(([path]) => !secretAnswers.includes(path))
      .filter(
        ([, op]) => !op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
      )
      .map(([path]) => path);
    expect(without).toEqual([]);
    expect(posts.length).toBeGreaterThan(20);
  });
});

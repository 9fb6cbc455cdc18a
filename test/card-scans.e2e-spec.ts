import { randomUUID } from 'node:crypto';
import { CardPrinter } from './helpers/cards';
import { Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast, make: Kit;
useWorld((w) => ({ app, admin, c, make } = w), { timeout: 180_000 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const printer = new CardPrinter();
afterAll(() => printer.close());

const scan = (session: Session, front: Buffer, back?: Buffer, key?: string) => {
  const req = app.http.post('/api/v1/card-scans').set(session.auth);
  if (key) void req.set('Idempotency-Key', key);
  void req.attach('front', front, { filename: 'front.png', contentType: 'image/png' });
  if (back) void req.attach('back', back, { filename: 'back.png', contentType: 'image/png' });
  return req;
};

/** The scan once the job has read it (or failed), and how long that took from the upload. */
async function readScan(id: string, session = admin): Promise<Json> {
  for (let i = 0; i < 600; i++) {
    const res = await app.http.get(`/api/v1/card-scans/${id}`).set(session.auth);
    expect(res.status).toBe(200);
    if (res.body.status !== 'queued' && res.body.status !== 'reading') {
      const ms =
        Date.parse(res.body.updatedAt as string) - Date.parse(res.body.createdAt as string);
      process.stdout.write(
        `scan ${res.body.status}: upload to proposal ${ms} ms (reader ${res.body.readMs} ms)\n`,
      );
      return res.body as Json;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`scan ${id} was not read`);
}

describe('business-card scans', () => {
  let card: Buffer;
  let company: { id: string; name: string };
  let existing: { id: string; version: number };

  beforeAll(async () => {
    company = await make.company({ name: 'Huayang Precision Machinery Co., Ltd.' });
    existing = await make.contact({
      familyName: 'Chen',
      givenName: 'Jianguo',
      email: 'chen.jianguo@huayang-precision.cn',
      companyId: company.id,
    });
    card = await printer.png({
      lines: [
        'Chen Jianguo',
        'Sales Director',
        'Huayang Precision Machinery Co., Ltd.',
        'Tel: +86 21 5888 1234',
        'chen.jianguo@huayang-precision.cn',
      ],
    });
  });

  it('reads an uploaded card in a job and proposes the fields, the company and the contact it is', async () => {
    const started = Date.now();
    const res = await scan(c.sessions.staff, card);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'queued', front: { type: 'image/png' }, back: null });
    const read = await readScan(res.body.id, c.sessions.staff);
    process.stdout.write(`card read in ${Date.now() - started} ms (reader ${read.readMs} ms)\n`);
    expect(read.status).toBe('read');
    expect(read.proposal.fields.emails).toContain('chen.jianguo@huayang-precision.cn');
    expect(read.proposal.organisation).toMatchObject({ entity: 'company', id: company.id });
    expect(read.proposal.matches[0]).toMatchObject({ id: existing.id });
    expect(read.proposal.matches[0].reasons).toContain('email');
    const photo = await app.http
      .get(`/api/v1/card-scans/${res.body.id}/front`)
      .set(c.sessions.staff.auth);
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(photo.body as Buffer, card)).toBe(0);
  });

  it('saves a card as a new contact, whose page then has the photo', async () => {
    const res = await scan(admin, card);
    await readScan(res.body.id);
    const saved = await app.http
      .post(`/api/v1/card-scans/${res.body.id}/save`)
      .set(admin.auth)
      .send({
        familyName: 'Zhou',
        givenName: 'Min',
        nativeName: '周敏',
        position: 'Engineer',
        email: 'zhou.min@example.cn',
        companyId: company.id,
        notes: 'Fax: +86 21 5888 1299',
      });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({
      outcome: 'created',
      scan: { status: 'saved', front: null },
    });
    const contact = await app.http.get(`/api/v1/contacts/${saved.body.contactId}`).set(admin.auth);
    expect(contact.body).toMatchObject({
      familyName: 'Zhou',
      nativeName: '周敏',
      email: 'zhou.min@example.cn',
      companyId: company.id,
      legalBasis: { basis: 'public_task' },
    });
    const photo = await app.http
      .get(`/api/v1/contacts/${saved.body.contactId}/card/front`)
      .set(admin.auth);
    expect(photo.status).toBe(200);
    expect(photo.headers['cache-control']).toBe('private, max-age=300');
    expect(Buffer.compare(photo.body as Buffer, card)).toBe(0);
    expect(
      (await app.http.get(`/api/v1/contacts/${saved.body.contactId}/card/back`).set(admin.auth))
        .status,
    ).toBe(404);
    // The photo is the contact's: a company user sees it only with a lead of its own naming it.
    const photoStatus = async (role: 'own' | 'foreign', path = 'card/front') =>
      (
        await app.http
          .get(`/api/v1/contacts/${saved.body.contactId}/${path}`)
          .set(c.sessions[role].auth)
      ).status;
    for (const role of ['own', 'foreign'] as const)
      for (const path of ['card', 'card/front']) expect(await photoStatus(role, path)).toBe(404);
    await make.lead({ companyId: c.ownCompany.id, contactId: saved.body.contactId });
    for (const path of ['card', 'card/front']) {
      expect(await photoStatus('own', path)).toBe(200);
      expect(await photoStatus('foreign', path)).toBe(404);
    }
    // Saved once.
    const again = await app.http
      .post(`/api/v1/card-scans/${res.body.id}/save`)
      .set(admin.auth)
      .send({ familyName: 'Zhou' });
    expect(again.status).toBe(409);
  });

  it('updates an existing contact: confirmed fields change, a second e-mail and phone are added, not overwritten', async () => {
    const person = await make.contact({
      familyName: 'Liu',
      givenName: 'Yang',
      email: 'liu.yang@old.example.cn',
      phone: '+86 10 1234 5678',
      position: 'Manager',
      notes: 'Met in Hefei.',
    });
    const res = await scan(c.sessions.staff, card, card);
    await readScan(res.body.id, c.sessions.staff);
    const body = {
      contactId: person.id,
      position: 'General Manager',
      email: 'liu.yang@new.example.cn',
      phone: '+86 10 1234 5678',
      notes: 'Address: 88 Century Avenue, Shanghai',
    };
    const url = `/api/v1/card-scans/${res.body.id}/save`;
    expect((await app.http.post(url).set(c.sessions.staff.auth).send(body)).status).toBe(428);
    expect(
      (await app.http.post(url).set(c.sessions.staff.auth).set('If-Match', '"99"').send(body))
        .status,
    ).toBe(412);
    const saved = await app.http
      .post(url)
      .set(c.sessions.staff.auth)
      .set('If-Match', `"${person.version}"`)
      .send(body);
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ outcome: 'updated', contactId: person.id });
    const contact = await app.http.get(`/api/v1/contacts/${person.id}`).set(admin.auth);
    expect(contact.body).toMatchObject({
      familyName: 'Liu',
      position: 'General Manager',
      email: 'liu.yang@old.example.cn',
      phone: '+86 10 1234 5678',
    });
    expect(contact.body.notes).toBe(
      'Met in Hefei.\nE-Mail: liu.yang@new.example.cn\nAddress: 88 Century Avenue, Shanghai',
    );
    for (const side of ['front', 'back'])
      expect(
        (await app.http.get(`/api/v1/contacts/${person.id}/card/${side}`).set(admin.auth)).status,
      ).toBe(200);
  });

  it('refuses a photo over 5 MiB (413) and one that is no JPEG, PNG or WebP (400), naming the side', async () => {
    const big = Buffer.concat([card, Buffer.alloc(5 * 1024 * 1024)]);
    const tooLarge = await scan(admin, card, big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.errors).toEqual([expect.objectContaining({ field: 'back' })]);
    const gif = Buffer.from('GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;', 'latin1');
    const notAnImage = await app.http
      .post('/api/v1/card-scans')
      .set(admin.auth)
      .attach('front', gif, { filename: 'card.png', contentType: 'image/png' });
    expect(notAnImage.status).toBe(400);
    expect(notAnImage.body.errors).toEqual([
      expect.objectContaining({ field: 'front', code: 'imageType' }),
    ]);
    const none = await app.http.post('/api/v1/card-scans').set(admin.auth).field('x', '1');
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([expect.objectContaining({ field: 'front' })]);
    const json = await app.http.post('/api/v1/card-scans').set(admin.auth).send({ front: 'x' });
    expect(json.status).toBe(400);
  });

  it('shows a scan to its scanner and admins only, and to no company user or viewer at all', async () => {
    const res = await scan(c.sessions.staff, card);
    const other = await make.session('staff');
    expect((await app.http.get(`/api/v1/card-scans/${res.body.id}`).set(other.auth)).status).toBe(
      404,
    );
    expect((await app.http.get(`/api/v1/card-scans/${res.body.id}`).set(admin.auth)).status).toBe(
      200,
    );
    const list = await app.http.get('/api/v1/card-scans').set(other.auth);
    expect(list.body.items).toEqual([]);
    for (const role of ['own', 'viewer'] as const) {
      expect((await scan(c.sessions[role], card)).status).toBe(403);
      expect(
        (await app.http.get(`/api/v1/card-scans/${res.body.id}`).set(c.sessions[role].auth)).status,
      ).toBe(403);
    }
    await readScan(res.body.id, c.sessions.staff);
  });

  it('keeps one scan for one Idempotency-Key', async () => {
    const key = randomUUID();
    const first = await scan(c.sessions.staff, card, undefined, key);
    const second = await scan(c.sessions.staff, card, undefined, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    const { rows } = await app.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM card_scans WHERE id = $1',
      [first.body.id],
    );
    expect(rows[0].n).toBe(1);
    await readScan(first.body.id, c.sessions.staff);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { startTestApp } from './helpers/app';
import { loginAdmin } from './helpers/auth';
import { Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast, make: Kit;
useWorld((w) => ({ app, admin, c, make } = w));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const FIXTURES = join(__dirname, 'fixtures', 'imports');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

const upload = (session: Session, kind: string, name: string, content: string | Buffer) =>
  app.http
    .post('/api/v1/imports')
    .set(session.auth)
    .field('kind', kind)
    .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), name);

const get = (session: Session, path: string) => app.http.get(path).set(session.auth);
const post = (session: Session, path: string) => app.http.post(path).set(session.auth);

/** The import once its job has left `status` (the dry run, the run, the undo). */
async function settled(id: string, status: string, session = admin): Promise<Json> {
  for (let i = 0; i < 1200; i++) {
    const res = await get(session, `/api/v1/imports/${id}`);
    if (res.body.status !== status) return res.body as Json;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${id} stayed ${status}`);
}

async function uploaded(name: string, content: string | Buffer, kind = 'contact'): Promise<Json> {
  const res = await upload(admin, kind, name, content);
  expect(res.status).toBe(201);
  return res.body as Json;
}

async function checked(id: string): Promise<Json> {
  const res = await post(admin, `/api/v1/imports/${id}/check`);
  expect(res.status).toBe(202);
  expect(res.body.status).toBe('checking');
  return settled(id, 'checking');
}

async function ran(id: string): Promise<Json> {
  const res = await post(admin, `/api/v1/imports/${id}/run`);
  expect(res.status).toBe(202);
  return settled(id, 'running');
}

async function undone(id: string): Promise<Json> {
  const res = await post(admin, `/api/v1/imports/${id}/undo`);
  expect(res.status).toBe(202);
  return settled(id, 'undoing');
}

async function allRows(id: string, problem?: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=200${problem ? `&problem=${problem}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await get(admin, `/api/v1/imports/${id}/rows?${query}`);
    expect(res.status).toBe(200);
    items.push(...(res.body.items as Json[]));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return items;
}

/** Every row of the CRM's organisation and people tables, to compare before and after. */
async function snapshot(): Promise<Record<string, Json[]>> {
  const out: Record<string, Json[]> = {};
  for (const table of ['contacts', 'companies', 'partners'])
    out[table] = (await app.db.query(`SELECT * FROM ${table} ORDER BY id`)).rows as Json[];
  return out;
}

const count = async (sql: string, params: unknown[] = []) =>
  Number((await app.db.query(sql, params)).rows[0].count);

/** A contact CSV as Outlook writes it in Germany: `;`, a header row of German names. */
const csv = (rows: string[][]) =>
  [['Nachname', 'Vorname', 'E-Mail-Adresse', 'Mobiltelefon', 'Firma', 'Land'], ...rows]
    .map((r) => r.join(';'))
    .join('\r\n');

describe('imports: who may', () => {
  it('lets admin and staff import, refuses viewers and company users (403)', async () => {
    for (const role of ['viewer', 'own'] as const) {
      const session = c.sessions[role];
      expect((await upload(session, 'contact', 'a.csv', 'Nachname\nX\n')).status).toBe(403);
      expect((await get(session, '/api/v1/imports')).status).toBe(403);
    }
    const mine = await upload(c.sessions.staff, 'contact', 'a.csv', 'Nachname\nX\n');
    expect(mine.status).toBe(201);
    // A staff user sees their own imports; an admin everyone's; another staff user none.
    const other = await make.session('staff');
    expect((await get(other, `/api/v1/imports/${mine.body.id}`)).status).toBe(404);
    expect((await get(admin, `/api/v1/imports/${mine.body.id}`)).status).toBe(200);
    const list = await get(c.sessions.staff, '/api/v1/imports');
    expect(list.body.items.map((i: Json) => i.id)).toContain(mine.body.id);
    expect((await get(other, '/api/v1/imports')).body.items).toEqual([]);
  });
});

describe('imports: upload and mapping', () => {
  it('answers 400 naming the missing or bad field', async () => {
    const noFile = await app.http.post('/api/v1/imports').set(admin.auth).field('kind', 'contact');
    expect(noFile.status).toBe(400);
    expect(noFile.body.errors.map((e: Json) => e.field)).toEqual(['file']);
    const noKind = await app.http
      .post('/api/v1/imports')
      .set(admin.auth)
      .attach('file', Buffer.from('Name\nX\n'), 'a.csv');
    expect(noKind.status).toBe(400);
    expect(noKind.body.errors.map((e: Json) => e.field)).toEqual(['kind']);
    const badKind = await upload(admin, 'lead', 'a.csv', 'Name\nX\n');
    expect(badKind.status).toBe(400);
    expect(badKind.body.errors).toEqual([expect.objectContaining({ field: 'kind', code: 'isIn' })]);
    const json = await app.http.post('/api/v1/imports').set(admin.auth).send({ kind: 'contact' });
    expect(json.status).toBe(400);
    expect(json.body.errors.map((e: Json) => e.field)).toEqual(['file']);
  });

  it('refuses multipart on any other route (415)', async () => {
    const res = await app.http
      .post('/api/v1/companies')
      .set(admin.auth)
      .field('name', 'X')
      .attach('file', Buffer.from('x'), 'x.csv');
    expect(res.status).toBe(415);
  });

  it('reads the header, suggests a mapping and remembers the one saved', async () => {
    // Headers of their own here: the mapping saved below is suggested for these headers only.
    const content = csv([
      ['Müller', 'Anna', 'anna@example.de', '0171 1234567', 'Acme', 'DE'],
    ]).replace('Land', 'Land/Region');
    const first = await uploaded('outlook.csv', content);
    expect(first).toMatchObject({
      kind: 'contact',
      fileName: 'outlook.csv',
      format: 'csv',
      delimiter: ';',
      headerRow: 1,
      headers: ['Nachname', 'Vorname', 'E-Mail-Adresse', 'Mobiltelefon', 'Firma', 'Land/Region'],
      status: 'mapping',
      fileError: null,
      options: { duplicates: 'skip', newOrganisations: 'partner' },
      sample: [
        { row: 2, cells: ['Müller', 'Anna', 'anna@example.de', '0171 1234567', 'Acme', 'DE'] },
      ],
      version: 1,
    });
    expect(first.mapping).toEqual([
      'familyName',
      'givenName',
      'email',
      'phone',
      'organisation',
      'country',
    ]);
    expect(first.targets).toEqual(expect.arrayContaining(['familyName', 'organisation', 'tags']));

    const url = `/api/v1/imports/${first.id}`;
    const unknown = await app.http
      .patch(url)
      .set(admin.auth)
      .set('If-Match', '"1"')
      .send({ mapping: ['familyName', 'givenName', 'email', 'shoeSize', null, null] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({ field: 'mapping.3', code: 'isIn' }),
    ]);
    const noName = await app.http
      .patch(url)
      .set(admin.auth)
      .set('If-Match', '"1"')
      .send({ mapping: [null, 'givenName', 'email', 'phone', null, null] });
    expect(noName.status).toBe(400);
    expect(noName.body.errors).toEqual([
      expect.objectContaining({ field: 'mapping', code: 'required' }),
    ]);
    // null is no mapping (it was a 500: the rule read its length).
    const nullMapping = await app.http
      .patch(url)
      .set(admin.auth)
      .set('If-Match', '"1"')
      .send({ mapping: null });
    expect(nullMapping.status).toBe(400);
    expect(nullMapping.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'mapping', code: 'required' })]),
    );
    const stale = await app.http
      .patch(url)
      .set(admin.auth)
      .set('If-Match', '"7"')
      .send({ options: { duplicates: 'update' } });
    expect(stale.status).toBe(412);
    const badOption = await app.http
      .patch(url)
      .set(admin.auth)
      .set('If-Match', '"1"')
      .send({ options: { duplicates: 'merge' } });
    expect(badOption.status).toBe(400);
    expect(badOption.body.errors.map((e: Json) => e.field)).toEqual(['options.duplicates']);

    const mapping = ['familyName', 'givenName', 'email', 'phone', null, 'country'];
    const saved = await app.http
      .patch(url)
      .set(admin.auth)
      .set('If-Match', '"1"')
      .send({ mapping, options: { duplicates: 'update' } });
    expect(saved.status).toBe(200);
    expect(saved.headers.etag).toBe('"2"');
    expect(saved.body).toMatchObject({
      mapping,
      options: { duplicates: 'update', newOrganisations: 'partner' },
    });

    // The same headers again: the saved mapping, not the suggestion; another user: the suggestion.
    expect((await uploaded('again.csv', content)).mapping).toEqual(mapping);
    const staff = await upload(c.sessions.staff, 'contact', 'again.csv', content);
    expect(staff.body.mapping).toEqual(first.mapping);
  });

  it('refuses a file over IMPORT_MAX_BYTES with 413 naming file', async () => {
    const small = await startTestApp({ env: { IMPORT_MAX_BYTES: '2048' } });
    try {
      const session = await loginAdmin(small);
      const big = small.http
        .post('/api/v1/imports')
        .set(session.auth)
        .field('kind', 'contact')
        .attach('file', Buffer.from(`Nachname\n${'Müller\n'.repeat(1000)}`), 'big.csv');
      const res = await big;
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'file', code: 'maxSize' }),
      ]);
      const fits = await small.http
        .post('/api/v1/imports')
        .set(session.auth)
        .field('kind', 'contact')
        .attach('file', Buffer.from('Nachname\nMüller\n'), 'small.csv');
      expect(fits.status).toBe(201);
      expect(await small.db.query('SELECT count(*) FROM imports')).toMatchObject({
        rows: [{ count: '1' }],
      });
    } finally {
      await small.stop();
    }
  });
});

describe('imports: dry run, run, undo', () => {
  it('reports every bad row by number and column, and the duplicates', async () => {
    const acme = await make.company({ name: 'Acme Werkzeuge GmbH' });
    const byEmail = await make.contact({ familyName: 'Alt', email: 'Dup@Example.de' });
    const byPhone = await make.contact({ familyName: 'Fon', phone: '+49 171 7654321' });
    const liWei = await make.contact({ familyName: 'Li', givenName: 'Wei', companyId: acme.id });
    const content = csv([
      ['Neu', 'Nina', 'nina@example.de', '', '', 'DE'], // 2: new
      ['Kaputt', 'Karl', 'not-an-email', '', '', 'DE'], // 3: bad e-mail
      ['Mail', 'Max', 'dup@example.de', '', '', 'DE'], // 4: e-mail of Alt
      ['Telefon', 'Tina', '', '0171/7654321', '', 'DE'], // 5: phone of Fon
      ['李伟', '', '', '', 'ACME Werkzeuge GmbH', 'CN'], // 6: Li Wei at Acme
      ['Zwei', 'Zora', 'zora@example.de', '', '', 'DE'], // 7: new
      ['Zwei', 'Zora', 'ZORA@example.de', '', '', 'DE'], // 8: repeats row 7
      ['', 'Ohne', 'ohne@example.de', '', '', 'XX'], // 9: no name, bad country
    ]);
    const created = await uploaded('duplicates.csv', content);
    const done = await checked(created.id);
    expect(done).toMatchObject({
      status: 'checked',
      counts: { rows: 8, valid: 6, errors: 2, duplicates: 4 },
      progress: { done: 8, total: 8 },
    });
    const errors = await allRows(created.id, 'error');
    expect(
      errors.map((r) => [r.row, r.errors.map((e: Json) => [e.column, e.field, e.code])]),
    ).toEqual([
      [3, [['E-Mail-Adresse', 'email', 'isEmail']]],
      [
        9,
        [
          ['Nachname', 'familyName', 'required'],
          ['Land', 'country', 'isISO31661Alpha2'],
        ],
      ],
    ]);
    const duplicates = await allRows(created.id, 'duplicate');
    expect(duplicates.map((r) => [r.row, r.duplicateOf])).toEqual([
      [4, { id: byEmail.id, row: null, name: 'Alt', reason: 'email' }],
      [5, { id: byPhone.id, row: null, name: 'Fon', reason: 'phone' }],
      [6, { id: liWei.id, row: null, name: 'Wei Li', reason: 'name' }],
      [8, { id: null, row: 7, name: 'Zora Zwei', reason: 'email' }],
    ]);

    // A decision for one duplicate; none for a row that duplicates nothing.
    const decide = (row: number, body: Json) =>
      app.http.patch(`/api/v1/imports/${created.id}/rows/${row}`).set(admin.auth).send(body);
    const notDuplicate = await decide(2, { decision: 'create' });
    expect(notDuplicate.status).toBe(400);
    expect(notDuplicate.body.errors).toEqual([expect.objectContaining({ field: 'decision' })]);
    expect((await decide(4, { decision: 'maybe' })).status).toBe(400);
    expect((await decide(4, { decision: 'update' })).body).toMatchObject({
      row: 4,
      decision: 'update',
    });

    // Run: new rows (2, 7) land, row 4 updates Alt, the other duplicates are skipped, errors fail.
    const before = await count('SELECT count(*) FROM contacts');
    const finished = await ran(created.id);
    expect(finished).toMatchObject({
      status: 'done',
      counts: { created: 2, updated: 1, skipped: 3, failed: 2 },
      progress: { done: 8, total: 8 },
    });
    expect(finished.finishedAt).toEqual(expect.any(String));
    expect(await count('SELECT count(*) FROM contacts')).toBe(before + 2);
    const alt = await get(admin, `/api/v1/contacts/${byEmail.id}`);
    expect(alt.body).toMatchObject({
      familyName: 'Mail',
      givenName: 'Max',
      email: 'dup@example.de',
      version: 2,
    });
    const nina = (await app.db.query(`SELECT * FROM contacts WHERE email = 'nina@example.de'`))
      .rows[0];
    expect(nina).toMatchObject({ family_name: 'Neu', given_name: 'Nina', owner_id: admin.user.id });
    expect(nina.search_key).toContain('nina');
    // Every record it wrote has its audit event carrying the import's id.
    expect(
      await count(`SELECT count(*) FROM audit_events WHERE changes->>'importId' = $1`, [
        created.id,
      ]),
    ).toBe(3);

    const failed = await get(admin, `/api/v1/imports/${created.id}/failed.csv`);
    expect(failed.status).toBe(200);
    expect(failed.headers['content-type']).toMatch(/text\/csv/);
    expect(failed.text.startsWith('\ufeff')).toBe(true);
    const lines = parse(failed.text.slice(1), { delimiter: ';' }) as string[][];
    expect(lines).toEqual([
      ['Nachname', 'Vorname', 'E-Mail-Adresse', 'Mobiltelefon', 'Firma', 'Land', 'Fehler'],
      [
        'Kaputt',
        'Karl',
        'not-an-email',
        '',
        '',
        'DE',
        'E-Mail-Adresse: email must be an email address',
      ],
      [
        '',
        'Ohne',
        'ohne@example.de',
        '',
        '',
        'XX',
        expect.stringMatching(/^Nachname: .*\nLand: .*/),
      ],
    ]);
  });

  it('imports the same file twice with "update" without a duplicate, and undoes both exactly', async () => {
    const start = await snapshot();
    const content = csv([
      ['Wang', 'Fang', 'wang.fang@example.cn', '+86 10 1234 5678', 'Zhongguancun Park', 'CN'],
      ['Becker', 'Ben', 'ben@example.de', '0211 123456', 'Acme Neu GmbH', 'DE'],
      ['Becker', 'Berta', 'berta@example.de', '', 'Acme Neu GmbH', 'DE'],
    ]);
    const first = await uploaded('twice.csv', content);
    expect((await checked(first.id)).counts).toMatchObject({ rows: 3, valid: 3, duplicates: 0 });
    expect((await ran(first.id)).counts).toMatchObject({ created: 3 });
    expect(await count(`SELECT count(*) FROM partners WHERE name = 'Acme Neu GmbH'`)).toBe(1);
    const afterFirst = await snapshot();
    expect(afterFirst.contacts.length).toBe(start.contacts.length + 3);
    expect(afterFirst.partners.length).toBe(start.partners.length + 2);

    const second = await uploaded('twice.csv', content.replace('Ben;', 'Benjamin;'));
    const patched = await app.http
      .patch(`/api/v1/imports/${second.id}`)
      .set(admin.auth)
      .set('If-Match', '"1"')
      .send({ options: { duplicates: 'update' } });
    expect(patched.status).toBe(200);
    expect((await checked(second.id)).counts).toMatchObject({ rows: 3, duplicates: 3 });
    expect((await ran(second.id)).counts).toMatchObject({ created: 0, updated: 1, skipped: 2 });
    const afterSecond = await snapshot();
    expect(afterSecond.contacts.length).toBe(afterFirst.contacts.length);
    expect(afterSecond.partners.length).toBe(afterFirst.partners.length);
    const ben = afterSecond.contacts.find((r) => r.email === 'ben@example.de')!;
    expect(ben).toMatchObject({ given_name: 'Benjamin', version: 2 });
    expect(ben.search_key).toContain('benjamin');

    // Undo the second: Ben is Ben again; undo the first: as before both.
    expect((await undone(second.id)).counts).toMatchObject({ undone: 1, kept: 0 });
    const benBack = (await snapshot()).contacts.find((r) => r.email === 'ben@example.de')!;
    const benFirst = afterFirst.contacts.find((r) => r.email === 'ben@example.de')!;
    expect({ ...benBack, version: 0, updated_at: 0 }).toEqual({
      ...benFirst,
      version: 0,
      updated_at: 0,
    });
    expect(benBack.version).toBe(3);
    const last = await undone(first.id);
    expect(last).toMatchObject({ status: 'undone', counts: { undone: 5, kept: 0 } });
    expect(last.undoneAt).toEqual(expect.any(String));
    expect(await snapshot()).toEqual(start);
    expect(
      await count(
        `SELECT count(*) FROM audit_events WHERE changes->>'importId' = $1 AND action = 'purge'`,
        [first.id],
      ),
    ).toBe(5);
    // Undone is final.
    expect((await post(admin, `/api/v1/imports/${first.id}/undo`)).status).toBe(409);
    expect((await post(admin, `/api/v1/imports/${first.id}/run`)).status).toBe(409);
  });

  it('keeps on undo what something links to now, and what changed since', async () => {
    const company = await make.company();
    const content = csv([
      ['Bleibt', 'Bea', 'bea@example.de', '', '', 'DE'],
      ['Geht', 'Gerd', 'gerd@example.de', '', '', 'DE'],
      ['Anders', 'Anja', 'anja@example.de', '', '', 'DE'],
    ]);
    const created = await uploaded('links.csv', content);
    await checked(created.id);
    await ran(created.id);
    const ids = Object.fromEntries(
      (await allRows(created.id)).map((r) => [r.values.familyName, r.recordId]),
    );
    await make.lead({ companyId: company.id, contactId: ids.Bleibt });
    const anja = await get(admin, `/api/v1/contacts/${ids.Anders}`);
    expect(
      (
        await app.http
          .patch(`/api/v1/contacts/${ids.Anders}`)
          .set(admin.auth)
          .set('If-Match', anja.headers.etag)
          .send({ city: 'Köln' })
      ).status,
    ).toBe(200);
    const result = await undone(created.id);
    expect(result).toMatchObject({ status: 'undone', counts: { undone: 1, kept: 2 } });
    expect((await allRows(created.id)).map((r) => [r.row, r.undo])).toEqual([
      [2, 'linked'],
      [3, 'undone'],
      [4, 'changed'],
    ]);
    expect(
      await count('SELECT count(*) FROM contacts WHERE id = ANY($1)', [Object.values(ids)]),
    ).toBe(2);
  });

  it('ends a file that breaks with fileError and its line, and refuses to run it', async () => {
    const before = await count('SELECT count(*) FROM contacts');
    const content = `${csv([['Gut', 'Gabi', 'gabi@example.de', '', '', 'DE']])}\r\nOffen;"Otto;o@example.de;;;DE\r\nNach;Nora;n@example.de;;;DE\r\n`;
    const created = await uploaded('unbalanced.csv', content);
    // The reader meets the quote while reading the first rows, or later in the dry run.
    const done = created.status === 'failed' ? created : await checked(created.id);
    expect(done.status).toBe('failed');
    expect(done.fileError).toMatchObject({ code: 'quotes', row: 3 });
    const refused = await post(admin, `/api/v1/imports/${created.id}/run`);
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'fileError' })]);
    expect(await count('SELECT count(*) FROM contacts')).toBe(before);
    expect(await count('SELECT count(*) FROM import_rows WHERE import_id = $1', [created.id])).toBe(
      0,
    );
  });

  it('cancels a running import after a batch; what landed stays and undo removes it', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => [
      `Abbruch${i}`,
      'Test',
      `abbruch${i}@example.de`,
      '',
      '',
      'DE',
    ]);
    const start = await snapshot();
    const created = await uploaded('cancel.csv', csv(rows));
    await checked(created.id);
    expect((await post(admin, `/api/v1/imports/${created.id}/run`)).status).toBe(202);
    const cancel = await post(admin, `/api/v1/imports/${created.id}/cancel`);
    expect(cancel.status).toBe(202);
    const ended = await settled(created.id, 'running');
    expect(ended.status).toBe('cancelled');
    const landed = ended.counts.created as number;
    expect(landed).toBeLessThan(6000);
    expect(landed % 1000).toBe(0);
    expect(await count('SELECT count(*) FROM contacts')).toBe(start.contacts.length + landed);
    expect((await post(admin, `/api/v1/imports/${created.id}/cancel`)).status).toBe(409);
    await undone(created.id);
    expect(await snapshot()).toEqual(start);
  });
});

const fixtures = existsSync(join(FIXTURES, 'outlook-de.csv')) ? describe : describe.skip;

fixtures('imports: the files agencies have', () => {
  it.each([
    ['outlook-de.csv', { format: 'csv', encoding: 'windows-1252', delimiter: ';', headerRow: 1 }],
    ['google-contacts.csv', { format: 'csv', encoding: 'utf-8', delimiter: ',', headerRow: 1 }],
    ['sheet.xlsx', { format: 'xlsx', headerRow: 3 }],
    ['phone.vcf', { format: 'vcard' }],
  ])('reads %s, maps it and imports its good rows', async (name, shape) => {
    const created = await uploaded(name, fixture(name));
    expect(created).toMatchObject({ ...shape, status: 'mapping', fileError: null });
    expect(created.headers.length).toBeGreaterThan(0);
    expect(
      created.mapping.some(
        (m: string | null) => m === 'familyName' || m === 'fullName' || m === 'nativeName',
      ),
    ).toBe(true);
    const done = await checked(created.id);
    expect(done.status).toBe('checked');
    expect(done.counts.rows).toBeGreaterThan(0);
    const finished = await ran(created.id);
    expect(finished.status).toBe('done');
    expect(
      finished.counts.created +
        finished.counts.updated +
        finished.counts.skipped +
        finished.counts.failed,
    ).toBe(done.counts.rows);
  });

  it('reads the three cards of phone.vcf, the Chinese one too', async () => {
    const created = await uploaded('phone.vcf', fixture('phone.vcf'));
    const done = await checked(created.id);
    expect(done.counts.rows).toBe(3);
    const rows = await allRows(created.id);
    expect(rows.map((r) => r.values.nativeName).filter(Boolean)).toEqual([
      expect.stringMatching(/\p{Script=Han}/u),
    ]);
  });

  it('reports the bad rows of broken.csv by line and column, and lists them in failed.csv', async () => {
    const created = await uploaded('broken.csv', fixture('broken.csv'));
    const done = await checked(created.id);
    // 30 rows: ten good ones, the Windows-1252 line (read right, so good too) and 19 bad ones.
    expect(done.counts).toMatchObject({ rows: 30, valid: 11, errors: 19 });
    const errors = await allRows(created.id, 'error');
    expect(errors.map((r) => [r.row, r.errors[0].column])).toEqual([
      [3, 'E-Mail'],
      [4, 'E-Mail'],
      [6, 'E-Mail'],
      [7, 'E-Mail'],
      [9, 'E-Mail'],
      [10, 'Land'],
      [12, 'Land'],
      [15, 'Nachname'],
      [16, 'Telefon'],
      [18, 'Telefon'],
      [19, 'WeChat'],
      [21, 'Sprachen'],
      [22, 'Position'],
      [24, 'Anrede'],
      [25, 'Nachname'],
      [27, 'E-Mail'],
      [28, 'Land'],
      [30, 'Telefon'],
      [31, 'Stadt'],
    ]);
    const finished = await ran(created.id);
    // (A good row may duplicate a contact an earlier fixture brought in: then it is skipped.)
    expect(finished.counts).toMatchObject({ failed: 19 });
    expect(finished.counts.created + finished.counts.skipped).toBe(11);
    // The Windows-1252 line of the UTF-8 file is read right (its phone is an earlier test's).
    const jurgen = (await allRows(created.id)).find((r) => r.row === 13)!;
    expect(jurgen.values).toMatchObject({ familyName: 'Größer', city: 'Düsseldorf' });
    expect(jurgen.errors).toEqual([]);
    const failed = await get(admin, `/api/v1/imports/${created.id}/failed.csv`);
    const lines = parse(failed.text.slice(1), { delimiter: ';' }) as string[][];
    expect(lines).toHaveLength(20);
    expect(lines[1].slice(0, 3)).toEqual(['Frau', 'Anna', 'Schmidt']);
    expect(lines[1][12]).toMatch(/^E-Mail: /);
  });

  it('ends unbalanced.csv with fileError and its line', async () => {
    const created = await uploaded('unbalanced.csv', fixture('unbalanced.csv'));
    const done = created.status === 'failed' ? created : await checked(created.id);
    expect(done.status).toBe('failed');
    expect(done.fileError).toMatchObject({ code: 'quotes', row: expect.any(Number) });
    expect((await post(admin, `/api/v1/imports/${created.id}/run`)).status).toBe(409);
  });
});

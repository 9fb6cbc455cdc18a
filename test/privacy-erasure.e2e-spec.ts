import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { expectStatuses } from './helpers/roles';
import { Api, Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, admin, c, make, api } = w));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** A person with a name found nowhere else, in every spelling the erasure must reach. */
const PERSON = {
  familyName: 'Xiaoqiao',
  givenName: 'Tianlan',
  nativeName: '肖天岚',
  email: 'tianlan.xiaoqiao@erase-me.example.cn',
  phone: '+86 139 1122 3344',
  wechatId: 'tianlan_xq88',
};
const NEEDLES = [
  'Xiaoqiao Tianlan',
  'Tianlan Xiaoqiao',
  '肖天岚',
  PERSON.email,
  PERSON.phone,
  '+8613911223344',
  '13911223344',
  PERSON.wechatId,
];

/** Which needles a text holds (case-insensitive). */
const found = (text: string): string[] =>
  NEEDLES.filter((n) => text.toLowerCase().includes(n.toLowerCase()));

const get = (path: string, session = admin) => app.http.get(path).set(session.auth);

async function settled(id: string, status: string): Promise<Json> {
  for (let i = 0; i < 600; i++) {
    const res = await get(`/api/v1/imports/${id}`);
    if (res.body.status !== status) return res.body as Json;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${id} stayed ${status}`);
}

/** Every page of a list, as one text. */
async function listText(path: string): Promise<string> {
  let text = '';
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await get(
      `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect([path, res.status]).toEqual([path, 200]);
    text += JSON.stringify(res.body);
    cursor = (res.body as { nextCursor: string | null }).nextCursor;
  } while (cursor);
  return text;
}

async function download(path: string): Promise<Buffer> {
  const res = await fetch(`${app.url}${path}`, { headers: admin.auth });
  expect([path, res.status]).toEqual([path, 200]);
  return Buffer.from(await res.arrayBuffer());
}

async function xlsxText(bytes: Buffer): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const cells: string[] = [];
  for (const sheet of workbook.worksheets)
    sheet.eachRow((row) => cells.push(JSON.stringify(row.values)));
  return cells.join('\n');
}

let personId: string;
let other: Json;
let importId: string;
let interactions: Json[];
let lead: Json;
let followUp: Json;
let trip: Json;
let appointment: Json;
let delegate: Json;
let historyBefore: number;

beforeAll(async () => {
  // The person arrives by an import (with someone else), as many do.
  const csv = [
    'Nachname,Vorname,Chinesischer Name,E-Mail,Telefon,WeChat,Land',
    `${PERSON.familyName},${PERSON.givenName},${PERSON.nativeName},${PERSON.email},${PERSON.phone},${PERSON.wechatId},CN`,
    'Brandt,Olga,,olga.brandt@example.de,,,DE',
  ].join('\n');
  const uploaded = await app.http
    .post('/api/v1/imports')
    .set(admin.auth)
    .field('kind', 'contact')
    .attach('file', Buffer.from(csv), 'messe.csv');
  expect(uploaded.status).toBe(201);
  importId = uploaded.body.id as string;
  const mapped = await app.http
    .patch(`/api/v1/imports/${importId}`)
    .set(admin.auth)
    .set('If-Match', uploaded.headers.etag as string)
    .send({
      mapping: ['familyName', 'givenName', 'nativeName', 'email', 'phone', 'wechatId', 'country'],
    });
  expect(mapped.status).toBe(200);
  expect((await app.http.post(`/api/v1/imports/${importId}/check`).set(admin.auth)).status).toBe(
    202,
  );
  await settled(importId, 'checking');
  expect((await app.http.post(`/api/v1/imports/${importId}/run`).set(admin.auth)).status).toBe(202);
  await settled(importId, 'running');
  const rows = (await get(`/api/v1/imports/${importId}/rows?limit=10`)).body.items as Json[];
  personId = rows.find((r) => r.values.familyName === PERSON.familyName)!.recordId as string;
  expect(personId).toBeTruthy();

  // Twenty-one edits: the history the audit log keeps.
  for (let i = 1; i <= 21; i++) {
    const res = await api.patch(`/api/v1/contacts/${personId}`, {
      position: `Abteilungsleiterin ${i}`,
      notes: `Notiz ${i} zu ${PERSON.givenName} ${PERSON.familyName}`,
    });
    expect(res.status).toBe(200);
  }

  other = await make.contact({ familyName: 'Keller', givenName: 'Otto' });
  trip = await make.trip({ title: 'Delegationsreise Chengdu' });
  appointment = await make.appointment({
    tripId: trip.id as string,
    title: 'Termin im Technologiepark',
    notes: `Treffen mit ${PERSON.nativeName}, Handy ${PERSON.phone}`,
  });
  delegate = await make.participant({
    tripId: trip.id as string,
    name: `${PERSON.familyName} ${PERSON.givenName}`,
  });
  interactions = [
    await make.interaction({
      contactIds: [personId],
      subject: `Gespräch mit ${PERSON.familyName} ${PERSON.givenName}`,
      summary: `${PERSON.givenName} ${PERSON.familyName} (${PERSON.nativeName}) gab uns ${PERSON.email}, +8613911223344 und WeChat ${PERSON.wechatId}.`,
    }),
    await make.interaction({
      contactIds: [personId, other.id],
      subject: 'Abendessen mit der Delegation',
      summary: `Otto Keller stellte uns ${PERSON.nativeName} vor.`,
      appointmentId: appointment.id,
    }),
  ];
  // A create sent with an Idempotency-Key: its stored answer holds the name.
  const keyed = await app.http
    .post('/api/v1/interactions')
    .set(admin.auth)
    .set('Idempotency-Key', randomUUID())
    .send({
      occurredAt: new Date().toISOString(),
      kind: 'call',
      subject: `Rückruf ${PERSON.familyName} ${PERSON.givenName}`,
      contactIds: [personId],
    });
  expect(keyed.status).toBe(201);
  interactions.push(keyed.body as Json);

  // A lead of the company with a company user: notifications and mails name it.
  lead = await make.lead({
    companyId: c.ownCompany.id,
    contactId: personId,
    title: `Ansiedlung über ${PERSON.familyName} ${PERSON.givenName}`,
  });
  expect(
    (
      await api.post(`/api/v1/leads/${lead.id}/notes`, {
        body: `Anruf von ${PERSON.givenName} ${PERSON.familyName}, ${PERSON.phone}, ${PERSON.email}`,
      })
    ).status,
  ).toBe(201);
  followUp = await make.followUp({
    contactId: personId,
    companyId: c.ownCompany.id,
    title: `${PERSON.familyName} ${PERSON.givenName} zurückrufen`,
    notes: `WeChat ${PERSON.wechatId}`,
  });
  // A business card saved into the person (its photo kept with the contact), and another scan
  // still unsaved whose proposal names the person among its matches.
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const proposal = JSON.stringify({
    fields: { familyName: PERSON.familyName, emails: [PERSON.email], phones: [] },
    text: `${PERSON.givenName} ${PERSON.familyName}\n${PERSON.email}`,
    organisation: null,
    matches: [{ id: personId, name: PERSON.nativeName, reasons: ['email'], score: 8 }],
  });
  await app.db.query(
    `INSERT INTO card_scans (created_by, status, proposal, contact_id) VALUES ($1, 'saved', $2, $3)`,
    [admin.user.id, proposal, personId],
  );
  await app.db.query(
    `INSERT INTO card_scans (created_by, status, front, front_type, proposal)
     VALUES ($1, 'read', $2, 'image/png', $3)`,
    [admin.user.id, png, proposal],
  );
  await app.db.query(
    `INSERT INTO contact_cards (contact_id, side, image, media_type) VALUES ($1, 'front', $2, 'image/png')`,
    [personId, png],
  );
  // An export filtered by the name: its audit event keeps the filter.
  await download(
    `/api/v1/contacts/export?format=csv&q=${encodeURIComponent(`${PERSON.givenName} ${PERSON.familyName}`)}`,
  );
});

describe('the right of access (art. 15)', () => {
  it('lists everything stored about the person and every place it appears', async () => {
    const res = await get(`/api/v1/contacts/${personId}/personal-data`);
    expect(res.status).toBe(200);
    const data = res.body as Json;
    expect(data.contact).toMatchObject({
      id: personId,
      ...PERSON,
      position: 'Abteilungsleiterin 21',
    });
    expect(data.legalBasis).toHaveProperty('basis');
    const place = (table: string, column: string) =>
      (data.places as Json[]).find((p) => p.table === table && p.column === column)?.count;
    expect(place('interaction_contacts', 'contact_id')).toBe(3);
    expect(place('leads', 'contact_id')).toBe(1);
    expect(place('follow_ups', 'contact_id')).toBe(1);
    expect(place('import_rows', 'record_id')).toBe(1);
    expect(place('audit_events', 'entity_id')).toBeGreaterThanOrEqual(22);

    expect((data.interactions as Json[]).map((i) => i.id).sort()).toEqual(
      interactions.map((i) => i.id).sort(),
    );
    const dinner = (data.interactions as Json[]).find((i) => i.id === interactions[1].id)!;
    expect(dinner.otherParticipants).toEqual([
      expect.objectContaining({ id: other.id, familyName: 'Keller' }),
    ]);
    expect(data.leads).toEqual([
      expect.objectContaining({
        id: lead.id,
        notes: [expect.objectContaining({ body: expect.stringContaining(PERSON.email) })],
      }),
    ]);
    expect((data.followUps as Json[]).map((f) => f.id)).toEqual([followUp.id]);
    expect((data.trips as Json[]).map((t) => t.id)).toEqual([trip.id]);
    expect((data.appointments as Json[]).map((a) => a.id)).toEqual([appointment.id]);
    expect((data.delegates as Json[]).map((d) => d.id)).toEqual([delegate.id]);
    expect(data.cards).toEqual([
      expect.objectContaining({ kind: 'photo', side: 'front', mediaType: 'image/png', bytes: 16 }),
      expect.objectContaining({ kind: 'scan', contactId: personId }),
    ]);
    expect(place('contact_cards', 'contact_id')).toBe(1);
    expect(place('card_scans', 'contact_id')).toBe(1);
    expect(data.importRows).toEqual([
      expect.objectContaining({ importId, recordId: personId, fileName: 'messe.csv' }),
    ]);
    // What the erasure must reach holds the person now (else the test below proves nothing).
    for (const [table, text] of [
      ['mails', 'subject || text_body || html_body'],
      ['notifications', 'params::text'],
      ['idempotency_keys', 'body'],
      ['import_rows', 'values::text'],
      ['audit_events', 'changes::text'],
      ['card_scans', 'proposal::text'],
    ]) {
      const { rows } = await app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE ${text} ILIKE '%Xiaoqiao%'`,
      );
      expect([table, rows[0].n > 0]).toEqual([table, true]);
    }
    historyBefore = (data.history as Json[]).length;
    expect(historyBefore).toBeGreaterThanOrEqual(22);
    expect(data.history[0]).toMatchObject({ action: 'create', entity: 'contact' });
  });

  it('is for admin and staff only; a contact the caller cannot see is 404', async () => {
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 403, own: 403, foreign: 403 },
      async (_, session) =>
        (await get(`/api/v1/contacts/${personId}/personal-data`, session)).status,
    );
    expect((await get(`/api/v1/contacts/${randomUUID()}/personal-data`)).status).toBe(404);
    const gone = await make.contact();
    await make.softDelete('contacts', gone.id);
    expect((await get(`/api/v1/contacts/${gone.id}/personal-data`)).status).toBe(404);
  });
});

describe('the right to erasure (art. 17)', () => {
  const erase = (id: string, ifMatch: string | null, session = admin) => {
    const req = app.http.post(`/api/v1/contacts/${id}/erase`).set(session.auth);
    return ifMatch === null ? req.send({}) : req.set('If-Match', ifMatch).send({});
  };

  it('refuses viewer and company users, unseen contacts and a stale version', async () => {
    const etag = await api.etag(`/api/v1/contacts/${personId}`);
    await expectStatuses(
      c,
      { viewer: 403, own: 403, foreign: 403 },
      async (_, session) => (await erase(personId, etag, session)).status,
      ['viewer', 'own', 'foreign'],
    );
    expect((await erase(randomUUID(), '"1"')).status).toBe(404);
    const stale = await erase(personId, '"1"');
    expect(stale.status).toBe(412);
    expect((await erase(personId, null)).status).toBe(428);
    expect((await get(`/api/v1/contacts/${personId}`)).status).toBe(200);
  });

  it('removes the person everywhere and keeps the history without values', async () => {
    const history = async () =>
      (
        await app.db.query<{ action: string; actor_id: string; changes: Json }>(
          `SELECT action, actor_id, changes FROM audit_events
           WHERE entity = 'contact' AND entity_id = $1 ORDER BY at, id`,
          [personId],
        )
      ).rows;
    // Each access export is audited too (who was handed the data, and when).
    const accesses = (await history()).filter((e) => e.action === 'access');
    expect(accesses.length).toBeGreaterThanOrEqual(1);
    expect(accesses[0].actor_id).toBe(admin.user.id);
    const eventsBefore = (await history()).length;
    expect(eventsBefore).toBeGreaterThan(historyBefore);
    const etag = await api.etag(`/api/v1/contacts/${personId}`);
    const res = await erase(personId, etag);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: personId, contacts: 1 });
    expect(res.body.fields).toEqual(expect.arrayContaining(['familyName', 'email', 'phone']));
    expect(found(JSON.stringify(res.body))).toEqual([]);
    expect((await get(`/api/v1/contacts/${personId}`)).status).toBe(404);
    // The card's photo and the scan saved into the person are gone; the other scan names no one.
    expect((await get(`/api/v1/contacts/${personId}/card/front`)).status).toBe(404);
    const cards = await app.db.query<{ photos: number; saved: number; naming: number }>(
      `SELECT (SELECT count(*)::int FROM contact_cards WHERE contact_id = $1) AS photos,
              (SELECT count(*)::int FROM card_scans WHERE status = 'saved') AS saved,
              (SELECT count(*)::int FROM card_scans WHERE proposal::text ILIKE '%Xiaoqiao%'
                 OR proposal::text ILIKE '%erase-me%') AS naming`,
      [personId],
    );
    expect(cards.rows[0]).toEqual({ photos: 0, saved: 0, naming: 0 });

    // Every API answer.
    const answers: [string, string][] = [];
    const read = async (path: string) => answers.push([path, await listText(path)]);
    for (const path of [
      '/api/v1/contacts',
      '/api/v1/contacts?deleted=true',
      '/api/v1/interactions',
      '/api/v1/leads',
      '/api/v1/follow-ups',
      '/api/v1/audit',
      `/api/v1/leads/${lead.id}/notes`,
      `/api/v1/trips/${trip.id}/participants`,
      `/api/v1/trips/${trip.id}/appointments`,
      `/api/v1/imports/${importId}/rows`,
      '/api/v1/notifications',
    ])
      await read(path);
    for (const needle of NEEDLES) {
      await read(`/api/v1/contacts?q=${encodeURIComponent(needle)}`);
      const search = await get(`/api/v1/search?q=${encodeURIComponent(needle)}`);
      expect(search.status).toBe(200);
      answers.push([`search ${needle}`, JSON.stringify(search.body)]);
    }
    for (const path of [
      ...interactions.map((i) => `/api/v1/interactions/${i.id}`),
      `/api/v1/leads/${lead.id}`,
      `/api/v1/follow-ups/${followUp.id}`,
      `/api/v1/trips/${trip.id}`,
      `/api/v1/imports/${importId}`,
    ]) {
      const one = await get(path);
      expect([path, one.status]).toEqual([path, 200]);
      answers.push([path, JSON.stringify(one.body)]);
    }
    const own = await get('/api/v1/notifications?limit=200', c.sessions.own);
    answers.push(['own notifications', JSON.stringify(own.body)]);
    // Every export.
    for (const kind of [
      'contacts',
      'companies',
      'partners',
      'interactions',
      'follow-ups',
      'leads',
      'agreements',
      'trips',
      'users',
    ]) {
      const csv = await download(`/api/v1/${kind}/export?format=csv`);
      answers.push([`${kind}.csv`, csv.toString('utf8')]);
    }
    answers.push([
      'contacts.xlsx',
      await xlsxText(await download('/api/v1/contacts/export?format=xlsx')),
    ]);
    answers.push([
      'contacts.vcf',
      (await download('/api/v1/contacts/export?format=vcard')).toString('utf8'),
    ]);
    expect(answers.map(([what, text]) => [what, found(text)]).filter(([, f]) => f.length)).toEqual(
      [],
    );

    // Every row of every table, as the database holds it.
    const tables = (
      await app.db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      )
    ).rows.map((r) => r.table_name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'audit_events',
        'mails',
        'notifications',
        'import_rows',
        'idempotency_keys',
      ]),
    );
    const left: [string, string[]][] = [];
    for (const table of tables) {
      const { rows } = await app.db.query<{ row: string }>(
        `SELECT t::text AS row FROM "${table}" t`,
      );
      const hits = found(rows.map((r) => r.row).join('\n'));
      if (hits.length) left.push([table, hits]);
    }
    expect(left).toEqual([]);
    // The raw rows the brief names, once more by name: they exist, and hold none of it.
    const mails = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM mails');
    expect(mails.rows[0].n).toBeGreaterThan(0);
    const files = await app.db.query('SELECT 1 FROM import_files WHERE import_id = $1', [importId]);
    expect(files.rowCount).toBe(0);

    // The other participant stays, and so do the records that named the person.
    const dinner = await get(`/api/v1/interactions/${interactions[1].id}`);
    expect(dinner.body.contactIds).toEqual([other.id]);
    expect((await get(`/api/v1/contacts/${other.id}`)).status).toBe(200);
    const leadNow = await get(`/api/v1/leads/${lead.id}`);
    expect(leadNow.body.contactId).toBeNull();
    expect(leadNow.body.title).toBe('Ansiedlung über [erased]');
    const rows = (await get(`/api/v1/imports/${importId}/rows?limit=10`)).body.items as Json[];
    expect(rows.find((r) => r.recordId === personId)?.values.familyName).toBe('[erased]');
    expect(rows.find((r) => r.recordId !== personId)?.values.familyName).toBe('Brandt');

    // The history: every event still there (and the erasure's), naming fields, holding no value.
    const events = await history();
    expect(events.length).toBe(eventsBefore + 1);
    const edits = events.filter((e) => e.action === 'update');
    expect(edits.length).toBe(21);
    for (const e of edits)
      expect(e.changes).toEqual({ position: { erased: true }, notes: { erased: true } });
    expect(Object.keys(events[0].changes)).toEqual(
      expect.arrayContaining(['familyName', 'email', 'phone', 'wechatId']),
    );
    const erasure = events[events.length - 1];
    expect(erasure.action).toBe('erase');
    expect(erasure.changes.fields).toEqual(expect.arrayContaining(['familyName', 'nativeName']));
    expect(erasure.changes.rows).toMatchObject({
      'interaction_contacts.contact_id': 3,
      'leads.contact_id': 1,
      'follow_ups.contact_id': 1,
      contacts: 1,
    });
  });

  it('erases a contact merged into the one erased: the same person', async () => {
    // A name beginning with a letter beyond ASCII, as whole words in a text of its own.
    const kept = await make.contact({
      familyName: 'Ömeroğlu',
      givenName: 'Beiyu',
      email: 'bz@erase.example.cn',
    });
    const twin = await make.contact({
      familyName: 'Ömeroğlu',
      givenName: 'Beiyu',
      phone: '+49 171 9988776',
    });
    const talk = await make.interaction({
      contactIds: [twin.id, other.id],
      subject: 'Frau Ömeroğlu und Otto Keller, Tel. 0171 998 8776',
    });
    const merged = await app.http
      .post(`/api/v1/contacts/${kept.id}/merge`)
      .set(admin.auth)
      .set('If-Match', `"${kept.version}"`)
      .send({ otherId: twin.id, otherVersion: twin.version, fields: { phone: 'other' } });
    expect(merged.status).toBe(200);
    const access = await get(`/api/v1/contacts/${kept.id}/personal-data`);
    expect((access.body.mergedContacts as Json[]).map((m) => m.id)).toEqual([twin.id]);
    const res = await erase(kept.id, merged.headers.etag as string);
    expect(res.status).toBe(200);
    expect(res.body.contacts).toBe(2);
    const left = await app.db.query('SELECT id FROM contacts WHERE id = ANY ($1)', [
      [kept.id, twin.id],
    ]);
    expect(left.rowCount).toBe(0);
    const audit = await app.db.query<{ t: string }>(
      `SELECT string_agg(changes::text, ' ') AS t FROM audit_events WHERE entity_id = ANY ($1)`,
      [[kept.id, twin.id]],
    );
    expect(audit.rows[0].t).not.toMatch(/Ömeroğlu|9988776|bz@erase/i);
    const after = await get(`/api/v1/interactions/${talk.id}`);
    expect(after.body.subject).toBe('Frau [erased] und Otto Keller, Tel. [erased]');
    expect(after.body.contactIds).toEqual([other.id]);
  });
});

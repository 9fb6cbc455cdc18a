/**
 * The audit log for admins: each filter (record, user, action, from/to as instants or Berlin
 * days) narrows to exactly its events, keyset pages neither repeat nor skip, the CSV export holds
 * the filtered events and is itself audited; other roles are refused.
 */
import { randomUUID } from 'node:crypto';
import { ADMIN } from './helpers/app';
import { Visitor } from './helpers/pages';
import { Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, make: Kit, c: Cast;
useWorld((w) => ({ app, admin, make, c } = w));

interface Probe {
  id: string;
  at: string;
  actorId: string;
  action: string;
  entityId: string;
}
interface EventView {
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  changes: Record<string, unknown>;
}

const records = [randomUUID(), randomUUID(), randomUUID()];
let other: string;
const probes: Probe[] = [];

beforeAll(async () => {
  other = (await make.user({ displayName: 'Auditierte Person' })).id;
  // 40 events over ten days of March 2025, two at each instant (the id breaks the tie), some just
  // after midnight in Berlin (23:30 UTC the day before).
  for (let i = 0; i < 40; i++) {
    const day = 1 + Math.floor(i / 4);
    const at =
      i % 4 < 2
        ? `2025-03-${String(day).padStart(2, '0')}T10:00:00.000Z`
        : `2025-03-${String(day).padStart(2, '0')}T23:30:00.000Z`;
    probes.push({
      id: randomUUID(),
      at,
      actorId: i % 3 === 0 ? other : admin.user.id,
      action: i % 2 === 0 ? 'probe.a' : 'probe.b',
      entityId: records[i % 3],
    });
  }
  for (const p of probes)
    await app.db.query(
      `INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, changes)
       VALUES ($1, $2, $3, $4, 'probe', $5, '{"n": 1}')`,
      [p.id, p.at, p.actorId, p.action, p.entityId],
    );
});

async function all(query: string, limit = 200): Promise<EventView[]> {
  const out: EventView[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/audit?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await app.http.get(url).set(admin.auth);
    expect(res.status).toBe(200);
    const body = res.body as { items: EventView[]; nextCursor: string | null };
    out.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}
/** The probes' ids newest first, ties by id descending (as the API orders them). */
const expected = (keep: (p: Probe) => boolean) =>
  probes
    .filter(keep)
    .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id))
    .map((p) => p.id);
const ids = (events: EventView[]) => events.map((e) => e.id);

describe('filters', () => {
  it('narrows by record kind and id', async () => {
    expect(ids(await all('entity=probe'))).toEqual(expected(() => true));
    expect(ids(await all(`entity=probe&entityId=${records[1]}`))).toEqual(
      expected((p) => p.entityId === records[1]),
    );
  });

  it('narrows by the user who acted', async () => {
    expect(ids(await all(`entity=probe&actorId=${other}`))).toEqual(
      expected((p) => p.actorId === other),
    );
    expect(ids(await all(`actorId=${other}`))).toEqual(expected((p) => p.actorId === other));
  });

  it('narrows by action', async () => {
    expect(ids(await all('action=probe.b'))).toEqual(expected((p) => p.action === 'probe.b'));
    expect(ids(await all(`action=probe.a&actorId=${other}`))).toEqual(
      expected((p) => p.action === 'probe.a' && p.actorId === other),
    );
  });

  it('narrows by days in Berlin: 23:30 UTC is the next day there', async () => {
    // 2025-03-03 in Berlin (UTC+1): from 2025-03-02T23:00Z to 2025-03-03T23:00Z.
    const start = Date.parse('2025-03-02T23:00:00Z');
    const end = Date.parse('2025-03-03T23:00:00Z');
    const inDay = (p: Probe) => Date.parse(p.at) >= start && Date.parse(p.at) < end;
    const day = await all('entity=probe&from=2025-03-03&to=2025-03-03');
    expect(ids(day)).toEqual(expected(inDay));
    expect(day).toHaveLength(4);
    expect(ids(await all('entity=probe&from=2025-03-09'))).toEqual(
      expected((p) => Date.parse(p.at) >= Date.parse('2025-03-08T23:00:00Z')),
    );
    expect(ids(await all('entity=probe&to=2025-03-01'))).toEqual(
      expected((p) => Date.parse(p.at) < Date.parse('2025-03-01T23:00:00Z')),
    );
  });

  it('narrows by instants: from includes, to excludes', async () => {
    const at = '2025-03-04T23:30:00.000Z';
    const from = await all(`entity=probe&from=${encodeURIComponent('2025-03-05T00:30:00+01:00')}`);
    expect(ids(from)).toEqual(expected((p) => p.at >= at));
    // An unencoded `+` (a space) is read as the offset's sign.
    const to = await all('entity=probe&to=2025-03-05T00:30:00+01:00');
    expect(ids(to)).toEqual(expected((p) => p.at < at));
    expect(from.length + to.length).toBe(probes.length);
  });

  it('finds a real change by its record, with its before and after', async () => {
    const company = await make.company({ name: 'Vorher GmbH' });
    expect(
      (await make.api.patch(`/api/v1/companies/${company.id}`, { name: 'Nachher GmbH' })).status,
    ).toBe(200);
    const events = await all(`entity=company&entityId=${company.id}`);
    expect(events.map((e) => e.action)).toEqual(['update', 'create']);
    expect(events[0].changes).toMatchObject({
      name: { before: 'Vorher GmbH', after: 'Nachher GmbH' },
    });
    expect(events[0].actorId).toBe(admin.user.id);
  });

  it('refuses a bad filter with a 400 naming it', async () => {
    for (const [query, field] of [
      ['from=yesterday', 'from'],
      ['to=2025-02-30', 'to'],
      ['action=DROP%20TABLE', 'action'],
      ['actorId=12', 'actorId'],
    ]) {
      const res = await app.http.get(`/api/v1/audit?${query}`).set(admin.auth);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });

  it('has an index for each filter, ordered by time', async () => {
    const { rows } = await app.db.query(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'audit_events'`,
    );
    const defs = (rows as { indexdef: string }[]).map((r) =>
      r.indexdef.replace(/.*USING btree /, ''),
    );
    expect(defs).toEqual(
      expect.arrayContaining([
        '(entity, entity_id, at, id)',
        '(actor_id, at, id)',
        '(action, at, id)',
        '(at, id)',
      ]),
    );
  });
});

describe('keyset pages', () => {
  it('walks every event once, newest first, in pages of 7', async () => {
    const paged = await all('entity=probe', 7);
    expect(ids(paged)).toEqual(expected(() => true));
    expect(new Set(ids(paged)).size).toBe(probes.length);
    const filtered = await all(`entity=probe&action=probe.a&from=2025-03-02`, 3);
    expect(ids(filtered)).toEqual(
      expected(
        (p) => p.action === 'probe.a' && Date.parse(p.at) >= Date.parse('2025-03-01T23:00:00Z'),
      ),
    );
  });
});

describe('the CSV export', () => {
  it('holds the filtered events under a header row, UTF-8 with BOM, and is itself audited', async () => {
    const res = await app.http
      .get(
        `/api/v1/audit/export?format=csv&delimiter=semicolon&lang=en&entity=probe&actorId=${other}`,
      )
      .set(admin.auth)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    const text = res.body as string;
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('At;User ID;User;Action;Record kind;Record ID;Changes;Request ID');
    const rows = lines.slice(1).map((l) => l.split(';'));
    const want = probes.filter((p) => p.actorId === other);
    expect(rows).toHaveLength(want.length);
    expect(rows.map((r) => r[1])).toEqual(want.map(() => other));
    expect(rows.every((r) => r[2] === 'Auditierte Person' && r[4] === 'probe')).toBe(true);
    expect(new Set(rows.map((r) => r[5]))).toEqual(new Set(want.map((p) => p.entityId)));
    expect(rows[0][0]).toBe(
      want
        .map((p) => p.at)
        .sort()
        .reverse()[0],
    );

    const exported = await all(`action=export&entity=auditEvent&actorId=${admin.user.id}`);
    expect(exported).toHaveLength(1);
    expect(exported[0].changes).toMatchObject({
      format: 'csv',
      delimiter: 'semicolon',
      filters: { entity: 'probe', actorId: other },
    });
  });

  it('downloads from the page with the session, in the page’s language and with the filters', async () => {
    const admin = new Visitor(app.url);
    await admin.signIn(ADMIN.email, ADMIN.password);
    const page = await admin.get(`/admin/audit?entity=probe&actorId=${other}`);
    expect(page.status).toBe(200);
    const href = /href="(\/admin\/audit\/export\?[^"]+)"[^>]*id="audit-csv"/.exec(page.body)?.[1];
    expect(href).toBeDefined();
    const file = await admin.get(href!.replace(/&amp;/g, '&'));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = file.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'Zeitpunkt;Benutzer-ID;Benutzer;Aktion;Datensatzart;Datensatz-ID;Änderungen;Anfrage-ID',
    );
    expect(lines).toHaveLength(1 + probes.filter((p) => p.actorId === other).length);

    const staff = new Visitor(app.url);
    const user = await make.user();
    await staff.signIn(user.email, user.password);
    expect((await staff.get('/admin/audit/export?format=csv')).status).toBe(403);
    expect((await staff.get('/admin/audit')).status).toBe(403);
  });

  it('refuses a format it does not write (400)', async () => {
    const res = await app.http.get('/api/v1/audit/export?format=xlsx').set(admin.auth);
    expect(res.status).toBe(400);
  });
});

describe('who may read it', () => {
  it('is for admins: every other role gets a 403', async () => {
    for (const role of ['staff', 'viewer', 'own'] as const) {
      const s = c.sessions[role];
      expect((await app.http.get('/api/v1/audit').set(s.auth)).status).toBe(403);
      expect((await app.http.get('/api/v1/audit/export?format=csv').set(s.auth)).status).toBe(403);
    }
  });
});

/**
 * Notifications in the web app and the mails a user chooses: each user reads and marks only its
 * own notifications (a company user never another company's), the preferences turn optional
 * mails on and off, and a mail's one-click unsubscribe link (RFC 8058) turns its kind off for
 * good, while other kinds still come.
 */
import { randomUUID } from 'node:crypto';
import { TestSmtp } from './helpers/smtp';
import { Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await TestSmtp.start();
});
afterAll(() => smtp.stop());

let app: TestApp, admin: Session, c: Cast, make: Kit;
useWorld((w) => ({ app, admin, c, make } = w), {
  env: () => ({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://crm.example.org' }),
});

interface Item {
  id: string;
  kind: string;
  line: string;
  link: string;
  params: { title: string; company: string };
  createdAt: string;
  readAt: string | null;
}
const get = (session: Session, path: string) => app.http.get(path).set(session.auth);
const post = (session: Session, path: string, body?: object) =>
  app.http
    .post(path)
    .set(session.auth)
    .set('Idempotency-Key', randomUUID())
    .send(body ?? {});
const itemsOf = async (session: Session, query = '') => {
  const res = await get(session, `/api/v1/notifications${query}`);
  expect(res.status).toBe(200);
  return res.body as { items: Item[]; nextCursor: string | null };
};
const unread = async (session: Session) =>
  (await get(session, '/api/v1/notifications/unread-count')).body.count as number;
const lead = async (companyId: string, title: string) =>
  make.lead({ companyId, title }) as Promise<{ id: string }>;

describe('the notifications API', () => {
  it('lists a user’s own notifications only, newest first, in its language', async () => {
    const first = await lead(c.ownCompany.id, 'Scheren für Ningbo');
    const second = await lead(c.ownCompany.id, 'Messer für Wuhan');
    await lead(c.foreignCompany.id, 'Geheim für den Wettbewerber');
    const own = c.sessions.own;
    const { items } = await itemsOf(own);
    expect(items.map((n) => n.params.title)).toEqual(['Messer für Wuhan', 'Scheren für Ningbo']);
    expect(items[0]).toMatchObject({
      kind: 'lead-created',
      line: `Neuer Lead für ${c.ownCompany.name}: Messer für Wuhan`,
      link: `/leads/${second.id}`,
      readAt: null,
    });
    expect(items[1].link).toBe(`/leads/${first.id}`);
    // Nothing of the other company reaches this user, and nothing of this one reaches the other.
    expect(JSON.stringify(items)).not.toContain('Wettbewerber');
    const foreign = await itemsOf(c.sessions.foreign);
    expect(foreign.items.map((n) => n.params.title)).toEqual(['Geheim für den Wettbewerber']);
    // The agency's users are not told of leads they made; the viewer has none.
    for (const role of ['admin', 'staff', 'viewer'] as const)
      expect((await itemsOf(c.sessions[role])).items).toEqual([]);

    await app.db.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [own.user.id]);
    expect((await itemsOf(own)).items[0].line).toBe(
      `New lead for ${c.ownCompany.name}: Messer für Wuhan`,
    );
    await app.db.query(`UPDATE users SET locale = 'de' WHERE id = $1`, [own.user.id]);
  });

  it('pages by keyset and filters unread', async () => {
    const session = await make.session('company', c.ownCompany.id);
    for (let i = 0; i < 5; i++) await lead(c.ownCompany.id, `Seite ${i}`);
    const one = await itemsOf(session, '?limit=2');
    expect(one.items.map((n) => n.params.title)).toEqual(['Seite 4', 'Seite 3']);
    const two = await itemsOf(session, `?limit=2&cursor=${encodeURIComponent(one.nextCursor!)}`);
    expect(two.items.map((n) => n.params.title)).toEqual(['Seite 2', 'Seite 1']);
    const three = await itemsOf(session, `?limit=2&cursor=${encodeURIComponent(two.nextCursor!)}`);
    expect(three.items.map((n) => n.params.title)).toEqual(['Seite 0']);
    expect(three.nextCursor).toBeNull();

    expect(await unread(session)).toBe(5);
    const read = await post(session, `/api/v1/notifications/${one.items[0].id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect(await unread(session)).toBe(4);
    expect((await itemsOf(session, '?unread=true')).items.map((n) => n.params.title)).toEqual([
      'Seite 3',
      'Seite 2',
      'Seite 1',
      'Seite 0',
    ]);
    expect((await itemsOf(session, '?unread=false')).items.map((n) => n.id)).toEqual([
      one.items[0].id,
    ]);
    // Reading it again changes nothing: it keeps the time of its first reading.
    const again = await post(session, `/api/v1/notifications/${one.items[0].id}/read`);
    expect(again.body.readAt).toBe(read.body.readAt);

    const all = await post(session, '/api/v1/notifications/read-all');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ count: 4 });
    expect(await unread(session)).toBe(0);
    expect((await itemsOf(session, '?unread=true')).items).toEqual([]);
  });

  it('answers 404 for another user’s notification and 400 for bad input', async () => {
    const mine = (await itemsOf(c.sessions.foreign)).items[0];
    for (const role of ['own', 'admin', 'staff', 'viewer'] as const) {
      const res = await post(c.sessions[role], `/api/v1/notifications/${mine.id}/read`);
      expect({ role, status: res.status }).toEqual({ role, status: 404 });
    }
    expect((await itemsOf(c.sessions.foreign)).items[0].readAt).toBeNull();
    // Marking all read marks only one's own.
    await post(c.sessions.own, '/api/v1/notifications/read-all');
    expect(await unread(c.sessions.foreign)).toBeGreaterThan(0);

    const bad = await post(c.sessions.own, '/api/v1/notifications/not-an-id/read');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('id');
    const filter = await get(c.sessions.own, '/api/v1/notifications?unread=maybe');
    expect(filter.status).toBe(400);
    expect(filter.body.errors[0].field).toBe('unread');
    const sort = await get(c.sessions.own, '/api/v1/notifications?sort=title');
    expect(sort.status).toBe(400);
    expect(sort.body.errors[0].field).toBe('sort');
  });
});

describe('preferences', () => {
  it('shows the mails of the caller’s role, turns them on and off, and refuses unknown kinds', async () => {
    const company = await get(c.sessions.own, '/api/v1/me/preferences');
    expect(company.body).toEqual({
      mails: { digest: true, 'lead-created': true, 'lead-shared': true, 'lead-note': true },
    });
    const agency = await get(c.sessions.staff, '/api/v1/me/preferences');
    expect(agency.body).toEqual({ mails: { digest: true, 'lead-note': true } });

    const session = await make.session('company', c.ownCompany.id);
    const off = await app.http
      .patch('/api/v1/me/preferences')
      .set(session.auth)
      .send({ mails: { digest: false, 'lead-created': false } });
    expect(off.status).toBe(200);
    expect(off.body.mails).toEqual({
      digest: false,
      'lead-created': false,
      'lead-shared': true,
      'lead-note': true,
    });
    const on = await app.http
      .patch('/api/v1/me/preferences')
      .set(session.auth)
      .send({ mails: { digest: true } });
    expect(on.body.mails).toMatchObject({ digest: true, 'lead-created': false });
    expect((await get(session, '/api/v1/me/preferences')).body.mails).toEqual(on.body.mails);
    // Audited on the user.
    const { rows } = await app.db.query(
      `SELECT changes FROM audit_events WHERE entity = 'user' AND entity_id = $1 ORDER BY id`,
      [session.user.id],
    );
    expect(rows.map((r) => r.changes.mailOff?.after)).toContainEqual(['lead-created']);

    for (const [body, field, code] of [
      [{ mails: { newsletter: false } }, 'mails.newsletter', 'unknown'],
      [{ mails: { digest: 'yes' } }, 'mails.digest', undefined],
      [{ mails: { digest: null } }, 'mails.digest', undefined],
      [{ mails: 'all' }, 'mails', undefined],
      [{ sms: true }, 'sms', 'unknown'],
    ] as const) {
      const res = await app.http.patch('/api/v1/me/preferences').set(session.auth).send(body);
      expect({ body, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({
        body,
        status: 400,
        field,
      });
      if (code) expect(res.body.errors[0].code).toBe(code);
    }
  });
});

describe('one-click unsubscribe', () => {
  it('turns off the kind of the mail’s link, by a bare POST; other kinds still come', async () => {
    const user = await make.user({ role: 'company', companyId: c.ownCompany.id });
    const first = await lead(c.ownCompany.id, 'Vor dem Abbestellen');
    const [mail] = await smtp.waitFor(
      (m) => m.to.includes(user.email) && m.subject.includes('Vor dem Abbestellen'),
    );
    const link = /^<(.+)>$/.exec(mail.header('list-unsubscribe')!)![1];
    expect(link.startsWith('https://crm.example.org/unsubscribe/')).toBe(true);
    const path = new URL(link).pathname;

    // Opening the link changes nothing (mail scanners fetch links): a page with the button.
    const page = await app.http.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="${path}"`);
    expect(page.text).toContain('Abbestellen');
    const { rows: before } = await app.db.query('SELECT mail_off FROM users WHERE id = $1', [
      user.id,
    ]);
    expect(before[0].mail_off).toEqual([]);

    // The mail client's POST: the RFC 8058 body, no session, no CSRF token.
    const res = await app.http
      .post(path)
      .type('form')
      .set('Origin', 'https://mail.example.net')
      .send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Abbestellt');
    expect(res.text).toContain('href="/profile/notifications"');
    // Again, and without a body: the same answer, nothing more changed.
    const bare = await app.http.post(path);
    expect(bare.status).toBe(200);
    const { rows } = await app.db.query('SELECT mail_off FROM users WHERE id = $1', [user.id]);
    expect(rows[0].mail_off).toEqual(['lead-created']);
    const opened = await app.http.get(path);
    expect(opened.text).toContain('bereits abbestellt');

    // The next lead mail is not sent to this user; a note (another kind) still is.
    const sentBefore = smtp.to(user.email).length;
    await lead(c.ownCompany.id, 'Nach dem Abbestellen');
    const note = await make.api
      .as(admin)
      .post(`/api/v1/leads/${first.id}/notes`, { body: 'Muster sind angekommen.' });
    expect(note.status).toBe(201);
    await smtp.waitFor((m) => m.to.includes(user.email) && /Notiz/.test(m.subject));
    // The other company user still gets the lead mail (its own preference).
    await smtp.waitFor(
      (m) => m.to.includes(c.sessions.own.user.email) && m.subject.includes('Nach dem Abbestellen'),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = smtp.to(user.email).slice(sentBefore);
    expect(after.map((m) => m.subject)).toEqual([`Neue Notiz zum Lead Vor dem Abbestellen`]);
    // The notification in the web app is still written: only the mail is off.
    const { rows: notes } = await app.db.query(
      `SELECT 1 FROM notifications WHERE user_id = $1 AND params->>'title' = 'Nach dem Abbestellen'`,
      [user.id],
    );
    expect(notes).toHaveLength(1);
  });

  it('answers 404 to a forged or broken token, never 500, and changes nothing', async () => {
    const [mail] = await smtp.waitFor((m) => m.to.includes(c.sessions.own.user.email));
    const path = new URL(/^<(.+)>$/.exec(mail.header('list-unsubscribe')!)![1]).pathname;
    const [, , token] = path.split('/');
    const [userId, kind, signature] = token.split('.');
    const forged = [
      `${c.sessions.foreign.user.id}.${kind}.${signature}`, // another user
      `${userId}.digest.${signature}`, // another kind
      `${userId}.${kind}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
      `${userId}.newsletter.${signature}`,
      'nothing',
      '%E0%A4%A',
    ];
    for (const bad of forged) {
      for (const method of ['get', 'post'] as const) {
        const res = await app.http[method](`/unsubscribe/${bad}`);
        expect({ bad, method, status: res.status }).toEqual({
          bad,
          method,
          status: bad.startsWith('%') ? 400 : 404,
        });
      }
    }
    const { rows } = await app.db.query(
      'SELECT mail_off FROM users WHERE id = ANY($1) AND mail_off <> $2',
      [[userId, c.sessions.foreign.user.id], '{}'],
    );
    expect(rows).toEqual([]);
  });
});

/**
 * The machinery of what Liaison sends: a change enqueues its mail in its own transaction, the
 * mail job sends it over real SMTP (a server in this process), in the recipient's language, with
 * the link to the record and a one-click unsubscribe; a rollback sends nothing; an SMTP server
 * that is down costs no request anything, and the mails go out once it is back, none twice.
 */
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

const leadOf = async (session: Session, companyId: string, title: string) => {
  const res = await make.api.as(session).post('/api/v1/leads', { companyId, title });
  expect(res.status).toBe(201);
  return res.body as { id: string };
};

describe('mail to a company user', () => {
  it('tells the users of the lead’s company, in their language, and nobody else', async () => {
    const english = await make.user({ role: 'company', companyId: c.ownCompany.id });
    await app.db.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [english.id]);
    const lead = await leadOf(admin, c.ownCompany.id, 'Messer für Shanghai 上海');

    const [german] = await smtp.waitFor((m) => m.to.includes(c.sessions.own.user.email));
    const [inEnglish] = await smtp.waitFor((m) => m.to.includes(english.email));
    expect(german.subject).toBe(`Neuer Lead für ${c.ownCompany.name}: Messer für Shanghai 上海`);
    expect(inEnglish.subject).toBe(`New lead for ${c.ownCompany.name}: Messer für Shanghai 上海`);
    for (const mail of [german, inEnglish]) {
      expect(mail.text).toContain(`https://crm.example.org/leads/${lead.id}`);
      expect(mail.html).toContain(`href="https://crm.example.org/leads/${lead.id}"`);
      expect(mail.header('list-unsubscribe')).toMatch(
        /^<https:\/\/crm\.example\.org\/unsubscribe\/[^>]+>$/,
      );
      expect(mail.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(mail.messageId).toMatch(/@crm\.example\.org>$/);
    }
    expect(german.text).toContain('In Liaison öffnen');
    expect(inEnglish.text).toContain('Open in Liaison');
    // Nothing to the other company, nor to the agency user who created it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.to(c.sessions.foreign.user.email)).toEqual([]);
    expect(smtp.to(admin.user.email)).toEqual([]);
    // The web app's notification beside each mail.
    const { rows } = await app.db.query(
      `SELECT user_id FROM notifications WHERE record_id = $1 ORDER BY user_id`,
      [lead.id],
    );
    expect(rows.map((r) => r.user_id).sort()).toEqual([c.sessions.own.user.id, english.id].sort());
  });

  it('sends nothing when the change rolls back', async () => {
    const before = smtp.mails.length;
    // A check at COMMIT, after the lead, its notification, mail and job were written: the
    // transaction fails at its very end.
    await app.db.query(`
      CREATE FUNCTION fail_rolled_back() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.title = 'Rolled back' THEN RAISE EXCEPTION 'rolled back on purpose'; END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT ON leads
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_rolled_back();`);
    const res = await make.api
      .as(admin)
      .post('/api/v1/leads', { companyId: c.ownCompany.id, title: 'Rolled back' });
    expect(res.status).toBeGreaterThanOrEqual(500);
    const { rows: leads } = await app.db.query(`SELECT 1 FROM leads WHERE title = 'Rolled back'`);
    expect(leads).toEqual([]);
    const { rows: mails } = await app.db.query(
      `SELECT 1 FROM mails WHERE subject LIKE '%Rolled back%'`,
    );
    const { rows: notes } = await app.db.query(
      `SELECT 1 FROM notifications WHERE params->>'title' = 'Rolled back'`,
    );
    const { rows: jobs } = await app.db.query(
      `SELECT 1 FROM pgboss.job WHERE name = 'mail' AND NOT (data->>'mailId')::uuid = ANY(
         SELECT id FROM mails)`,
    );
    expect({ mails, notes, jobs }).toEqual({ mails: [], notes: [], jobs: [] });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.mails.length).toBe(before);
  });
});

describe('a mail without its job', () => {
  it('is given a job again by the sweep (a restored backup holds mails but no jobs)', async () => {
    await app.db.query(
      `INSERT INTO mails (kind, recipient, locale, subject, text_body, html_body, created_at)
       VALUES ('lead-created', $1, 'de', 'Verwaist', 'Text', '<p>HTML</p>', now() - interval '20 minutes')`,
      [c.sessions.own.user.email],
    );
    // The sweep's schedule fires every ten minutes; its job, sent now as the schedule would.
    await app.db.query(`INSERT INTO pgboss.job (name, data) VALUES ('mail-sweep', '{}')`);
    const [mail] = await smtp.waitFor((m) => m.subject === 'Verwaist');
    expect(mail.to).toEqual([c.sessions.own.user.email]);
  });
});

/** How long SMTP is away in the outage test: a minute, as an SMTP server's restart may take. */
const OUTAGE_MS = Number(process.env.SMTP_OUTAGE_MS ?? 60_000);

describe('SMTP down', () => {
  it(
    'answers every request at once while SMTP is away; the mails go out once it is back, none twice',
    async () => {
      await smtp.down();
      const wentDown = Date.now();
      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        await leadOf(admin, c.ownCompany.id, `Während SMTP weg ${i}`);
        latencies.push(Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS / 6));
      }
      // No request waits for SMTP (one attempt alone would take its connect timeout, 10 s).
      expect(Math.max(...latencies)).toBeLessThan(2000);
      const { rows: waiting } = await app.db.query(
        `SELECT state, attempts, last_error FROM mails
       WHERE subject LIKE '%Während SMTP weg%' AND recipient = $1`,
        [c.sessions.own.user.email],
      );
      expect(waiting).toHaveLength(5);
      expect(waiting.every((m) => m.state === 'queued')).toBe(true);
      expect(waiting.some((m) => m.attempts >= 1 && /ECONNREFUSED/.test(m.last_error))).toBe(true);

      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, wentDown + OUTAGE_MS - Date.now())),
      );
      await smtp.up();
      const cameBack = Date.now();
      const sent = await smtp.waitFor(
        (m) => m.subject.includes('Während SMTP weg') && m.to.includes(c.sessions.own.user.email),
        { count: 5, ms: 120_000 },
      );
      const delivered = Date.now() - cameBack;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const again = smtp
        .to(c.sessions.own.user.email)
        .filter((m) => m.subject.includes('Während SMTP weg'));
      expect(again).toHaveLength(sent.length);
      expect(new Set(again.map((m) => m.messageId)).size).toBe(5);
      const { rows: states } = await app.db.query(
        `SELECT DISTINCT state FROM mails WHERE subject LIKE '%Während SMTP weg%' AND recipient = $1`,
        [c.sessions.own.user.email],
      );
      expect(states).toEqual([{ state: 'sent' }]);
      process.stdout.write(
        `SMTP away ${Math.round((cameBack - wentDown) / 1000)} s: requests took ${Math.max(...latencies)} ms at most; all 5 mails delivered ${Math.round(delivered / 1000)} s after it was back, each once\n`,
      );
    },
    OUTAGE_MS + 180_000,
  );
});

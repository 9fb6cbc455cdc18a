/**
 * The daily digest, on two instances of the app over one database with the schedule at every
 * minute: each user with open follow-ups due today or overdue (Berlin) gets exactly one mail
 * listing them in its language, with nobody else's; a user with none, or with the digest off,
 * gets none; another run the same day sends nothing.
 */
import { startTestApp } from './helpers/app';
import { TestSmtp } from './helpers/smtp';
import { Cast, Kit, TestApp, useWorld } from './helpers/world';

jest.setTimeout(120_000);

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await TestSmtp.start();
});
afterAll(() => smtp.stop());

const env = () => ({
  SMTP_URL: smtp.url,
  PUBLIC_URL: 'https://crm.example.org',
  DIGEST_CRON: '* * * * *',
  JOB_CRON_CHECK_SECONDS: '1',
});
let app: TestApp, c: Cast, make: Kit;
useWorld((w) => ({ app, c, make } = w), { env });

let second: TestApp | undefined;
afterAll(() => second?.stop());

const berlinDay = (offsetDays = 0) => {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
  const date = new Date(`${today}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + offsetDays);
  return date.toISOString().slice(0, 10);
};

it('mails each user with due follow-ups exactly one digest of its own, in its language', async () => {
  const english = await make.user({ role: 'staff' });
  await app.db.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [english.id]);
  const quiet = await make.user({ role: 'staff' });
  const turnedOff = await make.user({ role: 'staff' });
  // Ticks come at the start of each minute, and writing the follow-ups may take longer than one
  // on a busy machine: every user has the digest off meanwhile, and one statement turns it on.
  await app.db.query(`UPDATE users SET mail_off = '{digest}'`);
  const followUp = (title: string, dueOn: string, o: object) =>
    make.followUp({ title, dueOn, ...o }) as Promise<{ id: string }>;
  const today = await followUp('Angebot schicken', berlinDay(), { assigneeId: english.id });
  const late = await followUp('Muster nachfassen', berlinDay(-3), { assigneeId: english.id });
  await followUp('Nächste Woche', berlinDay(7), { assigneeId: english.id });
  const done = await followUp('Schon erledigt', berlinDay(-1), { assigneeId: english.id });
  await app.db.query(`UPDATE follow_ups SET status = 'done' WHERE id = $1`, [done.id]);
  const gone = await followUp('Gelöscht', berlinDay(-1), { assigneeId: english.id });
  await app.db.query(`UPDATE follow_ups SET deleted_at = now() WHERE id = $1`, [gone.id]);
  await followUp('Abgeschaltet', berlinDay(), { assigneeId: turnedOff.id });
  await followUp('Später', berlinDay(2), { assigneeId: quiet.id });
  const own = await followUp('Preisliste für DOVO', berlinDay(-1), {
    assigneeId: null,
    companyId: c.ownCompany.id,
  });
  await followUp('Geheim beim Wettbewerber', berlinDay(), {
    assigneeId: null,
    companyId: c.foreignCompany.id,
  });

  await app.db.query(`UPDATE users SET mail_off = '{}' WHERE id <> $1`, [turnedOff.id]);
  second = await startTestApp({ databaseUrl: app.databaseUrl, env });

  const ownEmail = c.sessions.own.user.email;
  const [en] = await smtp.waitFor(
    (m) => m.to.includes(english.email) && /follow-ups/.test(m.subject),
    {
      ms: 75_000,
    },
  );
  const [de] = await smtp.waitFor(
    (m) => m.to.includes(ownEmail) && /Wiedervorlagen/.test(m.subject),
    {
      ms: 75_000,
    },
  );
  await smtp.waitFor(
    (m) => m.to.includes(c.sessions.foreign.user.email) && /Wiedervorlagen/.test(m.subject),
  );

  expect(en.subject).toMatch(/^Your follow-ups for .*: 2 due, 1 overdue$/);
  expect(en.text).toContain('Good morning');
  expect(en.text).toContain('Angebot schicken – due today');
  expect(en.text).toMatch(/Muster nachfassen – overdue since /);
  expect(en.text).toContain(`https://crm.example.org/follow-ups/${today.id}`);
  expect(en.html).toContain(`href="https://crm.example.org/follow-ups/${late.id}"`);
  // Overdue first, then today's; nothing done, deleted, later or of anyone else.
  expect(en.text.indexOf('Muster nachfassen')).toBeLessThan(en.text.indexOf('Angebot schicken'));
  for (const absent of [
    'Nächste Woche',
    'Schon erledigt',
    'Gelöscht',
    'Preisliste',
    'Abgeschaltet',
  ])
    expect(en.text).not.toContain(absent);
  expect(en.header('list-unsubscribe')).toMatch(/^<https:\/\/crm\.example\.org\/unsubscribe\//);

  expect(de.subject).toMatch(/^Ihre Wiedervorlagen für .*: 1 fällig, 1 überfällig$/);
  expect(de.text).toContain('Guten Morgen');
  expect(de.text).toMatch(/Preisliste für DOVO – überfällig seit /);
  expect(de.text).toContain(`https://crm.example.org/follow-ups/${own.id}`);
  expect(de.text).not.toContain('Wettbewerber');

  // Another run the same day, on whichever instance picks it up: nothing more.
  await app.db.query(`INSERT INTO pgboss.job (name, data) VALUES ('digest', '{}')`);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const digests = (email: string) =>
    smtp.to(email).filter((m) => /Wiedervorlagen|follow-ups/.test(m.subject)).length;
  expect({
    english: digests(english.email),
    own: digests(ownEmail),
    foreign: digests(c.sessions.foreign.user.email),
    quiet: digests(quiet.email),
    turnedOff: digests(turnedOff.email),
    viewer: digests(c.sessions.viewer.user.email),
  }).toEqual({ english: 1, own: 1, foreign: 1, quiet: 0, turnedOff: 0, viewer: 0 });
  const { rows } = await app.db.query(
    `SELECT count(*)::int AS runs FROM pgboss.job WHERE name = 'digest' AND state = 'completed'`,
  );
  expect(rows[0].runs).toBeGreaterThanOrEqual(2);
});

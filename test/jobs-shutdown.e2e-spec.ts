/**
 * A shutdown waits for the jobs running: SIGTERM while a mail is on its way to a slow SMTP server
 * (3 s to accept it), and the mail arrives once and is marked sent before the app exits, not
 * left half-done for the next start to send again.
 */
import { Client } from 'pg';
import { createTestDatabase, dropTestDatabase, startTestApp, TestApp } from './helpers/app';
import { loginAdmin } from './helpers/auth';
import { kit } from './helpers/make';
import { TestSmtp } from './helpers/smtp';

let smtp: TestSmtp;
let databaseUrl: string;
let app: TestApp | undefined;
beforeAll(async () => {
  smtp = await TestSmtp.start();
  databaseUrl = await createTestDatabase();
});
afterAll(async () => {
  await app?.stop();
  await smtp.stop();
  await dropTestDatabase(databaseUrl);
});

it('finishes the mail being sent at SIGTERM: received once, marked sent', async () => {
  app = await startTestApp({ databaseUrl, env: { SMTP_URL: smtp.url } });
  const make = kit(app, await loginAdmin(app));
  const company = await make.company();
  const user = await make.user({ role: 'company', companyId: company.id });
  smtp.delay(3000);
  const lead = await make.lead({ companyId: company.id, title: 'Bis zum Schluss' });

  // The job has handed the mail to the server, which takes 3 s to accept it.
  const deadline = Date.now() + 15_000;
  while (smtp.receiving === 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  expect(smtp.receiving).toBe(1);
  const stopping = Date.now();
  const stopped = app;
  await stopped.stop();
  app = undefined;
  const took = Date.now() - stopping;
  expect({ exitCode: stopped.process.exitCode, output: stopped.output() }).toMatchObject({
    exitCode: 0,
  });
  // It waited for the server, and did not need the helper's SIGKILL after 10 s.
  expect(took).toBeGreaterThan(1500);
  expect(took).toBeLessThan(10_000);

  expect(smtp.to(user.email)).toHaveLength(1);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows: mails } = await db.query(
      `SELECT state, attempts, sent_at IS NOT NULL AS "sentAt" FROM mails WHERE recipient = $1`,
      [user.email],
    );
    expect(mails).toEqual([{ state: 'sent', attempts: 1, sentAt: true }]);
    const { rows: jobs } = await db.query(
      `SELECT state FROM pgboss.job WHERE name = 'mail' AND data->>'mailId' IN (
         SELECT id::text FROM mails WHERE recipient = $1)`,
      [user.email],
    );
    expect(jobs).toEqual([{ state: 'completed' }]);
  } finally {
    await db.end();
  }
  expect(lead.title).toBe('Bis zum Schluss');
}, 60_000);

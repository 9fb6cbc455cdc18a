/**
 * The admins' view of the machinery: the job queues and the outbox. A mail whose delivery fails
 * for good (SMTP refusing with 550, two attempts here) is a failed job and a failed mail; after
 * SMTP is fixed, an admin's retry of the job (or "send again" of the mail) delivers it once.
 * Mails hold personal data: every other role is refused every admin route.
 */
import { randomUUID } from 'node:crypto';
import { expectStatuses } from './helpers/roles';
import { TestSmtp } from './helpers/smtp';
import { Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await TestSmtp.start();
});
afterAll(() => smtp.stop());

let app: TestApp, admin: Session, c: Cast, make: Kit;
useWorld((w) => ({ app, admin, c, make } = w), {
  env: () => ({ SMTP_URL: smtp.url, MAIL_RETRY_LIMIT: '1' }),
});

interface MailRow {
  id: string;
  state: string;
  attempts: number;
  lastError: string | null;
  subject: string;
  recipient: string;
}
interface JobRow {
  id: string;
  queue: string;
  state: string;
  data: { mailId: string };
  error: string | null;
  attempts: number;
}

const get = async <T>(path: string, session: Session = admin): Promise<T> => {
  const res = await make.api.as(session).get(path);
  expect({ path, status: res.status, body: res.body as unknown }).toMatchObject({ status: 200 });
  return res.body as T;
};

/** A lead for the own company: its company user gets a mail with `title` in the subject. */
const leadMail = async (title: string): Promise<MailRow> => {
  await make.lead({ companyId: c.ownCompany.id, title });
  const { rows } = await app.db.query(`SELECT id FROM mails WHERE subject LIKE $1`, [`%${title}`]);
  expect(rows).toHaveLength(1);
  return get<MailRow>(`/api/v1/admin/outbox/${rows[0].id}`);
};

const until = async (what: string, check: () => Promise<boolean>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

const mailState = async (id: string) => (await get<MailRow>(`/api/v1/admin/outbox/${id}`)).state;

describe('a mail that cannot be delivered', () => {
  it('is a failed job and a failed mail; the admin retries the job once SMTP is fixed: it arrives once', async () => {
    const counted = await get<{ items: { name: string; counts: Record<string, number> }[] }>(
      '/api/v1/admin/jobs',
    );
    const failedBefore = counted.items.find((q) => q.name === 'mail')!.counts.failed;

    smtp.refuse('permanent');
    const mail = await leadMail('Unzustellbar 1');
    await until('the mail to fail', async () => (await mailState(mail.id)) === 'failed');

    const failed = await get<{ items: JobRow[] }>('/api/v1/admin/jobs/mail?state=failed');
    const job = failed.items.find((j) => j.data.mailId === mail.id)!;
    expect(job).toMatchObject({ queue: 'mail', state: 'failed', attempts: 2 });
    expect(job.error).toMatch(/550/);
    const now = await get<{ items: { name: string; counts: Record<string, number> }[] }>(
      '/api/v1/admin/jobs',
    );
    expect(now.items.find((q) => q.name === 'mail')!.counts.failed).toBe(failedBefore + 1);
    const shown = await get<MailRow>(`/api/v1/admin/outbox/${mail.id}`);
    expect(shown).toMatchObject({ state: 'failed', attempts: 2 });
    expect(shown.lastError).toMatch(/550/);
    const listed = await get<{ items: MailRow[] }>('/api/v1/admin/outbox?state=failed');
    expect(listed.items.map((m) => m.id)).toContain(mail.id);

    smtp.refuse(false);
    const retried = await make.api.post(`/api/v1/admin/jobs/mail/${job.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: job.id, state: 'retry' });
    await smtp.waitFor((m) => m.subject.endsWith('Unzustellbar 1'));
    await until('the mail to be sent', async () => (await mailState(mail.id)) === 'sent');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.mails.filter((m) => m.subject.endsWith('Unzustellbar 1'))).toHaveLength(1);

    // Done: a second retry is refused, and the first is in the audit trail.
    const again = await make.api.post(`/api/v1/admin/jobs/mail/${job.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    const audit = await get<{ items: { action: string; actorId: string }[] }>(
      `/api/v1/audit?entity=job&entityId=${job.id}`,
    );
    expect(audit.items).toMatchObject([{ action: 'retry', actorId: admin.user.id }]);
  }, 60_000);

  it('can be sent again from the outbox, once, audited; any mail not failed is a 409', async () => {
    smtp.refuse('permanent');
    const mail = await leadMail('Unzustellbar 2');
    await until('the mail to fail', async () => (await mailState(mail.id)) === 'failed');
    smtp.refuse(false);

    const resent = await make.api.post(`/api/v1/admin/outbox/${mail.id}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ id: mail.id, state: 'queued', lastError: null });
    await until('the mail to be sent', async () => (await mailState(mail.id)) === 'sent');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.mails.filter((m) => m.subject.endsWith('Unzustellbar 2'))).toHaveLength(1);

    const again = await make.api.post(`/api/v1/admin/outbox/${mail.id}/resend`);
    expect(again.status).toBe(409);
    const audit = await get<{ items: { action: string }[] }>(
      `/api/v1/audit?entity=mail&entityId=${mail.id}`,
    );
    expect(audit.items).toMatchObject([{ action: 'resend' }]);
    // The job of a sent mail completed: not failed, so not retried.
    const { rows } = await app.db.query(
      `SELECT id FROM pgboss.job WHERE name = 'mail' AND state = 'completed' LIMIT 1`,
    );
    const completed = await make.api.post(`/api/v1/admin/jobs/mail/${rows[0].id}/retry`);
    expect(completed.status).toBe(409);
  }, 60_000);
});

describe('the outbox list', () => {
  it('is newest first, keyset-paginated, filtered by state, kind and words of recipient or subject', async () => {
    const titles = ['Seite Alpha', 'Seite Beta', 'Seite Gamma'];
    for (const title of titles) await leadMail(title);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: MailRow[]; nextCursor: string | null } = await get(
        `/api/v1/admin/outbox?q=seite&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((m) => m.subject.split(': ')[1]));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...titles].reverse());

    const words = await get<{ items: MailRow[] }>(
      `/api/v1/admin/outbox?q=${encodeURIComponent(`${c.sessions.own.user.email} gamma`)}`,
    );
    expect(words.items.map((m) => m.subject)).toEqual([expect.stringMatching(/Seite Gamma$/)]);
    const wildcard = await get<{ items: MailRow[] }>('/api/v1/admin/outbox?q=%25_');
    expect(wildcard.items).toEqual([]);
    const kinds = await get<{ items: { kind: string }[] }>(
      '/api/v1/admin/outbox?kind=lead-created&limit=200',
    );
    expect(kinds.items.length).toBeGreaterThanOrEqual(3);
    expect(new Set(kinds.items.map((m) => m.kind))).toEqual(new Set(['lead-created']));
    const none = await get<{ items: unknown[] }>('/api/v1/admin/outbox?kind=invitation');
    expect(none.items).toEqual([]);
  });

  it('shows a mail whole: sender, recipient, text, HTML, headers', async () => {
    const mail = await leadMail('Ganz zu lesen');
    const shown = await get<Record<string, unknown>>(`/api/v1/admin/outbox/${mail.id}`);
    expect(shown).toMatchObject({
      recipient: c.sessions.own.user.email,
      from: 'Liaison <liaison@localhost>',
      kind: 'lead-created',
      locale: 'de',
      textBody: expect.stringContaining('Ganz zu lesen'),
      htmlBody: expect.stringContaining('<!doctype html>'),
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
  });
});

describe('bad input', () => {
  it('is a 400 naming the field, or a 404 for what is not there', async () => {
    const fieldOf = async (path: string) => {
      const res = await make.api.get(path);
      return [res.status, (res.body as { errors?: { field: string }[] }).errors?.[0]?.field];
    };
    expect(await fieldOf('/api/v1/admin/jobs/mail?state=broken')).toEqual([400, 'state']);
    expect(await fieldOf('/api/v1/admin/jobs/mail?cursor=nonsense')).toEqual([400, 'cursor']);
    expect(await fieldOf('/api/v1/admin/jobs/mail?sort=createdAt')).toEqual([400, 'sort']);
    expect(await fieldOf('/api/v1/admin/outbox?state=lost')).toEqual([400, 'state']);
    expect(await fieldOf('/api/v1/admin/outbox?kind=DROP%20TABLE')).toEqual([400, 'kind']);
    expect(await fieldOf('/api/v1/admin/outbox?limit=201')).toEqual([400, 'limit']);
    expect(await fieldOf('/api/v1/admin/outbox/not-a-uuid')).toEqual([400, 'id']);
    expect((await make.api.get('/api/v1/admin/jobs/no-such-queue')).status).toBe(404);
    expect((await make.api.get(`/api/v1/admin/outbox/${randomUUID()}`)).status).toBe(404);
    const retry = await make.api.post(`/api/v1/admin/jobs/no-such-queue/${randomUUID()}/retry`);
    expect(retry.status).toBe(404);
    expect((await make.api.post(`/api/v1/admin/jobs/mail/${randomUUID()}/retry`)).status).toBe(404);
    expect((await make.api.post(`/api/v1/admin/outbox/${randomUUID()}/resend`)).status).toBe(404);
  });
});

describe('who may', () => {
  it('refuses staff, viewers and company users every admin route', async () => {
    const mail = await leadMail('Nur für Admins');
    // A job that is not failed: an admin's retry of it is a 409.
    const { rows } = await app.db.query(
      `SELECT id FROM pgboss.job WHERE name = 'mail' AND state <> 'failed' LIMIT 1`,
    );
    const routes: [string, string][] = [
      ['get', '/api/v1/admin/jobs'],
      ['get', '/api/v1/admin/jobs/mail?state=completed'],
      ['post', `/api/v1/admin/jobs/mail/${rows[0].id}/retry`],
      ['get', '/api/v1/admin/outbox'],
      ['get', `/api/v1/admin/outbox/${mail.id}`],
      ['post', `/api/v1/admin/outbox/${mail.id}/resend`],
    ];
    for (const [method, path] of routes) {
      const expected = method === 'get' ? 200 : 409;
      await expectStatuses(
        c,
        { admin: expected, staff: 403, viewer: 403, own: 403, foreign: 403 },
        async (_role, session) =>
          (
            await (method === 'get'
              ? make.api.as(session).get(path)
              : make.api.as(session).post(path))
          ).status,
      );
    }
  });
});

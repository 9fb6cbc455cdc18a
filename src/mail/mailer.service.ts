import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createTransport, type Transporter } from 'nodemailer';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { inTransaction, transaction } from '../common/transaction';
import { JOB_SCHEMA, Jobs } from '../jobs/jobs.service';
import {
  isOptionalMailKind,
  MAIL_KEY,
  type MailLinks,
  type OutgoingMail,
  renderHtml,
  renderText,
  unsubscribeToken,
} from './mail';

export const MAIL_QUEUE = 'mail';
/** Every ten minutes: a queued mail whose job is gone (a restored backup holds no jobs) gets one. */
export const MAIL_SWEEP_QUEUE = 'mail-sweep';

/** A mail's states: waiting for its job, sent over SMTP, kept in the outbox (no SMTP), given up. */
export type MailState = 'queued' | 'sent' | 'kept' | 'failed';

interface MailRow {
  id: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: Record<string, string>;
  state: MailState;
}

/** How long Liaison waits for an SMTP server at each step before the attempt fails (and retries). */
const SMTP_TIMEOUT_MS = 10_000;

/** SMTP_URL as nodemailer's options: smtps:// is TLS from the start, smtp:// upgrades with STARTTLS when offered. */
function smtpTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return createTransport({
    host: url.hostname,
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS * 3,
  });
}

/**
 * Every mail Liaison writes goes through here. `queue(em, mail)` renders it (plain text and HTML,
 * in the recipient's language, with the unsubscribe link of its kind), keeps it in `mails` and
 * enqueues its sending, all in the caller's transaction: a write that rolls back sends nothing.
 * The `mail` job sends it over SMTP (`SMTP_URL`) or, with none configured, keeps it in the outbox
 * (state `kept`, the admins' Outbox page). SMTP down or refusing fails the attempt, never a
 * request: the job retries with backoff (about four minutes of attempts, then `failed`, which an
 * admin can retry). A mail is sent at most once: its row is locked while it is sent and marked
 * `sent` in the same transaction, and a retried job finds it sent; a crash between the server's
 * acceptance and that commit would send it again with the same Message-ID.
 */
@Injectable()
export class Mailer {
  private readonly logger = new Logger('Mailer');
  private readonly transport: Transporter | undefined;
  private readonly messageHost: string;
  /** Whether an attempt failed since the last mail this instance sent. */
  private failing = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MAIL_KEY) private readonly key: Buffer,
    private readonly jobs: Jobs,
  ) {
    this.messageHost = new URL(config.publicUrl).hostname;
    this.transport = config.mail.smtpUrl ? smtpTransport(config.mail.smtpUrl) : undefined;
    jobs.define<{ mailId: string }>({
      name: MAIL_QUEUE,
      run: (data, job) => this.deliver(data.mailId, job.retryCount >= job.retryLimit),
      retryLimit: config.mail.retryLimit,
      busy: true,
    });
    jobs.define({ name: MAIL_SWEEP_QUEUE, run: () => this.sweep(), retryLimit: 0 });
    jobs.schedule({ queue: MAIL_SWEEP_QUEUE, cron: '*/10 * * * *' });
  }

  /** An absolute link into the app. */
  link(path: string): string {
    return `${this.config.publicUrl}${path}`;
  }

  /**
   * Renders and keeps a mail and enqueues its sending, in `em`'s transaction. False when it was
   * not written: a mail of the same kind, user and `dedupeKey` exists.
   */
  async queue(em: EntityManager, mail: OutgoingMail): Promise<boolean> {
    const links: MailLinks = { preferences: this.link('/profile/notifications') };
    const headers: Record<string, string> = {};
    if (mail.userId && isOptionalMailKind(mail.kind)) {
      links.unsubscribe = this.link(
        `/unsubscribe/${unsubscribeToken(this.key, mail.userId, mail.kind)}`,
      );
      headers['List-Unsubscribe'] = `<${links.unsubscribe}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    const rows: { id: string }[] = await em.query(
      `INSERT INTO mails (kind, user_id, recipient, locale, subject, text_body, html_body, headers,
                          dedupe_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (kind, user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        mail.kind,
        mail.userId,
        mail.to,
        mail.locale,
        mail.content.subject,
        renderText(mail.locale, mail.content, links),
        renderHtml(mail.locale, mail.content, links),
        headers,
        mail.dedupeKey ?? null,
      ],
    );
    if (rows.length === 0) return false;
    await this.jobs.enqueue(em, MAIL_QUEUE, { mailId: rows[0].id });
    return true;
  }

  /** The `mail` job: sends one kept mail, or keeps it in the outbox when there is no SMTP. */
  private async deliver(mailId: string, lastAttempt: boolean): Promise<void> {
    let sent = false;
    try {
      await transaction(this.db, async (em) => {
        const [mail] = (await em.query(
          `SELECT id, recipient, subject, text_body, html_body, headers, state
           FROM mails WHERE id = $1 FOR UPDATE`,
          [mailId],
        )) as MailRow[];
        // Gone (its user purged with it) or already sent by an earlier attempt: nothing to do.
        if (!mail || mail.state === 'sent' || mail.state === 'kept') return;
        if (!this.transport) {
          await em.query(`UPDATE mails SET state = 'kept', attempts = attempts + 1 WHERE id = $1`, [
            mailId,
          ]);
          return;
        }
        const info = (await this.transport.sendMail({
          from: this.config.mail.from,
          to: mail.recipient,
          subject: mail.subject,
          text: mail.text_body,
          html: mail.html_body,
          headers: mail.headers,
          messageId: `<${mail.id}@${this.messageHost}>`,
        })) as { messageId?: string };
        await em.query(
          `UPDATE mails SET state = 'sent', attempts = attempts + 1, sent_at = now(),
                  message_id = $2, last_error = NULL
           WHERE id = $1`,
          [mailId, info.messageId ?? null],
        );
        sent = true;
      });
    } catch (error) {
      this.failing = true;
      const message = error instanceof Error ? error.message : String(error);
      await this.db
        .query(
          `UPDATE mails SET attempts = attempts + 1, last_error = $2,
                  state = CASE WHEN $3 THEN 'failed' ELSE state END
           WHERE id = $1 AND state IN ('queued', 'failed')`,
          [mailId, message.slice(0, 1000), lastAttempt],
        )
        .catch(() => undefined);
      if (lastAttempt) this.logger.error({ mailId, err: error }, 'mail given up');
      throw error;
    }
    // SMTP took this one: the mails waiting out their backoff after a failure go now.
    if (sent && this.failing) {
      this.failing = false;
      await this.jobs.hurry(MAIL_QUEUE);
    }
  }

  /** Gives every mail queued over ten minutes ago without a job waiting or running a new job. */
  private async sweep(): Promise<void> {
    await transaction(this.db, async (em) => {
      const orphans: { id: string }[] = await em.query(
        `SELECT m.id FROM mails m
         WHERE m.state = 'queued' AND m.created_at < now() - interval '10 minutes'
           AND NOT EXISTS (
             SELECT 1 FROM ${JOB_SCHEMA}.job j
             WHERE j.name = $1 AND j.state IN ('created', 'retry', 'active')
               AND j.data->>'mailId' = m.id::text)
         ORDER BY m.created_at LIMIT 1000`,
        [MAIL_QUEUE],
      );
      for (const { id } of orphans) await this.jobs.enqueue(em, MAIL_QUEUE, { mailId: id });
      if (orphans.length)
        this.logger.warn({ count: orphans.length }, 'queued mails without a job enqueued again');
    });
  }

  /**
   * Puts a failed mail back in the queue (the Outbox page's "send again"), in `em`'s
   * transaction when given. False when the mail is not failed.
   */
  async resend(mailId: string, manager?: EntityManager): Promise<boolean> {
    return inTransaction(this.db, manager, async (em) => {
      const rows: unknown[] = await em.query(
        `WITH again AS (
           UPDATE mails SET state = 'queued', last_error = NULL WHERE id = $1 AND state = 'failed'
           RETURNING id)
         SELECT id FROM again`,
        [mailId],
      );
      if (rows.length === 0) return false;
      await this.jobs.enqueue(em, MAIL_QUEUE, { mailId });
      return true;
    });
  }
}

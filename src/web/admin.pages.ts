import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import { UuidParam } from '../common/params';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { dateTime } from './kit/format';
import { idempotencyField, idempotencyKeyOf } from './kit/forms';
import { Html, html } from './kit/html';
import { dictionary, Locale } from './kit/i18n';
import {
  csrfField,
  doneNotice,
  facts,
  layout,
  PageContext,
  pageContext,
  titledPage,
} from './kit/layout';
import { listPage } from './kit/lists';
import { redirect, sendPage } from './kit/respond';
import { ApiError, WebApi } from './kit/web-api';
import { Page } from './kit/views';

interface Queue {
  name: string;
  counts: Record<'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed', number>;
}
interface Job {
  id: string;
  queue: string;
  state: string;
  error: string | null;
  attempts: number;
  createdAt: string;
  endedAt: string | null;
}
interface MailSummary {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  state: 'queued' | 'sent' | 'kept' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
interface Mail extends MailSummary {
  from: string;
  locale: string;
  textBody: string;
  headers: Record<string, string>;
}

const w = dictionary({
  jobsTitle: ['Hintergrundaufgaben', 'Background jobs'],
  outboxTitle: ['Postausgang', 'Outbox'],
  queue: ['Warteschlange', 'Queue'],
  waiting: ['wartend', 'waiting'],
  retrying: ['erneuter Versuch', 'retrying'],
  running: ['laufend', 'running'],
  completed: ['erledigt', 'completed'],
  failed: ['fehlgeschlagen', 'failed'],
  failedJobs: ['Fehlgeschlagene Aufgaben', 'Failed jobs'],
  noFailedJobs: ['Keine fehlgeschlagene Aufgabe.', 'No failed job.'],
  error: ['Fehler', 'Error'],
  attempts: ['Versuche', 'Attempts'],
  created: ['Angelegt', 'Created'],
  ended: ['Aufgegeben', 'Given up'],
  retry: ['Erneut versuchen', 'Retry'],
  retried: ['Die Aufgabe wird erneut versucht.', 'The job is being retried.'],
  notFailed: ['Die Aufgabe ist nicht (mehr) fehlgeschlagen.', 'The job has not failed (any more).'],
  queue_mail: ['E-Mails', 'Mail'],
  queue_digest: ['Tägliche Zusammenfassung', 'Daily digest'],
  subject: ['Betreff', 'Subject'],
  recipient: ['Empfänger', 'Recipient'],
  sender: ['Absender', 'From'],
  kind: ['Art', 'Kind'],
  state: ['Zustand', 'State'],
  sentAt: ['Gesendet', 'Sent'],
  state_queued: ['wartet', 'queued'],
  state_sent: ['gesendet', 'sent'],
  state_kept: ['im Postausgang', 'in the outbox'],
  state_failed: ['fehlgeschlagen', 'failed'],
  kind_lead_created: ['Neuer Lead', 'New lead'],
  kind_lead_shared: ['Lead geteilt', 'Lead shared'],
  kind_lead_note: ['Notiz zum Lead', 'Note on a lead'],
  kind_digest: ['Tägliche Zusammenfassung', 'Daily digest'],
  kind_password_reset: ['Passwort zurücksetzen', 'Password reset'],
  kind_invitation: ['Einladung', 'Invitation'],
  noSmtp: [
    'Es ist kein SMTP-Server eingerichtet (SMTP_URL): E-Mails werden nicht versendet, sondern hier im Postausgang aufbewahrt.',
    'No SMTP server is configured (SMTP_URL): mails are not sent but kept here in the outbox.',
  ],
  plainText: ['Textfassung', 'Plain text'],
  htmlVersion: ['HTML-Fassung', 'HTML version'],
  htmlNote: [
    'So sieht die E-Mail in einem Mailprogramm aus; Skripte und Inhalte von außerhalb sind gesperrt.',
    'The mail as a mail program shows it; scripts and content from elsewhere are blocked.',
  ],
  headers: ['Kopfzeilen', 'Headers'],
  sendAgain: ['Erneut senden', 'Send again'],
  resent: ['Die E-Mail wird erneut gesendet.', 'The mail is being sent again.'],
  notResendable: [
    'Nur eine fehlgeschlagene E-Mail kann erneut gesendet werden.',
    'Only a failed mail can be sent again.',
  ],
  backToOutbox: ['Zurück zum Postausgang', 'Back to the outbox'],
});

const KINDS = [
  'lead-created',
  'lead-shared',
  'lead-note',
  'digest',
  'password-reset',
  'invitation',
];
const STATES = ['queued', 'sent', 'kept', 'failed'] as const;
const STATE_BADGE = { queued: 'warn', sent: 'ok', kept: '', failed: 'bad' } as const;

const kindLabel = (l: Locale, kind: string) => {
  const key = `kind_${kind.replace(/-/g, '_')}`;
  return KINDS.includes(kind) ? w(l, key as Parameters<typeof w>[1]) : kind;
};
const queueLabel = (l: Locale, queue: string) =>
  queue === 'mail' || queue === 'digest' ? w(l, `queue_${queue}`) : queue;
const stateBadge = (l: Locale, state: MailSummary['state']) =>
  html`<span class="badge ${STATE_BADGE[state] ?? ''}" data-state="${state}">${w(l, `state_${state}`)}</span>`;

/** A message the page shows after a post (`?done=retried`). */
const NOTICES = ['retried', 'notFailed', 'resent', 'notResendable'] as const;
const notice = (ctx: PageContext): Html => doneNotice(ctx, NOTICES, w);

/**
 * The machinery, for admins: the job queues with their failed jobs (retry), and the outbox, each
 * mail as it would be read (its HTML in a sandboxed frame of its own address, under a CSP that
 * allows inline styles and nothing else: src/security-headers.ts `MAIL_CSP`).
 */
@ApiExcludeController()
@WebPages()
@Controller('admin')
export class AdminPages {
  constructor(
    private readonly api: WebApi,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('jobs')
  @Allow('system:admin')
  async jobs(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const queues = await this.api.get<Page<Queue>>(ctx.user!, '/api/v1/admin/jobs');
    const failed: Job[] = [];
    for (const queue of queues.items.filter((q) => q.counts.failed > 0))
      failed.push(
        ...(
          await this.api.get<Page<Job>>(
            ctx.user!,
            `/api/v1/admin/jobs/${encodeURIComponent(queue.name)}?state=failed&limit=50`,
          )
        ).items,
      );
    const counts = ['created', 'retry', 'active', 'completed', 'failed'] as const;
    const countWord = {
      created: 'waiting',
      retry: 'retrying',
      active: 'running',
      completed: 'completed',
      failed: 'failed',
    } as const;
    const body = html`${notice(ctx)}
      <div class="table-wrap">
        <table class="list" id="queues">
          <caption class="visually-hidden">${w(l, 'queue')}</caption>
          <thead>
            <tr>
              <th scope="col">${w(l, 'queue')}</th>
              ${counts.map((c) => html`<th scope="col">${w(l, countWord[c])}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${queues.items.map(
              (q) => html`<tr id="queue-${q.name}">
                <td class="primary">${queueLabel(l, q.name)}</td>
                ${counts.map(
                  (c) =>
                    html`<td data-label="${w(l, countWord[c])}" class="count-${c}">${q.counts[c]}</td>`,
                )}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h2>${w(l, 'failedJobs')}</h2>
      ${
        failed.length === 0
          ? html`<p class="muted" id="no-failed">${w(l, 'noFailedJobs')}</p>`
          : html`<div class="table-wrap"><table class="list" id="failed-jobs">
              <caption class="visually-hidden">${w(l, 'failedJobs')}</caption>
              <thead>
                <tr>
                  <th scope="col">${w(l, 'queue')}</th>
                  <th scope="col">${w(l, 'error')}</th>
                  <th scope="col">${w(l, 'attempts')}</th>
                  <th scope="col">${w(l, 'created')}</th>
                  <th scope="col">${w(l, 'ended')}</th>
                  <th scope="col"><span class="visually-hidden">${w(l, 'retry')}</span></th>
                </tr>
              </thead>
              <tbody>
                ${failed.map(
                  (j) => html`<tr id="job-${j.id}">
                    <td class="primary">${queueLabel(l, j.queue)}</td>
                    <td data-label="${w(l, 'error')}" class="job-error">${j.error ?? ''}</td>
                    <td data-label="${w(l, 'attempts')}">${j.attempts}</td>
                    <td data-label="${w(l, 'created')}">${dateTime(j.createdAt, l)}</td>
                    <td data-label="${w(l, 'ended')}">${dateTime(j.endedAt, l)}</td>
                    <td>
                      <form method="post" action="/admin/jobs/${j.queue}/${j.id}/retry" class="inline">
                        ${csrfField(ctx)}${idempotencyField()}
                        <button type="submit" id="retry-${j.id}">${w(l, 'retry')}</button>
                      </form>
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`
      }`;
    sendPage(reply, titledPage(ctx, w(l, 'jobsTitle'), body));
  }

  @Post('jobs/:queue/:id/retry')
  @Allow('system:admin')
  async retry(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('queue') queue: string,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call(
      ctx.user!,
      'POST',
      `/api/v1/admin/jobs/${encodeURIComponent(queue)}/${id}/retry`,
      { idempotencyKey: idempotencyKeyOf(body) },
    );
    if (answer.status !== 200 && answer.status !== 409) throw new ApiError(answer as never);
    redirect(request, reply, `/admin/jobs?done=${answer.status === 200 ? 'retried' : 'notFailed'}`);
  }

  @Get('outbox')
  @Allow('system:admin')
  outbox(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    return listPage<MailSummary>(this.api, ctx, reply, {
      path: '/admin/outbox',
      api: '/api/v1/admin/outbox',
      title: w(l, 'outboxTitle'),
      search: true,
      defaultSort: '-createdAt',
      intro: this.config.mail.smtpUrl
        ? undefined
        : html`<p class="outbox-note" id="no-smtp">${w(l, 'noSmtp')}</p>`,
      filters: [
        {
          name: 'state',
          label: w(l, 'state'),
          type: 'select',
          choices: STATES.map((s) => ({ value: s, label: w(l, `state_${s}`) })),
        },
        {
          name: 'kind',
          label: w(l, 'kind'),
          type: 'select',
          choices: KINDS.map((k) => ({ value: k, label: kindLabel(l, k) })),
        },
      ],
      columns: [
        {
          header: w(l, 'subject'),
          primary: true,
          cell: (m) => html`<a href="/admin/outbox/${m.id}">${m.subject}</a>`,
        },
        { header: w(l, 'recipient'), cell: (m) => m.recipient },
        { header: w(l, 'kind'), cell: (m) => kindLabel(l, m.kind) },
        { header: w(l, 'state'), cell: (m) => stateBadge(l, m.state) },
        { header: w(l, 'created'), sort: 'createdAt', cell: (m) => dateTime(m.createdAt, l) },
      ],
    });
  }

  @Get('outbox/:id')
  @Allow('system:admin')
  async mail(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const m = await this.api.get<Mail>(ctx.user!, `/api/v1/admin/outbox/${id}`);
    const body = html`${notice(ctx)}
      <div class="actions record-actions">
        <a class="button" href="/admin/outbox">${w(l, 'backToOutbox')}</a>
        ${
          m.state === 'failed'
            ? html`<form method="post" action="/admin/outbox/${m.id}/resend" class="inline">
                ${csrfField(ctx)}${idempotencyField()}
                <button type="submit" class="primary" id="resend">${w(l, 'sendAgain')}</button>
              </form>`
            : ''
        }
      </div>
      ${facts([
        [w(l, 'subject'), html`<span id="mail-subject">${m.subject}</span>`],
        [w(l, 'sender'), m.from],
        [w(l, 'recipient'), html`<span id="mail-recipient">${m.recipient}</span>`],
        [w(l, 'kind'), kindLabel(l, m.kind)],
        [w(l, 'state'), stateBadge(l, m.state)],
        [w(l, 'attempts'), m.attempts],
        [w(l, 'error'), m.lastError],
        [w(l, 'created'), dateTime(m.createdAt, l)],
        [w(l, 'sentAt'), dateTime(m.sentAt, l)],
      ])}
      <h2>${w(l, 'htmlVersion')}</h2>
      <p class="muted">${w(l, 'htmlNote')}</p>
      <iframe
        class="mail-frame"
        id="mail-html"
        title="${w(l, 'htmlVersion')}: ${m.subject}"
        sandbox=""
        referrerpolicy="no-referrer"
        src="/admin/outbox/${m.id}/html"
      ></iframe>
      <h2>${w(l, 'plainText')}</h2>
      <pre class="mail-text" id="mail-text">${m.textBody}</pre>
      <details>
        <summary>${w(l, 'headers')}</summary>
        ${facts(Object.entries(m.headers))}
      </details>`;
    sendPage(reply, layout(ctx, m.subject, html`<h1>${m.subject}</h1>${body}`));
  }

  /**
   * The mail's HTML as a document of its own, for the sandboxed frame of the page above: its
   * CSP (`MAIL_CSP`) allows inline styles and data: images only, so a script in it never runs
   * and it loads nothing from elsewhere, even when opened on its own.
   */
  @Get('outbox/:id/html')
  @Allow('system:admin')
  async mailHtml(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const m = await this.api.get<{ htmlBody: string }>(ctx.user!, `/api/v1/admin/outbox/${id}`);
    void reply.code(200).type('text/html; charset=utf-8').send(m.htmlBody);
  }

  @Post('outbox/:id/resend')
  @Allow('system:admin')
  async resend(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call(ctx.user!, 'POST', `/api/v1/admin/outbox/${id}/resend`, {
      idempotencyKey: idempotencyKeyOf(body),
    });
    if (answer.status !== 200 && answer.status !== 409) throw new ApiError(answer as never);
    redirect(
      request,
      reply,
      `/admin/outbox/${id}?done=${answer.status === 200 ? 'resent' : 'notResendable'}`,
    );
  }
}

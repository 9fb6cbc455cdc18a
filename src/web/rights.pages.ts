import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import { can } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { w as cw } from './contacts.words';
import { dateTime, day } from './kit/format';
import { idempotencyField, idempotencyKeyOf } from './kit/forms';
import { Html, html } from './kit/html';
import { label, t } from './kit/i18n';
import { csrfField, doneNotice, PageContext, pageContext } from './kit/layout';
import { listPage } from './kit/lists';
import { redirect } from './kit/respond';
import { ApiError, WebApi } from './kit/web-api';
import { w } from './rights.words';

/** What the privacy block reads of a contact (the agency's view of the API's answer). */
export interface PrivacyFacts {
  id: string;
  version: number;
  legalBasis?: { basis: string; recordedAt: string | null; source: string | null } | null;
  restrictedAt?: string | null;
  restrictionReason?: string | null;
  objectedAt?: string | null;
  objectionNote?: string | null;
}

/** The messages a contact's page shows after a privacy post (`?done=restricted`). */
export const PRIVACY_NOTICES = [
  'restrictedDone',
  'liftedDone',
  'objectedDone',
  'withdrawnDone',
  'privacyInvalid',
  'privacyStale',
] as const;

export const privacyNotice = (ctx: PageContext): Html => doneNotice(ctx, PRIVACY_NOTICES, w);

/** The erase form of the access report (another page's; this one only links to it). */
export const personalDataPath = (id: string) => `/contacts/${id}/personal-data`;

const hidden = (name: string, value: string | number) =>
  html`<input type="hidden" name="${name}" value="${value}" />`;

/**
 * A contact's "Privacy" block: its legal basis, the restriction (GDPR art. 18: restrict with a
 * reason; lift — only admins still see a restricted contact) and the objection (art. 21:
 * record, withdraw); the page's "Personal data" button (privacy.pages.ts) leads to the access
 * report and erasure. The forms for roles with `contact:privacy`.
 */
export function privacyBlock(ctx: PageContext, c: PrivacyFacts): Html {
  const l = ctx.locale;
  const user = ctx.user!;
  const may = can(user.role, 'contact:privacy');
  const basis = c.legalBasis;
  const basisText = basis
    ? html`${label(l, 'legalBasis', basis.basis)}${
        basis.recordedAt
          ? html` <span class="muted">· ${cw(l, 'recordedAt')} ${dateTime(basis.recordedAt, l)}</span>`
          : ''
      }${basis.source ? html`<br />${cw(l, 'source')}: ${basis.source}` : ''}`
    : html`${cw(l, 'notRecorded')}`;
  const form = (action: string, fields: Html, button: string, id: string) =>
    html`<form method="post" action="/contacts/${c.id}/${action}" class="privacy-form" id="${id}">
      ${csrfField(ctx)}${idempotencyField()}${hidden('version', c.version)}${fields}
      <button type="submit">${button}</button>
    </form>`;
  const restriction = c.restrictedAt
    ? html`<p><span class="badge bad" id="restricted-badge">${w(l, 'restricted')}</span>
          ${w(l, 'restrictedSince')} ${dateTime(c.restrictedAt, l)}</p>
        ${c.restrictionReason ? html`<p id="restriction-reason">${c.restrictionReason}</p>` : ''}
        ${may && user.role === 'admin' ? form('restriction/lift', html``, w(l, 'lift'), 'lift-restriction') : ''}`
    : html`<p class="muted">${w(l, 'notRestricted')}</p>
        ${
          may
            ? html`<details class="privacy-action">
                <summary class="button">${w(l, 'restrict')}</summary>
                <p class="muted">${w(l, 'restrictionHint')}</p>
                ${form(
                  'restriction',
                  html`<div class="field"><label for="restriction-reason-input">${w(l, 'restrictionReason')}</label>
                    <textarea id="restriction-reason-input" name="reason" required maxlength="2000" rows="2"></textarea></div>`,
                  w(l, 'restrict'),
                  'restrict-form',
                )}
              </details>`
            : ''
        }`;
  const objection = c.objectedAt
    ? html`<p id="objection">${w(l, 'objectedOn')} ${day(c.objectedAt.slice(0, 10), l)}${
        c.objectionNote ? html`: ${c.objectionNote}` : ''
      }</p>
        ${may ? form('objection/withdraw', html``, w(l, 'withdrawObjection'), 'withdraw-objection') : ''}`
    : html`<p class="muted">${w(l, 'noObjection')}</p>
        ${
          may
            ? html`<details class="privacy-action">
                <summary class="button">${w(l, 'recordObjection')}</summary>
                <p class="muted">${w(l, 'objectionHint')}</p>
                ${form(
                  'objection',
                  html`<div class="field"><label for="objection-note">${w(l, 'objectionNote')}</label>
                      <textarea id="objection-note" name="note" maxlength="2000" rows="2"></textarea></div>
                    <div class="field"><label for="objection-at">${w(l, 'objectionDay')}</label>
                      <input type="date" id="objection-at" name="at" />
                      <small class="muted">${w(l, 'objectionDayHint')}</small></div>`,
                  w(l, 'recordObjection'),
                  'object-form',
                )}
              </details>`
            : ''
        }`;
  return html`<section class="card privacy" id="privacy" aria-labelledby="h-privacy">
    <h2 id="h-privacy">${w(l, 'privacy')}</h2>
    <h3>${t(l, 'legalBasis')}</h3>
    <p id="legal-basis">${basisText}</p>
    <h3>${w(l, 'restriction')}</h3>
    ${restriction}
    <h3>${w(l, 'objection')}</h3>
    ${objection}
  </section>`;
}

/** A retention review as `GET /api/v1/retention` answers it. */
interface ReviewView {
  id: string;
  contactId: string;
  contactName: string;
  foundAt: string;
  lastActivityAt: string;
  legalBasis: string | null;
  ownerName: string | null;
  restrictedAt: string | null;
}

const RETENTION_NOTICES = ['ranDone', 'extendedDone', 'extendInvalid', 'extendGone'] as const;

/** The day after today in Berlin: the first an extension may name. */
const tomorrow = (): string => {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
  const next = new Date(`${today}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
};

/**
 * The privacy pages: the posts of a contact's privacy block (restriction, objection) and the
 * retention review, `/privacy/retention`, for agency staff with `contact:privacy`.
 */
@ApiExcludeController()
@WebPages()
@Controller()
export class RightsPages {
  constructor(private readonly api: WebApi) {}

  @Post('contacts/:id/restriction')
  @Allow('contact:privacy')
  restrict(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const reason = typeof body.reason === 'string' ? body.reason : '';
    return this.change(
      request,
      reply,
      id,
      body,
      'POST',
      'restriction',
      { reason },
      'restrictedDone',
    );
  }

  @Post('contacts/:id/restriction/lift')
  @Allow('contact:privacy')
  lift(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    return this.change(request, reply, id, body, 'DELETE', 'restriction', undefined, 'liftedDone');
  }

  @Post('contacts/:id/objection')
  @Allow('contact:privacy')
  object(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const note = typeof body.note === 'string' && body.note.trim() ? body.note : null;
    const at = typeof body.at === 'string' && body.at ? body.at : undefined;
    return this.change(
      request,
      reply,
      id,
      body,
      'POST',
      'objection',
      { note, ...(at && { at }) },
      'objectedDone',
    );
  }

  @Post('contacts/:id/objection/withdraw')
  @Allow('contact:privacy')
  withdraw(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    return this.change(request, reply, id, body, 'DELETE', 'objection', undefined, 'withdrawnDone');
  }

  /** One privacy action at the version shown, then back to the contact (or its list, if gone). */
  private async change(
    request: WebRequest,
    reply: FastifyReply,
    id: string,
    body: Record<string, unknown>,
    method: 'POST' | 'DELETE',
    what: 'restriction' | 'objection',
    payload: Record<string, unknown> | undefined,
    done: (typeof PRIVACY_NOTICES)[number],
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call<PrivacyFacts & { restrictedAt?: string | null }>(
      ctx.user!,
      method,
      `/api/v1/contacts/${id}/${what}`,
      {
        ifMatch: Number(body.version) || 0,
        ...(method === 'POST' && { body: payload, idempotencyKey: idempotencyKeyOf(body) }),
      },
    );
    const page = `/contacts/${id}`;
    if (answer.status === 400)
      return redirect(request, reply, `${page}?done=privacyInvalid#privacy`);
    if (answer.status === 412) return redirect(request, reply, `${page}?done=privacyStale#privacy`);
    if (answer.status !== 200) throw new ApiError(answer as never);
    // A contact restricted by someone who is not an admin is out of sight: back to the list.
    if (what === 'restriction' && answer.body.restrictedAt && ctx.user!.role !== 'admin')
      return redirect(request, reply, `/contacts?done=${done}`);
    redirect(request, reply, `${page}?done=${done}#privacy`);
  }

  /** The contacts due for a retention decision, the quietest first. */
  @Get('privacy/retention')
  @Allow('contact:privacy')
  retention(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const until = tomorrow();
    return listPage<ReviewView>(this.api, ctx, reply, {
      path: '/privacy/retention',
      api: '/api/v1/retention',
      title: w(l, 'retention'),
      defaultSort: 'lastActivityAt',
      intro: html`${doneNotice(ctx, RETENTION_NOTICES, w)}
        <p class="muted">${w(l, 'retentionIntro')}</p>
        <form method="post" action="/privacy/retention/run" class="inline" id="run-review">
          ${csrfField(ctx)}${idempotencyField()}
          <button type="submit" id="run-review-now">${w(l, 'runNow')}</button>
        </form>`,
      columns: [
        {
          header: t(l, 'name'),
          primary: true,
          cell: (r) =>
            html`<a href="/contacts/${r.contactId}">${r.contactName}</a>${
              r.restrictedAt ? html` <span class="badge bad">${w(l, 'restricted')}</span>` : ''
            }`,
        },
        {
          header: w(l, 'lastActivity'),
          sort: 'lastActivityAt',
          cell: (r) => dateTime(r.lastActivityAt, l),
        },
        {
          header: t(l, 'legalBasis'),
          cell: (r) => (r.legalBasis ? label(l, 'legalBasis', r.legalBasis) : cw(l, 'notRecorded')),
        },
        { header: t(l, 'owner'), cell: (r) => r.ownerName },
        {
          header: w(l, 'decision'),
          cell: (r) =>
            html`<details class="privacy-action" id="extend-${r.contactId}">
                <summary class="button">${w(l, 'extend')}</summary>
                <form method="post" action="/privacy/retention/${r.contactId}/extend" class="privacy-form">
                  ${csrfField(ctx)}${idempotencyField()}
                  <div class="field"><label for="until-${r.contactId}">${w(l, 'extendUntil')}</label>
                    <input type="date" id="until-${r.contactId}" name="until" min="${until}" required /></div>
                  <div class="field"><label for="reason-${r.contactId}">${w(l, 'extendReason')}</label>
                    <input type="text" id="reason-${r.contactId}" name="reason" maxlength="2000" required /></div>
                  <button type="submit">${w(l, 'extend')}</button>
                </form>
              </details>
              <a class="button" id="erase-${r.contactId}" href="${personalDataPath(r.contactId)}#erase">${w(l, 'erase')}</a>`,
        },
      ],
    });
  }

  @Post('privacy/retention/run')
  @Allow('contact:privacy')
  async run(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call(ctx.user!, 'POST', '/api/v1/retention/run', {
      idempotencyKey: idempotencyKeyOf(body),
    });
    if (answer.status !== 200) throw new ApiError(answer as never);
    redirect(request, reply, '/privacy/retention?done=ranDone');
  }

  @Post('privacy/retention/:contactId/extend')
  @Allow('contact:privacy')
  async extend(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('contactId', UuidParam('contactId')) contactId: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call(ctx.user!, 'POST', `/api/v1/retention/${contactId}/extend`, {
      body: { until: body.until, reason: body.reason },
      idempotencyKey: idempotencyKeyOf(body),
    });
    const done =
      answer.status === 200
        ? 'extendedDone'
        : answer.status === 400
          ? 'extendInvalid'
          : answer.status === 404
            ? 'extendGone'
            : undefined;
    if (!done) throw new ApiError(answer as never);
    redirect(request, reply, `/privacy/retention?done=${done}`);
  }
}

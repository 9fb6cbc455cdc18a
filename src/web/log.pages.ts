import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { pageContext } from './account.pages';
import { berlinLocalToIso, isoToBerlinLocal } from './kit/format';
import { Html, html } from './kit/html';
import { t } from './kit/i18n';
import { csrfField, errorSummary, field, layout, PageContext } from './kit/layout';
import { redirect, sendPage } from './kit/respond';
import { ApiError, ApiProblem, fieldErrors, WebApi } from './kit/web-api';
import { WebPages, WebRequest } from './kit/session';
import { CompanyView, Page, TripView } from './kit/views';

const str = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const list = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string' && value
      ? [value]
      : [];

const KINDS = ['meeting', 'call', 'email', 'event', 'visit', 'reception', 'other'];

/** API field paths → the form's field names, so errors appear next to the right input. */
const FIELD_NAMES: Record<string, string> = {
  'newContacts.0.familyName': 'newFamilyName',
  'newContacts.0.givenName': 'newGivenName',
  'newContacts.0.nativeName': 'newNativeName',
  'followUp.title': 'followUpTitle',
  'followUp.dueOn': 'followUpDueOn',
  'lead.title': 'leadTitle',
  'lead.companyId': 'leadCompanyId',
  'lead.valueEur': 'leadValueEur',
};

@ApiExcludeController()
@WebPages()
@Controller('log')
export class LogPages {
  constructor(private readonly api: WebApi) {}

  @Get()
  @Allow('interaction:write')
  async form(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    sendPage(
      reply,
      await this.page(ctx, { occurredAt: isoToBerlinLocal(new Date()), kind: 'meeting' }, {}),
    );
  }

  @Post()
  @Allow('interaction:write')
  async save(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') values[k] = v;
    const contactIds = list(body.contactIds);
    const occurredAt = berlinLocalToIso(str(body.occurredAt));
    const dto = {
      occurredAt: occurredAt ?? str(body.occurredAt),
      kind: str(body.kind) || 'meeting',
      subject: str(body.subject),
      summary: str(body.summary) || null,
      location: str(body.location) || null,
      confidential: body.confidential === 'on',
      ...(contactIds.length && { contactIds }),
      ...(str(body.newFamilyName) || str(body.newNativeName) || str(body.newGivenName)
        ? {
            newContacts: [
              {
                familyName: str(body.newFamilyName),
                givenName: str(body.newGivenName) || null,
                nativeName: str(body.newNativeName) || null,
                position: str(body.newPosition) || null,
              },
            ],
          }
        : {}),
      ...(str(body.tripId) && { tripId: str(body.tripId) }),
      ...(str(body.followUpTitle) && {
        followUp: {
          title: str(body.followUpTitle),
          ...(str(body.followUpDueOn) && { dueOn: str(body.followUpDueOn) }),
        },
      }),
      ...(str(body.leadTitle) && {
        lead: {
          companyId: str(body.leadCompanyId),
          title: str(body.leadTitle),
          ...(str(body.leadValueEur) && {
            valueEur: Number(str(body.leadValueEur).replace(',', '.')),
          }),
        },
      }),
    };
    const answer = await this.api.call<{ contactIds: string[] } | ApiProblem>(
      ctx.user!,
      'POST',
      '/api/v1/contact-log',
      { body: dto },
    );
    if (answer.status === 201) {
      const result = answer.body as { contactIds: string[] };
      return redirect(request, reply, `/contacts/${result.contactIds[0]}`);
    }
    if (answer.status !== 400) throw new ApiError(answer as never);
    const errors: Record<string, string> = {};
    for (const [k, m] of Object.entries(fieldErrors(answer.body as ApiProblem)))
      errors[FIELD_NAMES[k] ?? k] = m;
    sendPage(reply, await this.page(ctx, values, errors, contactIds), 400);
  }

  private async page(
    ctx: PageContext,
    v: Record<string, string>,
    errors: Record<string, string>,
    picked: string[] = [],
  ): Promise<Html> {
    const user = ctx.user!;
    const [trips, companies] = await Promise.all([
      this.api.get<Page<TripView>>(user, '/api/v1/trips?limit=50&sort=-startsOn'),
      this.api.get<Page<CompanyView>>(user, '/api/v1/companies?limit=200'),
    ]);
    const text = (name: string, label: string, attrs: Html = html``, type = 'text') =>
      field(
        label,
        html`<input
          type="${type}"
          id="f-${name}"
          name="${name}"
          value="${v[name] ?? ''}"
          ${attrs}
          aria-invalid="${errors[name] ? 'true' : 'false'}"
        />`,
        errors[name],
      );
    return layout(
      ctx,
      t(ctx.locale, 'logContact'),
      html`<h1>${t(ctx.locale, 'logContact')}</h1>
${errorSummary(ctx, errors)}
<form method="post" action="/log" id="log-form">
${csrfField(ctx)}
<fieldset><legend>${t(ctx.locale, 'who')}</legend>
  <label for="contact-search">${t(ctx.locale, 'pickContacts')}</label>
  <input id="contact-search" type="search" name="q" autocomplete="off" maxlength="200"
    hx-get="/contacts/suggest" hx-trigger="input changed delay:250ms, search" hx-target="#suggestions" hx-include="this" hx-vals='{}'>
  <ul id="suggestions" class="suggestions" aria-live="polite"></ul>
  <ul id="picked-contacts" class="chips">${picked.map(
    (id) =>
      html`<li>
        <label><input type="checkbox" name="contactIds" value="${id}" checked /> ${id}</label>
      </li>`,
  )}</ul>
  ${errors.contactIds ? html`<p class="error" role="alert">${errors.contactIds}</p>` : ''}
  <details${v.newFamilyName || v.newNativeName ? html` open` : ''}><summary>${t(ctx.locale, 'newContact')}</summary>
    ${text('newFamilyName', t(ctx.locale, 'familyName'))}
    ${text('newGivenName', t(ctx.locale, 'givenName'))}
    ${text('newNativeName', t(ctx.locale, 'nativeName'), html` lang="zh"`)}
    ${text('newPosition', t(ctx.locale, 'position'))}
  </details>
</fieldset>
<fieldset><legend>${t(ctx.locale, 'interactions')}</legend>
  ${text('occurredAt', t(ctx.locale, 'when'), html` required`, 'datetime-local')}
  ${field(
    t(ctx.locale, 'kind'),
    html`<select name="kind">
      ${KINDS.map((k) => html`<option value="${k}" ${v.kind === k ? html` selected` : ''}>${k}</option>`)}
    </select>`,
  )}
  ${text('location', t(ctx.locale, 'where'))}
  ${field(
    t(ctx.locale, 'trip'),
    html`<select name="tripId">
      <option value="">${t(ctx.locale, 'none')}</option>
      ${trips.items.map((trip) => html`<option value="${trip.id}" ${v.tripId === trip.id ? html` selected` : ''}>${trip.title}</option>`)}
    </select>`,
  )}
  ${text('subject', t(ctx.locale, 'subject'), html` required maxlength="300"`)}
  ${field(t(ctx.locale, 'summary'), html`<textarea name="summary" id="f-summary">${v.summary ?? ''}</textarea>`, errors.summary)}
  <div class="field"><label><input type="checkbox" name="confidential"${v.confidential === 'on' ? html` checked` : ''}> ${t(ctx.locale, 'confidential')}</label></div>
</fieldset>
<fieldset><legend>${t(ctx.locale, 'optionalFollowUp')}</legend>
  ${text('followUpTitle', t(ctx.locale, 'title'))}
  ${text('followUpDueOn', t(ctx.locale, 'dueOn'), html``, 'date')}
</fieldset>
<fieldset><legend>${t(ctx.locale, 'optionalLead')}</legend>
  ${field(
    t(ctx.locale, 'company'),
    html`<select name="leadCompanyId" id="f-leadCompanyId">
      <option value="">${t(ctx.locale, 'none')}</option>
      ${companies.items.map((c) => html`<option value="${c.id}" ${v.leadCompanyId === c.id ? html` selected` : ''}>${c.name}</option>`)}
    </select>`,
    errors.leadCompanyId,
  )}
  ${text('leadTitle', t(ctx.locale, 'title'))}
  ${text('leadValueEur', `${t(ctx.locale, 'value')} (EUR)`, html` inputmode="decimal"`)}
</fieldset>
<p><button class="primary" type="submit">${t(ctx.locale, 'save')}</button></p>
</form>`,
    );
  }
}

import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { pageContext } from './account.pages';
import { dateTime, money } from './kit/format';
import { Html, html } from './kit/html';
import { LEAD_STAGES, stageLabel, t } from './kit/i18n';
import { csrfField, editLink, field, layout, PageContext } from './kit/layout';
import { Column, listRows, listTable, searchForm, withCursor } from './kit/list';
import { redirect, sendPage } from './kit/respond';
import { ApiError, ApiProblem, fieldErrors, WebApi } from './kit/web-api';
import { WebPages, WebRequest, WebUser } from './kit/session';
import {
  CompanyView,
  ContactView,
  LeadNoteView,
  LeadView,
  Page,
  PartnerView,
  TimelineItemView,
} from './kit/views';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const q = (params: Record<string, string | undefined>) => {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, v);
  return query.toString();
};
export const contactName = (c: Pick<ContactView, 'familyName' | 'givenName' | 'nativeName'>) =>
  [c.givenName, c.familyName].filter(Boolean).join(' ') +
  (c.nativeName ? ` (${c.nativeName})` : '');

/** Names of companies and partners the caller may see, for labelling ids in lists. */
async function organisationNames(api: WebApi, user: WebUser): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const companies = await api.get<Page<CompanyView>>(user, '/api/v1/companies?limit=200');
  for (const c of companies.items) names.set(c.id, c.name);
  if (can(user.role, 'partner:read')) {
    const partners = await api.call<Page<PartnerView>>(user, 'GET', '/api/v1/partners?limit=200');
    if (partners.status === 200) for (const p of partners.body.items) names.set(p.id, p.name);
  }
  return names;
}

@ApiExcludeController()
@WebPages()
@Controller()
export class CrmPages {
  constructor(private readonly api: WebApi) {}

  // ---------------------------------------------------------------- contacts

  @Get('contacts')
  @Allow('contact:read')
  async contacts(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, string>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const params = { q: str(query.q) || undefined, cursor: str(query.cursor) || undefined };
    const [page, names] = await Promise.all([
      this.api.get<Page<ContactView>>(user, `/api/v1/contacts?${q({ ...params, limit: '25' })}`),
      organisationNames(this.api, user),
    ]);
    const columns: Column<ContactView>[] = [
      {
        header: t(ctx.locale, 'contact'),
        cell: (c) => html`<a href="/contacts/${c.id}">${contactName(c)}</a>`,
      },
      { header: t(ctx.locale, 'position'), cell: (c) => c.position },
      {
        header: `${t(ctx.locale, 'company')} / ${t(ctx.locale, 'partner')}`,
        cell: (c) => names.get(c.companyId ?? c.partnerId ?? '') ?? '',
      },
      { header: t(ctx.locale, 'email'), cell: (c) => c.email },
      { header: t(ctx.locale, 'country'), cell: (c) => c.country },
    ];
    const more = withCursor('/contacts', { q: params.q });
    if (query.fragment === 'rows')
      return sendPage(reply, listRows(ctx.locale, columns, page, more));
    sendPage(
      reply,
      layout(
        ctx,
        t(ctx.locale, 'contacts'),
        html`<h1>${t(ctx.locale, 'contacts')}</h1>
          ${searchForm(ctx.locale, '/contacts', params.q)}
          ${listTable(ctx.locale, `${t(ctx.locale, 'results')}`, columns, page, more)}`,
      ),
    );
  }

  /** Suggestions for the contact picker of "Log a contact" (an htmx fragment). */
  @Get('contacts/suggest')
  @Allow('contact:read')
  async suggest(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query('q') term?: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const text = str(term).trim();
    if (text === '') return sendPage(reply, html``);
    const answer = await this.api.call<Page<ContactView>>(
      ctx.user!,
      'GET',
      `/api/v1/contacts?${q({ q: text.slice(0, 200), limit: '8' })}`,
    );
    const items = answer.status === 200 ? answer.body.items : [];
    sendPage(
      reply,
      items.length
        ? html`${items.map((c) => html`<li><button type="button" class="link" data-pick-contact="${c.id}" data-label="${contactName(c)}">${contactName(c)}${c.position ? html` <span class="muted">· ${c.position}</span>` : ''}</button></li>`)}`
        : html`<li class="muted">${t(ctx.locale, 'noEntries')}</li>`,
    );
  }

  @Get('contacts/:id')
  @Allow('contact:read')
  async contact(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const [contact, timeline, names] = await Promise.all([
      this.api.get<ContactView>(user, `/api/v1/contacts/${id}`),
      this.api.get<Page<TimelineItemView>>(user, `/api/v1/contacts/${id}/timeline?limit=50`),
      organisationNames(this.api, user),
    ]);
    const editable = can(user.role, 'contact:write');
    sendPage(
      reply,
      layout(
        ctx,
        contactName(contact),
        html`<h1>${contactName(contact)}</h1>
          ${editable ? html`<p><a class="button" href="/contacts/${id}/edit">${t(ctx.locale, 'edit')}</a></p>` : ''}
          <dl class="facts">
            <dt>${t(ctx.locale, 'position')}</dt>
            <dd>${contact.position ?? ''}</dd>
            <dt>${t(ctx.locale, 'company')} / ${t(ctx.locale, 'partner')}</dt>
            <dd>${names.get(contact.companyId ?? contact.partnerId ?? '') ?? ''}</dd>
            <dt>${t(ctx.locale, 'email')}</dt>
            <dd>${contact.email ?? ''}</dd>
            <dt>${t(ctx.locale, 'country')}</dt>
            <dd>${contact.country ?? ''} ${contact.city ?? ''}</dd>
            <dt>${t(ctx.locale, 'notes')}</dt>
            <dd>${contact.notes ?? ''}</dd>
          </dl>
          <h2>${t(ctx.locale, 'timeline')}</h2>
          ${
            timeline.items.length
              ? html`<ol>
                  ${timeline.items.map((item) => html`<li><span class="badge">${item.type}</span> <a href="/${item.type === 'followUp' ? 'follow-ups' : item.type === 'lead' ? 'leads' : 'interactions'}/${item.id}">${item.title}</a> <span class="muted">${dateTime(item.at, ctx.locale)}</span></li>`)}
                </ol>`
              : html`<p class="muted">${t(ctx.locale, 'noEntries')}</p>`
          }`,
      ),
    );
  }

  // ---------------------------------------------------------------- leads

  @Get('leads')
  @Allow('lead:read')
  async leads(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const [page, names] = await Promise.all([
      this.api.get<Page<LeadView>>(user, '/api/v1/leads?limit=200&sort=-updatedAt'),
      organisationNames(this.api, user),
    ]);
    const canMove = can(user.role, 'lead:update');
    sendPage(
      reply,
      layout(
        ctx,
        t(ctx.locale, 'leads'),
        html`<h1>${t(ctx.locale, 'leads')}</h1>
          <div class="board">
            ${LEAD_STAGES.map(
              (stage) =>
                html`<section aria-labelledby="stage-${stage}">
                  <h2 id="stage-${stage}">${stageLabel(ctx.locale, stage)}</h2>
                  ${page.items
                    .filter((l) => l.stage === stage)
                    .map(
                      (l) =>
                        html`<article id="lead-${l.id}">
                          <a href="/leads/${l.id}">${l.title}</a><br /><span class="muted"
                            >${names.get(l.companyId) ?? ''}</span
                          >
                          ${l.valueEur !== null ? html`<br />${money(l.valueEur, ctx.locale)}` : ''}
                          ${canMove ? this.moveForm(ctx, l) : ''}
                        </article>`,
                    )}
                </section>`,
            )}
          </div>`,
      ),
    );
  }

  private moveForm(ctx: PageContext, lead: LeadView): Html {
    return html`<form method="post" action="/leads/${lead.id}/stage">
      ${csrfField(ctx)}<input type="hidden" name="version" value="${lead.version}" />
      <label
        >${t(ctx.locale, 'moveTo')}
        <select name="stage" aria-label="${t(ctx.locale, 'moveTo')}: ${lead.title}">
          ${LEAD_STAGES.map(
            (s) =>
              html`<option value="${s}" ${s === lead.stage ? html` selected` : ''}>
                ${stageLabel(ctx.locale, s)}
              </option>`,
          )}
        </select></label
      >
      <button type="submit">${t(ctx.locale, 'save')}</button>
    </form>`;
  }

  @Post('leads/:id/stage')
  @Allow('lead:update')
  async moveLead(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const answer = await this.api.call(request.webUser!, 'PATCH', `/api/v1/leads/${id}`, {
      body: { stage: str(body.stage) },
      ifMatch: Number(body.version),
    });
    if (answer.status !== 200) throw new ApiError(answer as never);
    const back = str(request.headers.referer);
    redirect(request, reply, back.includes(`/leads/${id}`) ? `/leads/${id}` : '/leads');
  }

  @Get('leads/:id')
  @Allow('lead:read')
  async lead(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    sendPage(reply, await this.leadPage(ctx, id, {}));
  }

  private async leadPage(
    ctx: PageContext,
    id: string,
    errors: Record<string, string>,
    draft = '',
  ): Promise<Html> {
    const user = ctx.user!;
    const [lead, notes, names] = await Promise.all([
      this.api.get<LeadView>(user, `/api/v1/leads/${id}`),
      this.api.get<Page<LeadNoteView>>(user, `/api/v1/leads/${id}/notes?limit=200`),
      organisationNames(this.api, user),
    ]);
    return layout(
      ctx,
      lead.title,
      html`<h1>${lead.title}</h1>${editLink(ctx, 'lead:write', `/leads/${id}/edit`)}
        <dl class="facts">
          <dt>${t(ctx.locale, 'company')}</dt>
          <dd>${names.get(lead.companyId) ?? ''}</dd>
          <dt>${t(ctx.locale, 'stage')}</dt>
          <dd><span class="badge" id="lead-stage">${stageLabel(ctx.locale, lead.stage)}</span></dd>
          <dt>${t(ctx.locale, 'value')}</dt>
          <dd>${money(lead.valueEur, ctx.locale)}</dd>
          <dt>${t(ctx.locale, 'description')}</dt>
          <dd>${lead.description ?? ''}</dd>
        </dl>
        ${can(user.role, 'lead:update') ? this.moveForm(ctx, lead) : ''}
        <h2>${t(ctx.locale, 'notes')}</h2>
        ${
          notes.items.length
            ? html`<ol id="notes">
                ${notes.items.map(
                  (n) =>
                    html`<li>
                      <p>${n.body}</p>
                      <p class="muted">
                        ${n.authorName ?? ''} · ${dateTime(n.createdAt, ctx.locale)}
                      </p>
                    </li>`,
                )}
              </ol>`
            : html`<p class="muted" id="notes">${t(ctx.locale, 'noEntries')}</p>`
        }
        ${
          can(user.role, 'lead-note:create')
            ? html`<form method="post" action="/leads/${id}/notes" class="card">
                ${csrfField(ctx)}
                ${field(t(ctx.locale, 'addNote'), html`<textarea name="body" required maxlength="10000">${draft}</textarea>`, errors.body)}
                <button class="primary" type="submit">${t(ctx.locale, 'addNote')}</button>
              </form>`
            : ''
        }`,
    );
  }

  @Post('leads/:id/notes')
  @Allow('lead-note:create')
  async addNote(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call(ctx.user!, 'POST', `/api/v1/leads/${id}/notes`, {
      body: { body: str(body.body) },
    });
    if (answer.status === 201) return redirect(request, reply, `/leads/${id}`);
    if (answer.status === 400)
      return sendPage(
        reply,
        await this.leadPage(ctx, id, fieldErrors(answer.body as ApiProblem), str(body.body)),
        400,
      );
    throw new ApiError(answer as never);
  }
}

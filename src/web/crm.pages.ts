import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { personName } from '../contacts/names';
import { pageContext } from './account.pages';
import { pipelineChart, PipelineRow } from './kit/chart';
import { dateTime, day, money } from './kit/format';
import { Html, html } from './kit/html';
import { LEAD_STAGES, stageLabel, t } from './kit/i18n';
import { card, csrfField, editLink, field, layout, linkList, PageContext } from './kit/layout';
import { Column, listRows, listTable, withCursor } from './kit/list';
import { redirect, sendPage } from './kit/respond';
import { ApiError, ApiProblem, fieldErrors, WebApi } from './kit/web-api';
import { WebPages, WebRequest, WebUser } from './kit/session';
import {
  CompanyView,
  FollowUpView,
  InteractionView,
  LeadNoteView,
  LeadView,
  Page,
  PartnerView,
  TripView,
} from './kit/views';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const q = (params: Record<string, string | undefined>) => {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, v);
  return query.toString();
};
const tripList = (ctx: PageContext, trips: TripView[]): Html =>
  linkList(
    ctx,
    trips,
    (trip) =>
      html`<a href="/trips/${trip.id}">${trip.title}</a> <span class="muted">${day(trip.startsOn, ctx.locale)} – ${day(trip.endsOn, ctx.locale)}</span>`,
  );

/** @deprecated A person's name is `personName` (src/contacts/names.ts); kept for older pages. */
export const contactName = personName;

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

  // ---------------------------------------------------------------- dashboard / portal

  @Get()
  @Allow('account:self')
  async home(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    sendPage(
      reply,
      user.role === 'company' ? await this.portal(ctx, user) : await this.dashboard(ctx, user),
    );
  }

  private followUpList(ctx: PageContext, items: FollowUpView[], canComplete: boolean): Html {
    const today = new Date().toISOString().slice(0, 10);
    if (items.length === 0) return html`<p class="muted">${t(ctx.locale, 'noEntries')}</p>`;
    return html`<ul>
      ${items.map((f) => {
        const overdue = f.status === 'open' && f.dueOn !== null && f.dueOn < today;
        return html`<li>
          ${overdue ? html`<span class="overdue">${t(ctx.locale, 'overdue')}</span> ` : ''}<strong
            >${f.title}</strong
          >
          ${f.dueOn ? html` <span class="muted">${t(ctx.locale, 'due')} ${day(f.dueOn, ctx.locale)}</span>` : ''}
          ${
            canComplete && f.status === 'open'
              ? html` <form
                  class="inline-form"
                  method="post"
                  action="/follow-ups/${f.id}/complete"
                >
                  ${csrfField(ctx)}<input
                    type="hidden"
                    name="version"
                    value="${f.version}"
                  /><button type="submit" aria-label="${t(ctx.locale, 'markDone')}: ${f.title}">
                    ${t(ctx.locale, 'markDone')}
                  </button>
                </form>`
              : ''
          }
        </li>`;
      })}
    </ul>`;
  }

  private async dashboard(ctx: PageContext, user: WebUser): Promise<Html> {
    const [followUps, interactions, trips, pipeline] = await Promise.all([
      this.api.get<Page<FollowUpView>>(
        user,
        '/api/v1/follow-ups?assigneeId=me&status=open&sort=dueOn&limit=20',
      ),
      can(user.role, 'interaction:read')
        ? this.api.get<Page<InteractionView>>(user, '/api/v1/interactions?limit=8')
        : Promise.resolve({ items: [], nextCursor: null }),
      this.api.get<Page<TripView>>(user, '/api/v1/trips?limit=5&sort=-startsOn'),
      this.api.get<{ items: PipelineRow[] }>(user, '/api/v1/leads/pipeline'),
    ]);
    return layout(
      ctx,
      t(ctx.locale, 'dashboard'),
      html`<h1>${t(ctx.locale, 'dashboard')}</h1>
<div class="grid">
${card('followups', t(ctx.locale, 'myOpenFollowUps'), this.followUpList(ctx, followUps.items, can(user.role, 'follow-up:complete')))}
${card(
  'interactions',
  t(ctx.locale, 'recentInteractions'),
  linkList(
    ctx,
    interactions.items,
    (i) =>
      html`<a href="/interactions/${i.id}">${i.subject}</a> <span class="muted">${dateTime(i.occurredAt, ctx.locale)}</span>`,
  ),
)}
${card('trips', t(ctx.locale, 'recentTrips'), tripList(ctx, trips.items))}
</div>
${card(
  'pipeline',
  t(ctx.locale, 'pipeline'),
  pipelineChart(
    pipeline.items,
    LEAD_STAGES,
    (s) => stageLabel(ctx.locale, s),
    (v) => money(v, ctx.locale),
    t(ctx.locale, 'pipeline'),
  ),
)}`,
    );
  }

  private async portal(ctx: PageContext, user: WebUser): Promise<Html> {
    const [leads, followUps, trips, companies] = await Promise.all([
      this.api.get<Page<LeadView>>(user, '/api/v1/leads?limit=50'),
      this.api.get<Page<FollowUpView>>(user, '/api/v1/follow-ups?status=open&sort=dueOn&limit=50'),
      this.api.get<Page<TripView>>(user, '/api/v1/trips?limit=20'),
      this.api.get<Page<CompanyView>>(user, '/api/v1/companies?limit=1'),
    ]);
    const company = companies.items[0];
    return layout(
      ctx,
      t(ctx.locale, 'portal'),
      html`<h1>${t(ctx.locale, 'portal')}${company ? html`: ${company.name}` : ''}</h1>
<div class="grid">
${card(
  'leads',
  t(ctx.locale, 'leads'),
  linkList(
    ctx,
    leads.items,
    (l) =>
      html`<a href="/leads/${l.id}">${l.title}</a> <span class="badge">${stageLabel(ctx.locale, l.stage)}</span>`,
  ),
)}
${card('followups', t(ctx.locale, 'followUps'), this.followUpList(ctx, followUps.items, true))}
${card('trips', t(ctx.locale, 'trips'), tripList(ctx, trips.items))}
</div>`,
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

  // ---------------------------------------------------------------- follow-ups

  @Get('follow-ups')
  @Allow('follow-up:read')
  async followUps(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, string>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const status = ['open', 'done', 'cancelled'].includes(query.status) ? query.status : 'open';
    const params = { status, cursor: str(query.cursor) || undefined };
    const page = await this.api.get<Page<FollowUpView>>(
      user,
      `/api/v1/follow-ups?${q({ ...params, sort: 'dueOn', limit: '50' })}`,
    );
    const today = new Date().toISOString().slice(0, 10);
    const canComplete = can(user.role, 'follow-up:complete');
    const columns: Column<FollowUpView>[] = [
      { header: t(ctx.locale, 'title'), cell: (f) => f.title },
      {
        header: t(ctx.locale, 'dueOn'),
        cell: (f) =>
          html`${day(f.dueOn, ctx.locale)}${f.status === 'open' && f.dueOn && f.dueOn < today ? html` <span class="overdue">${t(ctx.locale, 'overdue')}</span>` : ''}`,
      },
      { header: t(ctx.locale, 'priority'), cell: (f) => f.priority },
      {
        header: t(ctx.locale, 'status'),
        cell: (f) =>
          canComplete && f.status === 'open'
            ? html`<form method="post" action="/follow-ups/${f.id}/complete">
                ${csrfField(ctx)}<input type="hidden" name="version" value="${f.version}" /><button
                  type="submit"
                  aria-label="${t(ctx.locale, 'markDone')}: ${f.title}"
                >
                  ${t(ctx.locale, 'markDone')}
                </button>
              </form>`
            : f.status,
      },
    ];
    const more = withCursor('/follow-ups', { status });
    if (query.fragment === 'rows')
      return sendPage(reply, listRows(ctx.locale, columns, page, more));
    sendPage(
      reply,
      layout(
        ctx,
        t(ctx.locale, 'followUps'),
        html`<h1>${t(ctx.locale, 'followUps')}</h1>
          <form method="get" action="/follow-ups" class="card">
            <label
              >${t(ctx.locale, 'status')}
              <select name="status">
                ${['open', 'done', 'cancelled'].map(
                  (s) =>
                    html`<option value="${s}" ${s === status ? html` selected` : ''}>${s}</option>`,
                )}
              </select></label
            >
            <button type="submit">${t(ctx.locale, 'search')}</button>
          </form>
          ${listTable(ctx.locale, t(ctx.locale, 'followUps'), columns, page, more)}`,
      ),
    );
  }

  @Post('follow-ups/:id/complete')
  @Allow('follow-up:complete')
  async completeFollowUp(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const answer = await this.api.call(
      request.webUser!,
      'POST',
      `/api/v1/follow-ups/${id}/complete`,
      { ifMatch: Number(body.version) },
    );
    if (answer.status >= 400) throw new ApiError(answer as never);
    const back = str(request.headers.referer);
    redirect(
      request,
      reply,
      back.endsWith('/follow-ups') || back.includes('/follow-ups?') ? '/follow-ups' : '/',
    );
  }
}

import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { pageContext } from './account.pages';
import { pipelineChart, PipelineRow } from './kit/chart';
import { dateTime, day, money } from './kit/format';
import { Html, html } from './kit/html';
import { LEAD_STAGES, stageLabel, t } from './kit/i18n';
import { card, csrfField, layout, linkList, PageContext } from './kit/layout';
import { Column, listRows, listTable, searchForm, withCursor } from './kit/list';
import { redirect, sendPage } from './kit/respond';
import { ApiError, WebApi } from './kit/web-api';
import { WebPages, WebRequest, WebUser } from './kit/session';
import {
  CompanyView,
  ContactView,
  FollowUpView,
  InteractionView,
  LeadView,
  Page,
  PartnerView,
  TimelineItemView,
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

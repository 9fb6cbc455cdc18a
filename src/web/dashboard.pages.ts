import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can, isAgency } from '../auth/permissions';
import { doneButton, FollowUp, isOverdue, overdueBadge } from './follow-ups.pages';
import { appointmentsOf, Interaction, whenText } from './interactions.pages';
import { CHART_COMPANIES, pipelineChart, PipelineRow } from './kit/chart';
import { day, money, number } from './kit/format';
import { Html, html } from './kit/html';
import { dictionary, label, LEAD_STAGES, t } from './kit/i18n';
import { card, layout, titledPage, linkList, PageContext, pageContext } from './kit/layout';
import { sendPage } from './kit/respond';
import { WebApi } from './kit/web-api';
import { w } from './today.words';
import { WebPages, WebRequest, WebUser } from '../auth/browser-session';
import { CompanyView, LeadView, Page, TripView } from './kit/views';

const words = dictionary({
  openPipeline: ['Offene Pipeline', 'Open pipeline'],
  openPipelineTable: ['Offene Pipeline als Tabelle', 'Open pipeline as a table'],
  openLeads: ['offene Leads', 'open leads'],
  count: ['Anzahl', 'Count'],
  otherCompanies: ['Weitere Unternehmen zusammen: {value}', 'Other companies together: {value}'],
});

/** The stages still in play: the open pipeline leaves out won and lost. */
const OPEN_STAGES = LEAD_STAGES.filter((s) => s !== 'won' && s !== 'lost');

/** The trips, and the way to the day on the trip (the phone's page, `/today`). */
const tripList = (ctx: PageContext, trips: TripView[]): Html =>
  html`${linkList(
    ctx,
    trips,
    (trip) =>
      html`<a href="/trips/${trip.id}">${trip.title}</a>
        <span class="muted">${day(trip.startsOn, ctx.locale)} – ${day(trip.endsOn, ctx.locale)}</span>
        <span class="badge">${label(ctx.locale, 'tripStatus', trip.status)}</span>`,
  )}
  <p><a class="button" href="/today" id="today-link">${w(ctx.locale, 'todayTitle')}</a></p>`;

/** Open follow-ups, the overdue first, each a link, with "mark done" for who may. */
function followUpList(ctx: PageContext, items: FollowUp[]): Html {
  const ordered = [...items.filter(isOverdue), ...items.filter((f) => !isOverdue(f))];
  return linkList(
    ctx,
    ordered,
    (f) =>
      html`<a href="/follow-ups/${f.id}">${f.title}</a>${overdueBadge(ctx, f)}
        ${f.dueOn ? html`<span class="muted">${t(ctx.locale, 'due')} ${day(f.dueOn, ctx.locale)}</span>` : ''}
        ${doneButton(ctx, f, '/')}`,
  );
}

/**
 * The pipeline's totals per stage (`totals`, the API's `by=stage`) and its chart of the
 * companies with the most open value (`chart`, the API's `top=`): thousands of companies are
 * summed by the database, not drawn.
 */
function pipeline(ctx: PageContext, totals: PipelineRow[], chart: PipelineRow[]): Html {
  const l = ctx.locale;
  const open = totals.filter((r) => OPEN_STAGES.includes(r.stage));
  const sum = (list: PipelineRow[]) => list.reduce((s, r) => s + r.valueEur, 0);
  const count = (list: PipelineRow[]) => list.reduce((s, r) => s + r.count, 0);
  const closed = ['won', 'lost'].map((stage) => {
    const of = totals.filter((r) => r.stage === stage);
    return `${label(l, 'stage', stage)}: ${number(count(of), l)} (${money(sum(of), l)})`;
  });
  const others = sum(open) - sum(chart.filter((r) => OPEN_STAGES.includes(r.stage)));
  return html`<p id="pipeline-total">
      <strong>${words(l, 'openPipeline')}: ${money(sum(open), l)}</strong>
      <span class="muted">(${number(count(open), l)} ${words(l, 'openLeads')})</span>
    </p>
    ${pipelineChart(
      chart,
      OPEN_STAGES,
      (s) => label(l, 'stage', s),
      (v) => money(v, l),
      words(l, 'openPipelineTable'),
      {
        company: t(l, 'company'),
        stage: t(l, 'stage'),
        count: words(l, 'count'),
        value: t(l, 'valueEur'),
      },
    )}
    ${
      others > 0
        ? html`<p class="muted" id="pipeline-others">${words(l, 'otherCompanies').replace('{value}', money(others, l))}</p>`
        : ''
    }
    <p class="muted">${closed.join(' · ')}</p>`;
}

/** The start page: the agency's dashboard, or a company user's portal. */
@ApiExcludeController()
@WebPages()
@Controller()
export class DashboardPages {
  constructor(private readonly api: WebApi) {}

  @Get()
  @Allow('account:self')
  async home(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    sendPage(
      reply,
      !isAgency(user) ? await this.portal(ctx, user) : await this.dashboard(ctx, user),
    );
  }

  private async dashboard(ctx: PageContext, user: WebUser): Promise<Html> {
    const l = ctx.locale;
    const recent = async () => {
      if (!can(user.role, 'interaction:read'))
        return { items: [] as Interaction[], appointments: new Map() };
      const page = await this.api.get<Page<Interaction>>(
        user,
        '/api/v1/interactions?limit=8&sort=-occurredAt',
      );
      return { items: page.items, appointments: await appointmentsOf(this.api, user, page.items) };
    };
    const [followUps, interactions, trips, totals, chart] = await Promise.all([
      this.api.get<Page<FollowUp>>(
        user,
        '/api/v1/follow-ups?assigneeId=me&status=open&sort=dueOn&limit=20',
      ),
      recent(),
      this.api.get<Page<TripView>>(user, '/api/v1/trips?limit=5&sort=-startsOn'),
      this.api.get<{ items: PipelineRow[] }>(user, '/api/v1/leads/pipeline?by=stage'),
      this.api.get<{ items: PipelineRow[] }>(user, `/api/v1/leads/pipeline?top=${CHART_COMPANIES}`),
    ]);
    return titledPage(
      ctx,
      t(l, 'dashboard'),
      html`
        <div class="grid">
          ${card('followups', t(l, 'myOpenFollowUps'), followUpList(ctx, followUps.items))}
          ${
            can(user.role, 'interaction:read')
              ? card(
                  'interactions',
                  t(l, 'recentInteractions'),
                  linkList(
                    ctx,
                    interactions.items,
                    (i) =>
                      html`<a href="/interactions/${i.id}">${i.subject}</a>
                        <span class="muted">${whenText(ctx, i, interactions.appointments)}</span>`,
                  ),
                )
              : ''
          }
          ${card('trips', t(l, 'recentTrips'), tripList(ctx, trips.items))}
        </div>
        ${card('pipeline', t(l, 'pipeline'), pipeline(ctx, totals.items, chart.items))}`,
    );
  }

  private async portal(ctx: PageContext, user: WebUser): Promise<Html> {
    const l = ctx.locale;
    const [leads, followUps, trips, companies] = await Promise.all([
      this.api.get<Page<LeadView>>(user, '/api/v1/leads?limit=50'),
      this.api.get<Page<FollowUp>>(user, '/api/v1/follow-ups?status=open&sort=dueOn&limit=50'),
      this.api.get<Page<TripView>>(user, '/api/v1/trips?limit=20'),
      this.api.get<Page<CompanyView>>(user, '/api/v1/companies?limit=1'),
    ]);
    const company = companies.items[0];
    return layout(
      ctx,
      t(l, 'portal'),
      html`<h1>${t(l, 'portal')}${company ? html`: ${company.name}` : ''}</h1>
        <div class="grid">
          ${card(
            'leads',
            t(l, 'leads'),
            linkList(
              ctx,
              leads.items,
              (lead) =>
                html`<a href="/leads/${lead.id}">${lead.title}</a>
                  <span class="badge">${label(l, 'stage', lead.stage)}</span>`,
            ),
          )}
          ${card('followups', t(l, 'followUps'), followUpList(ctx, followUps.items))}
          ${card('trips', t(l, 'trips'), tripList(ctx, trips.items))}
        </div>`,
    );
  }
}

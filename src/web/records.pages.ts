import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { pageContext } from './account.pages';
import { contactName } from './crm.pages';
import { dateTime, day, localDay, money, time, weekday } from './kit/format';
import { Html, html } from './kit/html';
import { stageLabel, t } from './kit/i18n';
import { csrfField, editLink, errorSummary, field, layout, PageContext } from './kit/layout';
import { Column, listRows, listTable, searchForm, withCursor } from './kit/list';
import { redirect, sendPage } from './kit/respond';
import { ApiError, ApiProblem, fieldErrors, WebApi } from './kit/web-api';
import { WebPages, WebRequest } from './kit/session';
import {
  AgreementView,
  AppointmentView,
  CompanyView,
  ContactView,
  FollowUpView,
  InteractionView,
  Page,
  ParticipantView,
  TripView,
} from './kit/views';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const query = (params: Record<string, string | undefined>) => {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) out.set(k, v);
  return out.toString();
};

interface CostsView {
  participants: number;
  byBearer: {
    self: { count: number; totalEur: number };
    agency: { count: number; totalEur: number };
  };
  agencyTotalEur: number;
  selfTotalEur: number;
  lines: {
    participantId: string;
    name: string;
    function: string | null;
    costBearer: string;
    estimatedCostEur: number | null;
  }[];
}

interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: string;
  companyId: string | null;
  active: boolean;
  version: number;
}

/** Lists and detail pages of the remaining records, all on the API. */
@ApiExcludeController()
@WebPages()
@Controller()
export class RecordPages {
  constructor(private readonly api: WebApi) {}

  private async list<T>(
    request: WebRequest,
    reply: FastifyReply,
    options: {
      path: string;
      api: string;
      title: string;
      columns: (ctx: PageContext) => Column<T>[];
      search?: boolean;
      q: Record<string, string>;
    },
  ): Promise<void> {
    const ctx = pageContext(request);
    const params = {
      q: options.search ? str(options.q.q) || undefined : undefined,
      cursor: str(options.q.cursor) || undefined,
    };
    const page = await this.api.get<Page<T>>(
      ctx.user!,
      `${options.api}?${query({ ...params, limit: '25' })}`,
    );
    const columns = options.columns(ctx);
    const more = withCursor(options.path, { q: params.q });
    if (options.q.fragment === 'rows')
      return sendPage(reply, listRows(ctx.locale, columns, page, more));
    sendPage(
      reply,
      layout(
        ctx,
        options.title,
        html`<h1>${options.title}</h1>
          ${options.search ? searchForm(ctx.locale, options.path, params.q) : ''}${listTable(ctx.locale, options.title, columns, page, more)}`,
      ),
    );
  }

  private facts(rows: [string, Html | string | number | null | undefined][]): Html {
    return html`<dl class="facts">
      ${rows.map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd>${v ?? ''}</dd>`,
      )}
    </dl>`;
  }

  // ---------------------------------------------------------------- interactions, follow-ups, agreements

  @Get('interactions')
  @Allow('interaction:read')
  interactions(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query() q: Record<string, string>,
  ): Promise<void> {
    return this.list<InteractionView>(request, reply, {
      path: '/interactions',
      api: '/api/v1/interactions',
      title: t(pageContext(request).locale, 'interactions'),
      search: true,
      q,
      columns: (ctx) => [
        { header: t(ctx.locale, 'when'), cell: (i) => dateTime(i.occurredAt, ctx.locale) },
        {
          header: t(ctx.locale, 'subject'),
          cell: (i) =>
            html`<a href="/interactions/${i.id}">${i.subject}</a
              >${i.confidential ? html` <span class="badge">${t(ctx.locale, 'confidential')}</span>` : ''}`,
        },
        { header: t(ctx.locale, 'kind'), cell: (i) => i.kind },
        { header: t(ctx.locale, 'where'), cell: (i) => i.location },
      ],
    });
  }

  @Get('interactions/:id')
  @Allow('interaction:read')
  async interaction(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const i = await this.api.get<InteractionView>(user, `/api/v1/interactions/${id}`);
    const contacts = await Promise.all(
      i.contactIds.map((cid) =>
        this.api
          .call<ContactView>(user, 'GET', `/api/v1/contacts/${cid}`)
          .then((a) => (a.status === 200 ? a.body : undefined)),
      ),
    );
    sendPage(
      reply,
      layout(
        ctx,
        i.subject,
        html`<h1>${i.subject}</h1>
          ${this.facts([
            [t(ctx.locale, 'when'), dateTime(i.occurredAt, ctx.locale)],
            [t(ctx.locale, 'kind'), i.kind],
            [t(ctx.locale, 'where'), i.location],
            [
              t(ctx.locale, 'contacts'),
              html`${contacts.filter(Boolean).map((c) => html`<a href="/contacts/${c!.id}">${contactName(c!)}</a> `)}`,
            ],
            [
              t(ctx.locale, 'trip'),
              i.tripId ? html`<a href="/trips/${i.tripId}">${t(ctx.locale, 'trip')}</a>` : '',
            ],
            [t(ctx.locale, 'confidential'), i.confidential ? '✓' : ''],
          ])}
          <h2>${t(ctx.locale, 'summary')}</h2>
          <p>${i.summary ?? ''}</p>`,
      ),
    );
  }

  @Get('follow-ups/:id')
  @Allow('follow-up:read')
  async followUp(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const f = await this.api.get<FollowUpView>(ctx.user!, `/api/v1/follow-ups/${id}`);
    sendPage(
      reply,
      layout(
        ctx,
        f.title,
        html`<h1>${f.title}</h1>${editLink(ctx, 'follow-up:write', `/follow-ups/${f.id}/edit`)}
          ${this.facts([
            [t(ctx.locale, 'dueOn'), day(f.dueOn, ctx.locale)],
            [t(ctx.locale, 'status'), f.status],
            [t(ctx.locale, 'priority'), f.priority],
            [
              t(ctx.locale, 'contact'),
              f.contactId
                ? html`<a href="/contacts/${f.contactId}">${t(ctx.locale, 'contact')}</a>`
                : '',
            ],
            [t(ctx.locale, 'leads'), f.leadId ? html`<a href="/leads/${f.leadId}">Lead</a>` : ''],
            [t(ctx.locale, 'notes'), f.notes],
          ])}
          ${
            can(ctx.user!.role, 'follow-up:complete') && f.status === 'open'
              ? html`<form method="post" action="/follow-ups/${f.id}/complete">
                  ${csrfField(ctx)}<input
                    type="hidden"
                    name="version"
                    value="${f.version}"
                  /><button type="submit">${t(ctx.locale, 'markDone')}</button>
                </form>`
              : ''
          }`,
      ),
    );
  }

  @Get('agreements')
  @Allow('agreement:read')
  agreements(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query() q: Record<string, string>,
  ): Promise<void> {
    return this.list<AgreementView>(request, reply, {
      path: '/agreements',
      api: '/api/v1/agreements',
      title: t(pageContext(request).locale, 'agreements'),
      search: true,
      q,
      columns: (ctx) => [
        { header: t(ctx.locale, 'title'), cell: (a) => a.title },
        { header: t(ctx.locale, 'kind'), cell: (a) => a.kind },
        { header: t(ctx.locale, 'status'), cell: (a) => a.status },
        { header: 'Unterzeichnet / Signed', cell: (a) => day(a.signedOn, ctx.locale) },
        {
          header: t(ctx.locale, 'partner'),
          cell: (a) => html`<a href="/partners/${a.partnerId}">${t(ctx.locale, 'partner')}</a>`,
        },
      ],
    });
  }

  // ---------------------------------------------------------------- trips

  @Get('trips')
  @Allow('trip:read')
  trips(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query() q: Record<string, string>,
  ): Promise<void> {
    return this.list<TripView>(request, reply, {
      path: '/trips',
      api: '/api/v1/trips',
      title: t(pageContext(request).locale, 'trips'),
      q,
      columns: (ctx) => [
        {
          header: t(ctx.locale, 'trip'),
          cell: (trip) => html`<a href="/trips/${trip.id}">${trip.title}</a>`,
        },
        { header: t(ctx.locale, 'from'), cell: (trip) => day(trip.startsOn, ctx.locale) },
        { header: t(ctx.locale, 'to'), cell: (trip) => day(trip.endsOn, ctx.locale) },
        { header: t(ctx.locale, 'status'), cell: (trip) => trip.status },
      ],
    });
  }

  @Get('trips/:id')
  @Allow('trip:read')
  async trip(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const [trip, appointments, participants, costs] = await Promise.all([
      this.api.get<
        TripView & {
          produced?: {
            interactions?: number;
            agreements?: number;
            leads?: { total?: number; byStage?: Record<string, number> };
          };
        }
      >(user, `/api/v1/trips/${id}`),
      this.api.get<Page<AppointmentView>>(user, `/api/v1/trips/${id}/appointments?limit=200`),
      this.api.get<Page<ParticipantView>>(user, `/api/v1/trips/${id}/participants?limit=200`),
      can(user.role, 'trip-cost:read')
        ? this.api
            .call<CostsView>(user, 'GET', `/api/v1/trips/${id}/costs`)
            .then((a) => (a.status === 200 ? a.body : undefined))
        : Promise.resolve(undefined),
    ]);
    const days = new Map<string, AppointmentView[]>();
    for (const a of appointments.items) {
      const key = localDay(a.startsAt, a.timeZone);
      days.set(key, [...(days.get(key) ?? []), a]);
    }
    const produced = trip.produced;
    sendPage(
      reply,
      layout(
        ctx,
        trip.title,
        html`<h1>${trip.title}</h1>
          <p>
            ${day(trip.startsOn, ctx.locale)} – ${day(trip.endsOn, ctx.locale)} ·
            ${trip.destinations.map((d) => `${d.city} (${d.country})`).join(', ')} ·
            <span class="badge">${trip.status}</span>
          </p>
          <p>${trip.purpose ?? ''}</p>
          <p>
            <a class="button" href="/trips/${id}/itinerary.ics" download
              >${t(ctx.locale, 'downloadIcs')}</a
            >
          </p>
          <h2>${t(ctx.locale, 'itinerary')}</h2>
          ${[...days.entries()].map(
            ([date, items]) =>
              html`<section class="day card" aria-label="${weekday(date, ctx.locale)}">
                <h3>${weekday(date, ctx.locale)}</h3>
                <ul>
                  ${items.map(
                    (a) =>
                      html`<li>
                        <strong
                          >${time(a.startsAt, ctx.locale, a.timeZone)}–${time(a.endsAt, ctx.locale, a.timeZone)}</strong
                        >
                        <span class="muted"
                          >(${a.timeZone}; ${t(ctx.locale, 'berlinTime')}
                          ${time(a.startsAt, ctx.locale)}–${time(a.endsAt, ctx.locale)})</span
                        >
                        ${a.title}${a.city ? html` · ${a.city}` : ''}${a.venue ? html` · ${a.venue}` : ''}${a.restricted ? html` <span class="badge">${t(ctx.locale, 'restricted')}</span>` : ''}
                      </li>`,
                  )}
                </ul>
              </section>`,
          )}
          <h2>${t(ctx.locale, 'delegates')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">${t(ctx.locale, 'position')}</th>
                <th scope="col">${t(ctx.locale, 'costBearer')}</th>
              </tr>
            </thead>
            <tbody>
              ${participants.items.map(
                (p) =>
                  html`<tr>
                    <td>${p.name}</td>
                    <td>${p.function ?? ''}</td>
                    <td>
                      ${p.costBearer === 'agency' ? t(ctx.locale, 'bearerAgency') : p.costBearer === 'self' ? t(ctx.locale, 'bearerSelf') : ''}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${
            costs
              ? html`<h2>${t(ctx.locale, 'costs')}</h2>
                  ${this.facts([
                    [
                      t(ctx.locale, 'bearerAgency'),
                      `${costs.byBearer.agency.count} · ${money(costs.agencyTotalEur, ctx.locale)}`,
                    ],
                    [
                      t(ctx.locale, 'bearerSelf'),
                      `${costs.byBearer.self.count} · ${money(costs.selfTotalEur, ctx.locale)}`,
                    ],
                  ])}`
              : ''
          }
          ${
            produced
              ? html`<h2>${t(ctx.locale, 'produced')}</h2>
                  ${this.facts([
                    [t(ctx.locale, 'interactions'), produced.interactions],
                    [
                      t(ctx.locale, 'leads'),
                      produced.leads
                        ? html`${produced.leads.total ?? ''}
                          ${Object.entries(produced.leads.byStage ?? {}).map(([s, n]) => html`<span class="badge">${stageLabel(ctx.locale, s)}: ${n}</span> `)}`
                        : '',
                    ],
                    [t(ctx.locale, 'agreements'), produced.agreements],
                  ])}`
              : ''
          }`,
      ),
    );
  }

  /** The itinerary download for a browser session (the API route wants a bearer token). */
  @Get('trips/:id/itinerary.ics')
  @Allow('trip:read')
  async ics(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const answer = await this.api.call<string>(
      request.webUser!,
      'GET',
      `/api/v1/trips/${id}/itinerary.ics`,
    );
    if (answer.status !== 200) throw new ApiError(answer as never);
    void reply
      .type('text/calendar; charset=utf-8')
      .header(
        'Content-Disposition',
        String(answer.headers['content-disposition'] ?? 'attachment; filename="itinerary.ics"'),
      )
      .send(answer.body);
  }

  // ---------------------------------------------------------------- users (admin)

  @Get('users')
  @Allow('user:read')
  async users(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    sendPage(reply, await this.usersPage(pageContext(request), {}, {}));
  }

  private async usersPage(
    ctx: PageContext,
    values: Record<string, string>,
    errors: Record<string, string>,
  ): Promise<Html> {
    const user = ctx.user!;
    const [users, companies] = await Promise.all([
      this.api.get<Page<UserView>>(user, '/api/v1/users?limit=200'),
      this.api.get<Page<CompanyView>>(user, '/api/v1/companies?limit=200'),
    ]);
    return layout(
      ctx,
      t(ctx.locale, 'users'),
      html`<h1>${t(ctx.locale, 'users')}</h1>
        <table>
          <thead>
            <tr>
              <th scope="col">${t(ctx.locale, 'displayName')}</th>
              <th scope="col">${t(ctx.locale, 'email')}</th>
              <th scope="col">${t(ctx.locale, 'role')}</th>
              <th scope="col">${t(ctx.locale, 'active')}</th>
            </tr>
          </thead>
          <tbody>
            ${users.items.map(
              (u) =>
                html`<tr>
                  <td>${u.displayName}</td>
                  <td>${u.email}</td>
                  <td>${u.role}</td>
                  <td>
                    ${
                      u.active
                        ? html`<form method="post" action="/users/${u.id}/deactivate">
                            ${csrfField(ctx)}<input
                              type="hidden"
                              name="version"
                              value="${u.version}"
                            /><button
                              type="submit"
                              aria-label="${t(ctx.locale, 'deactivate')}: ${u.email}"
                              ${u.id === user.userId ? html` disabled` : ''}
                            >
                              ✓ · deaktivieren
                            </button>
                          </form>`
                        : '–'
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>${t(ctx.locale, 'create')}</h2>
        ${errorSummary(ctx, errors)}
        <form method="post" action="/users" class="card">
          ${csrfField(ctx)}
          ${field(t(ctx.locale, 'email'), html`<input type="email" name="email" required value="${values.email ?? ''}" />`, errors.email)}
          ${field(t(ctx.locale, 'displayName'), html`<input name="displayName" required value="${values.displayName ?? ''}" />`, errors.displayName)}
          ${field(
            t(ctx.locale, 'role'),
            html`<select name="role">
              ${['staff', 'viewer', 'company', 'admin'].map((r) => html`<option${values.role === r ? html` selected` : ''}>${r}</option>`)}
            </select>`,
            errors.role,
          )}
          ${field(
            t(ctx.locale, 'company'),
            html`<select name="companyId">
              <option value="">${t(ctx.locale, 'none')}</option>
              ${companies.items.map((c) => html`<option value="${c.id}" ${values.companyId === c.id ? html` selected` : ''}>${c.name}</option>`)}
            </select>`,
            errors.companyId,
          )}
          ${field(t(ctx.locale, 'password'), html`<input type="password" name="password" autocomplete="new-password" minlength="12" required />`, errors.password)}
          <button class="primary" type="submit">${t(ctx.locale, 'create')}</button>
        </form>`,
    );
  }

  @Post('users')
  @Allow('user:create')
  async createUser(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const values = {
      email: str(body.email),
      displayName: str(body.displayName),
      role: str(body.role),
      companyId: str(body.companyId),
    };
    const answer = await this.api.call<ApiProblem>(ctx.user!, 'POST', '/api/v1/users', {
      body: { ...values, companyId: values.companyId || undefined, password: str(body.password) },
    });
    if (answer.status === 201) return redirect(request, reply, '/users');
    if (answer.status === 400 || answer.status === 409) {
      const errors =
        answer.status === 409 ? { email: answer.body.detail } : fieldErrors(answer.body);
      return sendPage(reply, await this.usersPage(ctx, values, errors), answer.status);
    }
    throw new ApiError(answer as never);
  }

  @Post('users/:id/deactivate')
  @Allow('user:update')
  async deactivate(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const answer = await this.api.call(request.webUser!, 'PATCH', `/api/v1/users/${id}`, {
      body: { active: false },
      ifMatch: Number(body.version),
    });
    if (answer.status !== 200) throw new ApiError(answer as never);
    redirect(request, reply, '/users');
  }
}

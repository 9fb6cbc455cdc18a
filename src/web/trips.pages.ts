import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import type { NamesDto } from '../common/names';
import { can, isAgency } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { FieldSpec, FormValues } from './kit/forms';
import { day, HOME_ZONE, money, weekday } from './kit/format';
import { Html, html } from './kit/html';
import { label, options, t } from './kit/i18n';
import { findMore, Labels, partnerChoices, recordChoices } from './kit/labels';
import { csrfField, facts, layout, PageContext, pageContext } from './kit/layout';
import { listPage } from './kit/lists';
import * as records from './kit/records';
import { WebRequest } from '../auth/browser-session';
import { keptOffline } from './offline.pages';
import { tripDays } from './today.view';
import { AppointmentView, Page, ParticipantView } from './kit/views';
import { ApiError, WebApi } from './kit/web-api';
import {
  clockSpan,
  costsBody,
  CostReport,
  defaultZone,
  Destination,
  destinationLines,
  destinationNames,
  parseDestinations,
  zoneChoices,
} from './trips.view';

type Rec = Record<string, unknown>;

export type Trip = Rec & {
  id: string;
  title: string;
  purpose: string | null;
  destinations: Destination[];
  startsOn: string;
  endsOn: string;
  status: string;
  version: number;
  deletedAt: string | null;
};

type TripDetail = Trip & {
  produced: {
    interactions: number | null;
    leads: { total: number; byStage: Record<string, number> };
    agreements: number | null;
  };
};

export type Participant = Rec &
  ParticipantView & {
    userId: string | null;
    version: number;
  };

/** An appointment on one clock, as the API gives it: `2019-10-21`, `14:00`. */
export interface LocalSpan {
  date: string;
  startTime: string;
  endDate: string;
  endTime: string;
}

export type Appointment = Rec &
  AppointmentView & {
    partnerId: string | null;
    companyId: string | null;
    attendeeIds: string[];
    notes: string | null;
    local: LocalSpan;
    home: LocalSpan;
    version: number;
  };

const tripFields = (ctx: PageContext): FieldSpec[] => {
  const l = ctx.locale;
  return [
    { name: 'title', label: t(l, 'title'), required: true, maxLength: 200 },
    { name: 'purpose', label: t(l, 'purpose'), type: 'textarea', maxLength: 10_000 },
    {
      name: 'destinations',
      label: t(l, 'destinations'),
      type: 'lines',
      hint: t(l, 'destinationsHint'),
      fromApi: (trip) => destinationLines(trip.destinations as Destination[] | undefined),
      toApi: (value) => parseDestinations(Array.isArray(value) ? value.join('\n') : value),
    },
    { name: 'startsOn', label: t(l, 'startsOn'), type: 'date', required: true },
    { name: 'endsOn', label: t(l, 'endsOn'), type: 'date', required: true },
    { name: 'status', label: t(l, 'status'), type: 'select', choices: options(l, 'tripStatus') },
  ];
};

const tripKind = (ctx: PageContext): records.RecordKind<Trip> => ({
  api: '/api/v1/trips',
  page: '/trips',
  write: 'trip:write',
  newTitle: t(ctx.locale, 'newTrip'),
  title: (trip) => trip.title,
  fields: () => tripFields(ctx),
  defaults: () => ({ status: 'planned' }),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `20.10.2019 – 24.10.2019 (5 Tage)` */
function period(ctx: PageContext, trip: Trip): string {
  const days =
    Math.round((Date.parse(trip.endsOn) - Date.parse(trip.startsOn)) / 86_400_000) + 1 || 0;
  const count =
    days > 0 ? ` (${days} ${days === 1 ? t(ctx.locale, 'day') : t(ctx.locale, 'days')})` : '';
  return `${day(trip.startsOn, ctx.locale)} – ${day(trip.endsOn, ctx.locale)}${count}`;
}

const statusBadge = (ctx: PageContext, status: string): Html =>
  html`<span class="badge trip-status status-${status}">${label(ctx.locale, 'tripStatus', status)}</span>`;

/** Trips: the list, each trip's page with its itinerary, delegates, costs and calendar. */
@ApiExcludeController()
@Controller('trips')
export class TripPages extends records.RecordRoutes(
  tripKind,
  'trip:write',
  'trip:read',
  'all',
  'trips',
) {
  @Get()
  @Allow('trip:read')
  list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    // Days the API would refuse are left out; a range typed backwards is turned round.
    for (const key of ['from', 'to'])
      if (ctx.query[key] && !DAY.test(ctx.query[key])) delete ctx.query[key];
    if (ctx.query.from && ctx.query.to && ctx.query.to < ctx.query.from)
      [ctx.query.from, ctx.query.to] = [ctx.query.to, ctx.query.from];
    return listPage<Trip>(this.api, ctx, reply, {
      ...records.listed(ctx, tripKind(ctx)),
      title: t(l, 'trips'),
      defaultSort: '-startsOn',
      filters: [
        {
          name: 'status',
          label: t(l, 'status'),
          type: 'select',
          choices: options(l, 'tripStatus'),
        },
        { name: 'from', label: t(l, 'fromDay'), type: 'date' },
        { name: 'to', label: t(l, 'toDay'), type: 'date' },
      ],
      columns: [
        {
          header: t(l, 'trip'),
          sort: 'title',
          primary: true,
          cell: (trip) => html`<a href="/trips/${trip.id}">${trip.title}</a>`,
        },
        { header: t(l, 'dates'), sort: 'startsOn', cell: (trip) => period(ctx, trip) },
        { header: t(l, 'destinations'), cell: (trip) => destinationNames(trip.destinations, l) },
        { header: t(l, 'status'), cell: (trip) => statusBadge(ctx, trip.status) },
      ],
    });
  }

  async recordPage(ctx: PageContext, id: string): Promise<Html> {
    const user = ctx.user!;
    const l = ctx.locale;
    // Names for the companies and partners shown, fetched as soon as the rows are there and in
    // the user's scope: a company user is only ever shown its own company's name.
    const labels = new Labels(this.api, user);
    const own = (ids: (string | null)[]) =>
      !isAgency(user) ? ids.filter((cid) => cid === user.companyId) : ids;
    const appointmentsP = this.api.get<Page<Appointment>>(
      user,
      `/api/v1/trips/${id}/appointments?limit=200`,
    );
    const participantsP = this.api.get<Page<Participant>>(
      user,
      `/api/v1/trips/${id}/participants?limit=200`,
    );
    // One call per kind: the companies of delegates and appointments together.
    const labelsP = Promise.all([appointmentsP, participantsP]).then(([a, p]) =>
      Promise.all([
        labels.load(
          'partners',
          a.items.map((x) => x.partnerId),
        ),
        labels.load('companies', own([...p.items, ...a.items].map((x) => x.companyId))),
      ]),
    );
    // The contacts met on the trip, kept with it to read offline (agency staff see contacts).
    const metP =
      isAgency(user) && can(user.role, 'interaction:read')
        ? this.api.get<NamesDto>(user, `/api/v1/trips/${id}/contacts?limit=200`)
        : Promise.resolve(undefined);
    const [trip, appointmentPage, participantPage, costs, , met] = await Promise.all([
      this.api.get<TripDetail>(user, `/api/v1/trips/${id}`),
      appointmentsP,
      participantsP,
      can(user.role, 'trip-cost:read')
        ? this.api.get<CostReport>(user, `/api/v1/trips/${id}/costs`)
        : Promise.resolve(undefined),
      labelsP,
      metP,
    ]);
    const appointments = [...appointmentPage.items].sort((a, b) =>
      a.startsAt.localeCompare(b.startsAt),
    );
    const participants = participantPage.items;
    const writer = can(user.role, 'trip:write');
    // Kept on the device with the page: the trip's days on the phone, each appointment's
    // people, the contacts met, the companies and partners named.
    const offline = [
      `/trips/${trip.id}`,
      ...tripDays(trip).map((d) => `/today?trip=${trip.id}&day=${d}`),
      ...appointments.map((a) => `/trips/${trip.id}/appointments/${a.id}/people`),
      ...(met?.items ?? []).map((contact) => `/contacts/${contact.id}`),
      ...[...participants, ...appointments].map((p) => p.companyId && `/companies/${p.companyId}`),
      ...appointments.map((a) => a.partnerId && `/partners/${a.partnerId}`),
    ].filter((path): path is string => !!path && (isAgency(user) || path.startsWith('/trips/')));
    const body = html`<div class="page-head trip-head">
        <h1>${trip.title}</h1>
        ${statusBadge(ctx, trip.status)}
      </div>
      ${records.recordActions(ctx, tripKind(ctx), trip)}
      ${facts([
        [t(l, 'dates'), period(ctx, trip)],
        [t(l, 'destinations'), destinationNames(trip.destinations, l)],
        [t(l, 'status'), label(l, 'tripStatus', trip.status)],
        [t(l, 'purpose'), trip.purpose],
      ])}
      <p class="actions">
        <a class="button" id="download-ics" href="/trips/${trip.id}/itinerary.ics" download
          >${t(l, 'downloadIcs')}</a
        >
        <span class="muted">${t(l, 'icsHint')}</span>
      </p>
      ${this.itinerary(ctx, trip, appointments, participants, labels, writer)}
      ${this.delegates(ctx, trip, participants, labels, writer)}
      ${
        costs
          ? html`<section aria-labelledby="h-costs" id="costs">
              <h2 id="h-costs">${!isAgency(user) ? t(l, 'ownDelegates') : t(l, 'costs')}</h2>
              ${costsBody(l, user.role, costs)}
            </section>`
          : ''
      }
      ${this.produced(ctx, trip)}
      ${keptOffline(ctx, offline)}`;
    return layout(ctx, trip.title, body);
  }

  private itinerary(
    ctx: PageContext,
    trip: Trip,
    appointments: Appointment[],
    participants: Participant[],
    labels: Labels,
    writer: boolean,
  ): Html {
    const l = ctx.locale;
    const names = new Map(participants.map((p) => [p.id, p.name]));
    const days = new Map<string, Appointment[]>();
    for (const a of appointments) days.set(a.local.date, [...(days.get(a.local.date) ?? []), a]);
    const lastZone = appointments.at(-1)?.timeZone;
    // The API gives each appointment on both clocks, where it happens and at home.
    const span = (clock: LocalSpan) => clockSpan(l, clock);
    const item = (a: Appointment, date: string) => {
      const berlinDay = a.home.date;
      const partner = labels.get(a.partnerId);
      const company = labels.get(a.companyId);
      const attendees = a.attendeeIds.map((pid) => names.get(pid)).filter(Boolean) as string[];
      const where = [a.venue, a.city].filter(Boolean).join(', ');
      return html`<li class="appointment" id="appointment-${a.id}">
        <p class="when">
          <strong class="local-time">${span(a.local)}</strong>
          <span class="zone">${a.timeZone}</span>
          ${
            a.timeZone !== HOME_ZONE
              ? html`<span class="berlin"
                  >· ${t(l, 'berlin')}
                  ${berlinDay !== date ? `${day(berlinDay, l)}, ` : ''}${span(a.home)}</span
                >`
              : ''
          }
        </p>
        <p class="what">
          <strong>${a.title}</strong>
          <span class="badge">${label(l, 'appointmentKind', a.kind)}</span>
          ${a.restricted ? html`<span class="badge warn restricted">${t(l, 'restricted')}</span>` : ''}
        </p>
        ${where ? html`<p class="where">${where}</p>` : ''}
        ${
          partner || company
            ? html`<p class="with">
                ${partner ? html`${t(l, 'partner')}: <a href="/partners/${a.partnerId}">${partner}</a>` : ''}
                ${partner && company ? ' · ' : ''}
                ${company ? html`${t(l, 'company')}: <a href="/companies/${a.companyId}">${company}</a>` : ''}
              </p>`
            : ''
        }
        ${attendees.length ? html`<p class="attendees"><span class="muted">${t(l, 'attendees')}:</span> ${attendees.join(', ')}</p>` : ''}
        ${a.notes ? html`<p class="notes muted">${a.notes}</p>` : ''}
        ${
          writer
            ? html`<div class="actions">
                <a class="button" href="/trips/${trip.id}/appointments/${a.id}/edit" id="edit-appointment-${a.id}"
                  >${t(l, 'edit')}<span class="visually-hidden">: ${a.title}</span></a
                >
                <form method="post" action="/trips/${trip.id}/appointments/${a.id}/delete" class="inline" data-confirm="${t(l, 'removeAppointmentConfirm')}">
                  ${csrfField(ctx)}<input type="hidden" name="version" value="${a.version}" />
                  <button type="submit" class="danger" id="delete-appointment-${a.id}">
                    ${t(l, 'delete')}<span class="visually-hidden">: ${a.title}</span>
                  </button>
                </form>
              </div>`
            : ''
        }
      </li>`;
    };
    const newLink = `/trips/${trip.id}/appointments/new${lastZone ? `?timeZone=${encodeURIComponent(lastZone)}` : ''}`;
    return html`<section aria-labelledby="h-itinerary" id="itinerary">
      <div class="section-head">
        <h2 id="h-itinerary">${t(l, 'itinerary')}</h2>
        ${writer ? html`<a class="button" href="${newLink}" id="new-appointment">${t(l, 'newAppointment')}</a>` : ''}
      </div>
      ${
        days.size === 0
          ? html`<p class="empty muted">${t(l, 'noAppointments')}</p>`
          : [...days.entries()]
              .sort(([x], [y]) => x.localeCompare(y))
              .map(
                ([date, items]) =>
                  html`<section class="day card" aria-labelledby="day-${date}">
                    <h3 id="day-${date}">${weekday(date, l)}</h3>
                    <ol class="agenda">
                      ${items.map((a) => item(a, date))}
                    </ol>
                  </section>`,
              )
      }
    </section>`;
  }

  private delegates(
    ctx: PageContext,
    trip: Trip,
    participants: Participant[],
    labels: Labels,
    writer: boolean,
  ): Html {
    const l = ctx.locale;
    const costs = can(ctx.user!.role, 'trip-cost:read');
    return html`<section aria-labelledby="h-delegates" id="delegates">
      <div class="section-head">
        <h2 id="h-delegates">${t(l, 'delegates')} <span class="muted">(${participants.length})</span></h2>
        ${writer ? html`<a class="button" href="/trips/${trip.id}/participants/new" id="new-participant">${t(l, 'newParticipant')}</a>` : ''}
      </div>
      ${
        participants.length === 0
          ? html`<p class="empty muted">${t(l, 'noDelegates')}</p>`
          : html`<div class="table-wrap">
              <table class="list delegates" id="delegate-list">
                <caption class="visually-hidden">${t(l, 'delegates')}</caption>
                <thead>
                  <tr>
                    <th scope="col">${t(l, 'name')}</th>
                    <th scope="col">${t(l, 'participantFunction')}</th>
                    <th scope="col">${t(l, 'company')}</th>
                    ${costs ? html`<th scope="col">${t(l, 'costBearer')}</th><th scope="col">${t(l, 'estimatedCost')}</th>` : ''}
                    ${writer ? html`<th scope="col"><span class="visually-hidden">${t(l, 'actions')}</span></th>` : ''}
                  </tr>
                </thead>
                <tbody>
                  ${participants.map((p) => {
                    const company = labels.get(p.companyId);
                    // Only those who change delegates need their ids (an anchor, the test hooks).
                    return html`<tr${writer ? html` id="participant-${p.id}"` : ''}>
                      <td class="primary" data-label="${t(l, 'name')}">${p.name}</td>
                      <td data-label="${t(l, 'participantFunction')}">${p.function ?? ''}</td>
                      <td data-label="${t(l, 'company')}">${company ? html`<a href="/companies/${p.companyId}">${company}</a>` : ''}</td>
                      ${
                        costs
                          ? html`<td data-label="${t(l, 'costBearer')}">${label(l, 'costBearer', p.costBearer)}</td>
                              <td data-label="${t(l, 'estimatedCost')}">${money(p.estimatedCostEur, l)}</td>`
                          : ''
                      }
                      ${
                        writer
                          ? html`<td class="row-actions">
                              <a class="button" href="/trips/${trip.id}/participants/${p.id}/edit" id="edit-participant-${p.id}"
                                >${t(l, 'edit')}<span class="visually-hidden">: ${p.name}</span></a
                              >
                              <form method="post" action="/trips/${trip.id}/participants/${p.id}/delete" class="inline" data-confirm="${t(l, 'removeDelegateConfirm')}">
                                ${csrfField(ctx)}<input type="hidden" name="version" value="${p.version}" />
                                <button type="submit" class="danger" id="delete-participant-${p.id}">
                                  ${t(l, 'remove')}<span class="visually-hidden">: ${p.name}</span>
                                </button>
                              </form>
                            </td>`
                          : ''
                      }
                    </tr>`;
                  })}
                </tbody>
              </table>
            </div>`
      }
    </section>`;
  }

  private produced(ctx: PageContext, trip: TripDetail): Html {
    const l = ctx.locale;
    const p = trip.produced;
    if (!p) return html``;
    const stages = Object.entries(p.leads.byStage ?? {}).filter(([, n]) => n > 0);
    const rows: [string, Html | string | number | null][] = [];
    if (p.interactions !== null) rows.push([t(l, 'interactions'), p.interactions]);
    rows.push([
      t(l, 'producedLeads'),
      html`${p.leads.total}${
        stages.length
          ? html` <span class="stages">${stages.map(([stage, n]) => html`<span class="badge">${label(l, 'stage', stage)}: ${n}</span> `)}</span>`
          : ''
      }`,
    ]);
    if (p.agreements !== null) rows.push([t(l, 'agreements'), p.agreements]);
    return html`<section aria-labelledby="h-produced" id="produced">
      <h2 id="h-produced">${t(l, 'produced')}</h2>
      ${facts(rows)}
    </section>`;
  }

  /** The itinerary download for a browser session (the API route wants a bearer token). */
  @Get(':id/itinerary.ics')
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
    if (answer.status !== 200 || typeof answer.body !== 'string')
      throw new ApiError(answer as never);
    const disposition = String(answer.headers['content-disposition'] ?? '');
    void reply
      .code(200)
      .header('Content-Type', 'text/calendar; charset=utf-8')
      .header(
        'Content-Disposition',
        /^attachment;/.test(disposition) ? disposition : 'attachment; filename="itinerary.ics"',
      )
      .send(answer.body);
  }
}

// ---------------------------------------------------------------- delegates

/** The delegates of one trip as a nested record kind; the trip is read first (404 if unseen). */
async function participantKind(
  api: WebApi,
  ctx: PageContext,
  tripId: string,
): Promise<records.RecordKind<Participant>> {
  const l = ctx.locale;
  const trip = await api.get<Trip>(ctx.user!, `/api/v1/trips/${tripId}`);
  return {
    api: `/api/v1/trips/${tripId}/participants`,
    page: `/trips/${tripId}/participants`,
    listPage: `/trips/${tripId}`,
    createdAt: () => `/trips/${tripId}`,
    restorable: false,
    write: 'trip:write',
    newTitle: `${t(l, 'newParticipant')}: ${trip.title}`,
    title: (p) => p.name,
    fields: async (_ctx, record): Promise<FieldSpec[]> => {
      const [companies, directory] = await Promise.all([
        recordChoices(api, ctx.user!, 'companies', [record?.companyId]),
        api.get<Page<{ id: string; displayName: string }>>(
          ctx.user!,
          '/api/v1/users/directory?limit=200',
        ),
      ]);
      const logins = directory.items.map((u) => ({ value: u.id, label: u.displayName }));
      // A login the directory does not list (a company's) stays as it is unless changed.
      if (record?.userId && !logins.some((u) => u.value === record.userId))
        logins.unshift({ value: record.userId, label: t(l, 'currentLogin') });
      return [
        { name: 'name', label: t(l, 'name'), required: true, maxLength: 200 },
        { name: 'function', label: t(l, 'participantFunction'), maxLength: 200 },
        {
          name: 'companyId',
          label: t(l, 'company'),
          type: 'select',
          blank: t(l, 'noCompany'),
          choices: companies,
          find: findMore(l, 'companies', companies.more),
        },
        {
          name: 'userId',
          label: t(l, 'login'),
          type: 'select',
          blank: t(l, 'none'),
          choices: logins,
          hint: t(l, 'loginHint'),
        },
        {
          name: 'costBearer',
          label: t(l, 'costBearer'),
          type: 'select',
          choices: options(l, 'costBearer'),
        },
        { name: 'estimatedCostEur', label: t(l, 'estimatedCost'), type: 'number' },
      ];
    },
    defaults: () => ({ costBearer: 'self' }),
  };
}

/** A trip's delegates: added, changed and removed on the trip's page. */
@ApiExcludeController()
@Controller('trips')
export class TripParticipantPages extends records.NestedRecordRoutes({
  parent: 'trips',
  segment: 'participants',
  param: 'pid',
  anchor: 'participant',
  kindOf: participantKind,
  read: 'trip:read',
  write: 'trip:write',
}) {}

// ---------------------------------------------------------------- appointments

/**
 * The appointments of one trip as a nested record kind. Start and end are typed in the wall
 * time of the appointment's own zone; the zones offered first are the destinations'.
 */
async function appointmentKind(
  api: WebApi,
  ctx: PageContext,
  tripId: string,
): Promise<records.RecordKind<Appointment>> {
  const l = ctx.locale;
  const user = ctx.user!;
  const trip = await api.get<Trip>(user, `/api/v1/trips/${tripId}`);
  return {
    api: `/api/v1/trips/${tripId}/appointments`,
    page: `/trips/${tripId}/appointments`,
    listPage: `/trips/${tripId}`,
    createdAt: () => `/trips/${tripId}`,
    restorable: false,
    write: 'trip:write',
    newTitle: `${t(l, 'newAppointment')}: ${trip.title}`,
    title: (a) => a.title,
    fields: async (_ctx, record): Promise<FieldSpec[]> => {
      const [participants, companies, partners] = await Promise.all([
        api.get<Page<Participant>>(user, `/api/v1/trips/${tripId}/participants?limit=200`),
        recordChoices(api, user, 'companies', [record?.companyId]),
        partnerChoices(api, user, [record?.partnerId]),
      ]);
      const current = record?.timeZone ?? defaultZone(trip.destinations, ctx.query.timeZone);
      return [
        { name: 'title', label: t(l, 'title'), required: true, maxLength: 300 },
        {
          name: 'kind',
          label: t(l, 'kind'),
          type: 'select',
          choices: options(l, 'appointmentKind'),
        },
        {
          name: 'timeZone',
          label: t(l, 'timeZone'),
          type: 'select',
          choices: zoneChoices(trip.destinations, l, current),
          hint: t(l, 'zoneHint'),
        },
        {
          name: 'startsAt',
          label: t(l, 'startsAt'),
          type: 'datetime',
          zoneField: 'timeZone',
          required: true,
          hint: t(l, 'wallTimeHint'),
        },
        {
          name: 'endsAt',
          label: t(l, 'endsAt'),
          type: 'datetime',
          zoneField: 'timeZone',
          required: true,
          hint: t(l, 'wallTimeHint'),
        },
        { name: 'city', label: t(l, 'city'), maxLength: 200 },
        { name: 'venue', label: t(l, 'venue'), maxLength: 300 },
        {
          name: 'partnerId',
          label: t(l, 'partner'),
          type: 'select',
          blank: t(l, 'none'),
          choices: partners,
          find: findMore(l, 'partners', partners.more),
        },
        {
          name: 'companyId',
          label: t(l, 'company'),
          type: 'select',
          blank: t(l, 'none'),
          choices: companies,
          find: findMore(l, 'companies', companies.more),
        },
        { name: 'restricted', label: t(l, 'restrictedField'), type: 'checkbox' },
        {
          name: 'attendeeIds',
          label: t(l, 'attendees'),
          type: 'multi',
          hint: t(l, 'attendeesHint'),
          choices: participants.items.map((p) => ({ value: p.id, label: p.name })),
        },
        { name: 'notes', label: t(l, 'notes'), type: 'textarea', maxLength: 10_000 },
      ];
    },
    defaults: (): FormValues => ({
      kind: 'meeting',
      timeZone: defaultZone(trip.destinations, ctx.query.timeZone),
      startsAt: `${trip.startsOn}T09:00`,
      endsAt: `${trip.startsOn}T10:00`,
    }),
  };
}

/** A trip's appointments: added, changed and removed in the trip's itinerary. */
@ApiExcludeController()
@Controller('trips')
export class TripAppointmentPages extends records.NestedRecordRoutes({
  parent: 'trips',
  segment: 'appointments',
  param: 'aid',
  anchor: 'appointment',
  kindOf: appointmentKind,
  read: 'trip:read',
  write: 'trip:write',
}) {}

import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { MAX_IDS } from '../common/dto';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can } from '../auth/permissions';
import { doneButton, FollowUp, overdueBadge } from './follow-ups.pages';
import { Choice, contactPicker, FieldSpec, FormValues } from './kit/forms';
import { bothClocks, dateTime, day, HOME_ZONE, isoToLocal, localToIso } from './kit/format';
import { Html, html } from './kit/html';
import { dictionary, label, options, t } from './kit/i18n';
import { findMore, Labels, partnerChoices, recordChoices, tripChoices } from './kit/labels';
import { facts, layout, linkList, PageContext, pageContext } from './kit/layout';
import { listPage } from './kit/lists';
import * as records from './kit/records';
import { sendPage } from './kit/respond';
import { WebApi } from './kit/web-api';
import { WebRequest, WebUser } from '../auth/browser-session';
import { AppointmentView, InteractionView, Page } from './kit/views';
import { isUuid } from '../common/ids';

/** An interaction (one entry of the contact log) as the API answers it. */
export interface Interaction extends InteractionView, Record<string, unknown> {
  appointmentId: string | null;
  authorId: string;
  version: number;
  deletedAt: string | null;
}

type Appointment = AppointmentView & { tripId: string };

const words = dictionary({
  confidentialOnly: ['Nur vertrauliche', 'Confidential only'],
  fromDay: ['Ab (Tag)', 'From (day)'],
  toDay: ['Bis einschließlich (Tag)', 'Up to and including (day)'],
  summaryHeading: ['Gesprächsinhalt', 'What was said'],
  appointmentHint: ['Termine der gewählten Reise', 'Appointments of the chosen trip'],
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const str = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const ids = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).filter(isUuid);

/** The instant a Berlin calendar day starts; `to` is the next day's start (the day included). */
const dayStart = (value: string, next = false): string | undefined => {
  if (!DAY.test(value)) return undefined;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + (next ? 1 : 0))).toISOString().slice(0, 10);
  return localToIso(`${date}T00:00`, HOME_ZONE);
};

/**
 * The appointments these interactions were logged at (one call per trip, for those only), so
 * each time can be shown in the zone of its appointment with Berlin beside it.
 */
export async function appointmentsOf(
  api: WebApi,
  user: WebUser,
  items: Pick<Interaction, 'tripId' | 'appointmentId'>[],
): Promise<Map<string, Appointment>> {
  const byTrip = new Map<string, Set<string>>();
  for (const i of items)
    if (i.appointmentId && i.tripId)
      byTrip.set(i.tripId, (byTrip.get(i.tripId) ?? new Set()).add(i.appointmentId));
  const out = new Map<string, Appointment>();
  await Promise.all(
    [...byTrip].map(async ([tripId, ids]) => {
      const answer = await api.call<Page<Appointment>>(
        user,
        'GET',
        `/api/v1/trips/${tripId}/appointments?ids=${[...ids].join(',')}&limit=${MAX_IDS}`,
      );
      if (answer.status === 200) for (const a of answer.body.items) out.set(a.id, a);
    }),
  );
  return out;
}

/** When it happened: in its appointment's zone (Berlin beside it when abroad), else in Berlin. */
export const whenText = (
  ctx: PageContext,
  i: Pick<Interaction, 'occurredAt' | 'appointmentId'>,
  appointments: Map<string, Appointment>,
): string =>
  bothClocks(
    i.occurredAt,
    ctx.locale,
    (i.appointmentId && appointments.get(i.appointmentId)?.timeZone) || HOME_ZONE,
  );

const confidentialBadge = (ctx: PageContext, i: Interaction): Html =>
  i.confidential
    ? html` <span class="badge warn confidential">${t(ctx.locale, 'confidential')}</span>`
    : html``;

/** The appointments of one trip as the options of a select. */
async function appointmentChoices(
  api: WebApi,
  ctx: PageContext,
  tripId: string,
): Promise<Choice[]> {
  if (!isUuid(tripId)) return [];
  const answer = await api.call<Page<Appointment>>(
    ctx.user!,
    'GET',
    `/api/v1/trips/${tripId}/appointments?limit=200`,
  );
  if (answer.status !== 200) return [];
  return answer.body.items.map((a) => ({
    value: a.id,
    label: `${dateTime(a.startsAt, ctx.locale, a.timeZone)} · ${a.title}`,
  }));
}

async function interactionFields(
  api: WebApi,
  ctx: PageContext,
  record: Interaction | undefined,
  posted: Record<string, unknown>,
): Promise<FieldSpec[]> {
  const user = ctx.user!;
  const l = ctx.locale;
  const tripId =
    'tripId' in posted
      ? str(posted.tripId)
      : record
        ? (record.tripId ?? '')
        : str(ctx.query.tripId);
  // The contacts offered: those linked, those picked on the form, the one from `?contactId=`.
  const contactIds = [
    ...new Set([
      ...(record?.contactIds ?? []),
      ...ids(posted.contactIds),
      ...(record ? [] : ids(ctx.query.contactId)),
    ]),
  ];
  const labels = new Labels(api, user);
  const [trips, companies, partners, appointments] = await Promise.all([
    tripChoices(api, user, l, [record?.tripId, tripId]),
    // The interaction's own companies and partners are offered however many there are: one not
    // among the first 200 by name would otherwise be dropped by the next save.
    recordChoices(api, user, 'companies', [
      ...(record?.companyIds ?? []),
      ...ids(posted.companyIds),
    ]),
    partnerChoices(api, user, [...(record?.partnerIds ?? []), ...ids(posted.partnerIds)]),
    appointmentChoices(api, ctx, tripId),
    labels.load('contacts', contactIds),
  ]);
  const none = t(l, 'none');
  return [
    { name: 'occurredAt', label: t(l, 'when'), type: 'datetime', required: true },
    { name: 'kind', label: t(l, 'kind'), type: 'select', choices: options(l, 'interactionKind') },
    { name: 'subject', label: t(l, 'subject'), required: true, maxLength: 300 },
    { name: 'location', label: t(l, 'location'), maxLength: 300 },
    { name: 'summary', label: t(l, 'summary'), type: 'textarea', maxLength: 20_000 },
    {
      name: 'tripId',
      label: t(l, 'trip'),
      type: 'select',
      blank: none,
      choices: trips,
      find: findMore(l, 'trips', trips.more),
    },
    {
      name: 'appointmentId',
      label: t(l, 'appointment'),
      type: 'select',
      blank: none,
      choices: appointments,
      hint: words(l, 'appointmentHint'),
    },
    {
      name: 'companyIds',
      label: t(l, 'companies'),
      type: 'multi',
      choices: companies,
      find: findMore(l, 'companies', companies.more),
    },
    {
      name: 'partnerIds',
      label: t(l, 'partners'),
      type: 'multi',
      choices: partners,
      find: findMore(l, 'partners', partners.more),
    },
    { name: 'confidential', label: t(l, 'confidential'), type: 'checkbox' },
    {
      name: 'contactIds',
      label: t(l, 'contacts'),
      type: 'multi',
      choices: contactIds.map((id) => ({ value: id, label: labels.get(id) || id })),
    },
  ];
}

/**
 * Under the form: the contact picker (a suggestion picked adds a checked box), and the select
 * of appointments refilled for the trip chosen.
 */
const formExtra = (ctx: PageContext): Html =>
  html`${contactPicker(ctx)}
    <ul id="picked-contacts" class="chips"></ul>
    <span
      hidden
      hx-get="/interactions/appointment-options"
      hx-trigger="change from:#f-tripId"
      hx-include="#f-tripId"
      hx-target="#f-appointmentId"
      hx-swap="innerHTML"
    ></span>`;

export const interactionKind = (
  api: WebApi,
  ctx: PageContext,
  posted: Record<string, unknown> = {},
): records.RecordKind<Interaction> => ({
  api: '/api/v1/interactions',
  page: '/interactions',
  write: 'interaction:write',
  newTitle: t(ctx.locale, 'newInteraction'),
  title: (i) => i.subject,
  fields: (c, record) => interactionFields(api, c, record, posted),
  defaults: (c): FormValues => ({
    occurredAt: isoToLocal(new Date()),
    kind: 'meeting',
    ...(isUuid(str(c.query.tripId)) && { tripId: str(c.query.tripId) }),
    contactIds: ids(c.query.contactId),
  }),
  formExtra: formExtra(ctx),
});

/** The contact log: every encounter, with the people, firms and partners met. */
@ApiExcludeController()
@Controller('interactions')
export class InteractionPages extends records.RecordRoutes(
  (ctx, api, posted) => interactionKind(api, ctx, posted),
  'interaction:write',
  'interaction:read',
) {
  @Get()
  @Allow('interaction:read')
  async list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const l = ctx.locale;
    // Days typed the wrong way round still mean the days between them.
    const { from, to } = ctx.query;
    if (from && to && DAY.test(from) && DAY.test(to) && from > to)
      Object.assign(ctx.query, { from: to, to: from });
    const trips = await tripChoices(this.api, user, l, [ctx.query.tripId]);
    const labels = new Labels(this.api, user);
    const kind = interactionKind(this.api, ctx);
    let appointments = new Map<string, Appointment>();
    return listPage<Interaction>(this.api, ctx, reply, {
      path: '/interactions',
      api: '/api/v1/interactions',
      title: t(l, 'interactions'),
      search: true,
      defaultSort: '-occurredAt',
      create: {
        href: '/interactions/new',
        label: t(l, 'newInteraction'),
        action: 'interaction:write',
      },
      deleted: {
        action: 'interaction:write',
        cell: (i) => records.deletedActions(ctx, kind, i),
      },
      filters: [
        {
          name: 'kind',
          label: t(l, 'kind'),
          type: 'select',
          choices: options(l, 'interactionKind'),
        },
        {
          name: 'tripId',
          label: t(l, 'trip'),
          type: 'select',
          choices: trips,
        },
        { name: 'from', label: words(l, 'fromDay'), type: 'date', toApi: (v) => dayStart(v) },
        { name: 'to', label: words(l, 'toDay'), type: 'date', toApi: (v) => dayStart(v, true) },
        ...(can(user.role, 'interaction:read-confidential')
          ? [
              {
                name: 'confidential',
                label: words(l, 'confidentialOnly'),
                type: 'checkbox' as const,
              },
            ]
          : []),
      ],
      prepare: async (items) => {
        [appointments] = await Promise.all([
          appointmentsOf(this.api, user, items),
          labels.load(
            'trips',
            items.map((i) => i.tripId),
          ),
        ]);
      },
      columns: [
        {
          header: t(l, 'occurredAt'),
          sort: 'occurredAt',
          cell: (i) => whenText(ctx, i, appointments),
        },
        {
          header: t(l, 'subject'),
          sort: 'subject',
          primary: true,
          cell: (i) =>
            html`<a href="/interactions/${i.id}">${i.subject}</a>${confidentialBadge(ctx, i)}`,
        },
        { header: t(l, 'kind'), cell: (i) => label(l, 'interactionKind', i.kind) },
        {
          header: t(l, 'trip'),
          cell: (i) =>
            i.tripId && labels.get(i.tripId)
              ? html`<a href="/trips/${i.tripId}">${labels.get(i.tripId)}</a>`
              : '',
        },
        { header: t(l, 'location'), cell: (i) => i.location },
      ],
    });
  }

  /** The options of the appointment select for the trip chosen (an htmx fragment). */
  @Get('appointment-options')
  @Allow('interaction:write')
  async appointmentOptions(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query('tripId') tripId?: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const choices = await appointmentChoices(this.api, ctx, str(tripId));
    sendPage(
      reply,
      html`<option value="">${t(ctx.locale, 'none')}</option>${choices.map(
        (c) => html`<option value="${c.value}">${c.label}</option>`,
      )}`,
    );
  }

  async recordPage(ctx: PageContext, id: string): Promise<Html> {
    const user = ctx.user!;
    const l = ctx.locale;
    const i = await this.api.get<Interaction>(user, `/api/v1/interactions/${id}`);
    const labels = new Labels(this.api, user);
    const [appointment, followUps] = await Promise.all([
      i.appointmentId && i.tripId
        ? this.api
            .call<Appointment>(
              user,
              'GET',
              `/api/v1/trips/${i.tripId}/appointments/${i.appointmentId}`,
            )
            .then((a) => (a.status === 200 ? a.body : undefined))
        : undefined,
      this.api.get<Page<FollowUp>>(
        user,
        `/api/v1/follow-ups?interactionId=${id}&sort=dueOn&limit=50`,
      ),
      labels.load('contacts', i.contactIds),
      labels.load('companies', i.companyIds),
      labels.load('partners', i.partnerIds),
      labels.load('trips', [i.tripId]),
    ]);
    const zone = appointment?.timeZone ?? HOME_ZONE;
    const named = (path: string, list: string[]) =>
      list
        .filter((x) => labels.get(x))
        .map((x, n) => html`${n ? ', ' : ''}<a href="/${path}/${x}">${labels.get(x)}</a>`);
    const kind = interactionKind(this.api, ctx);
    const newFollowUp = can(user.role, 'follow-up:write')
      ? html`<a class="button" id="new-follow-up" href="/follow-ups/new?${new URLSearchParams({
          interactionId: i.id,
          ...(i.contactIds.length === 1 && { contactId: i.contactIds[0] }),
          ...(i.tripId && { tripId: i.tripId }),
          ...(i.partnerIds.length === 1 && { partnerId: i.partnerIds[0] }),
        }).toString()}">${t(l, 'newFollowUp')}</a>`
      : html``;
    return layout(
      ctx,
      i.subject,
      html`<h1>${i.subject}${confidentialBadge(ctx, i)}</h1>
          ${records.recordActions(ctx, kind, i)}
          ${facts([
            [t(l, 'occurredAt'), bothClocks(i.occurredAt, l, zone)],
            [t(l, 'kind'), label(l, 'interactionKind', i.kind)],
            [t(l, 'location'), i.location],
            [t(l, 'contacts'), html`${named('contacts', i.contactIds)}`],
            [t(l, 'companies'), html`${named('companies', i.companyIds)}`],
            [t(l, 'partners'), html`${named('partners', i.partnerIds)}`],
            [t(l, 'trip'), i.tripId ? html`${named('trips', [i.tripId])}` : ''],
            [
              t(l, 'appointment'),
              appointment
                ? html`<a href="/trips/${i.tripId}">${appointment.title}</a>
                    <span class="muted">${bothClocks(appointment.startsAt, l, appointment.timeZone)}</span>`
                : '',
            ],
            [t(l, 'confidential'), i.confidential ? t(l, 'yes') : t(l, 'no')],
          ])}
          <h2>${words(l, 'summaryHeading')}</h2>
          ${i.summary ? html`<p class="text" id="summary">${i.summary}</p>` : html`<p class="muted">–</p>`}
          <div class="page-head">
            <h2>${t(l, 'followUps')}</h2>
            ${newFollowUp}
          </div>
          ${linkList(
            ctx,
            followUps.items,
            (f) =>
              html`<a href="/follow-ups/${f.id}">${f.title}</a>
                <span class="badge${f.status === 'done' ? ' ok' : ''}">${label(l, 'followUpStatus', f.status)}</span>
                ${f.dueOn ? html`<span class="muted">${t(l, 'due')} ${day(f.dueOn, l)}</span>` : ''}${overdueBadge(ctx, f)}
                ${doneButton(ctx, f, `/interactions/${i.id}`)}`,
          )}`,
    );
  }
}

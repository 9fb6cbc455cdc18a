import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { Choice, FieldSpec } from './kit/forms';
import { bothClocks, day } from './kit/format';
import { Html, html } from './kit/html';
import { dictionary, label, options, t } from './kit/i18n';
import { findMore, Labels, partnerChoices as partners } from './kit/labels';
import { facts, titledPage, PageContext, pageContext } from './kit/layout';
import { listPage, recordFilter } from './kit/lists';
import * as records from './kit/records';
import { WebRequest } from '../auth/browser-session';
import { WebApi } from './kit/web-api';
import { AgreementView, AppointmentView, Page, TripView } from './kit/views';
import { isUuid } from '../common/ids';

export interface Agreement extends AgreementView, Record<string, unknown> {
  appointmentId: string | null;
  tripId: string | null;
  signatories: string[];
  validUntil: string | null;
  reviewOn: string | null;
  summary: string | null;
  version: number;
  deletedAt: string | null;
}

type Appointment = AppointmentView & { tripId: string };

const w = dictionary({
  signedAt: ['Unterzeichnet bei', 'Signed at'],
  summary: ['Zusammenfassung', 'Summary'],
  appointmentHint: [
    'Termine der Reise dieser Vereinbarung und Unterzeichnungen der letzten Reisen',
    'Appointments of this agreement’s trip and signings of recent trips',
  ],
});

const RECENT_TRIPS = 5;

const kind = (
  ctx: PageContext,
  api: WebApi,
  posted?: Record<string, unknown>,
): records.RecordKind<Agreement> => ({
  api: '/api/v1/agreements',
  page: '/agreements',
  write: 'agreement:write',
  newTitle: t(ctx.locale, 'newAgreement'),
  title: (a) => a.title,
  fields: (fctx, record) => agreementFields(api, fctx, record, posted),
  defaults: (c) => ({
    kind: 'cooperation',
    status: 'draft',
    ...(isUuid(c.query.partnerId) && { partnerId: c.query.partnerId }),
  }),
});

const appointmentLabel = (ctx: PageContext, a: Appointment, trip?: string): string =>
  [a.title, bothClocks(a.startsAt, ctx.locale, a.timeZone), trip].filter(Boolean).join(' · ');

/**
 * The appointment it was signed at: every appointment of its own trip (or the trip the page was
 * opened from), and the signing appointments of the most recent trips.
 */
async function appointmentChoices(
  api: WebApi,
  ctx: PageContext,
  record?: Agreement,
): Promise<Choice[]> {
  const user = ctx.user!;
  const ownTrip = record?.tripId ?? (isUuid(ctx.query.tripId) ? ctx.query.tripId : null);
  const trips = await api.get<Page<TripView>>(
    user,
    `/api/v1/trips?limit=${RECENT_TRIPS}&sort=-startsOn`,
  );
  const tripIds = [...new Set([ownTrip, ...trips.items.map((x) => x.id)].filter(Boolean))];
  const titles = new Map(trips.items.map((x) => [x.id, x.title]));
  const lists = await Promise.all(
    tripIds.map((id) =>
      api.call<Page<Appointment>>(user, 'GET', `/api/v1/trips/${id}/appointments?limit=200`),
    ),
  );
  const choices: Choice[] = [];
  lists.forEach((answer, i) => {
    if (answer.status !== 200) return;
    for (const a of answer.body.items)
      if (tripIds[i] === ownTrip || a.kind === 'signing' || a.id === record?.appointmentId)
        choices.push({ value: a.id, label: appointmentLabel(ctx, a, titles.get(tripIds[i]!)) });
  });
  if (record?.appointmentId && !choices.some((c) => c.value === record.appointmentId))
    choices.unshift({ value: record.appointmentId, label: '…' });
  return choices;
}

async function agreementFields(
  api: WebApi,
  ctx: PageContext,
  record?: Agreement,
  posted?: Record<string, unknown>,
): Promise<FieldSpec[]> {
  const l = ctx.locale;
  // A partner beyond the first 200 by name is offered and named when it is the agreement's, the
  // one the page was opened for, or the one a form sent back had.
  const [partnerChoices, appointments] = await Promise.all([
    partners(api, ctx.user!, [record?.partnerId, ctx.query.partnerId, posted?.partnerId]),
    appointmentChoices(api, ctx, record),
  ]);
  return [
    {
      name: 'partnerId',
      label: t(l, 'partner'),
      type: 'select',
      required: true,
      blank: '',
      choices: partnerChoices,
      find: findMore(l, 'partners', partnerChoices.more),
    },
    { name: 'title', label: t(l, 'title'), required: true, maxLength: 300 },
    { name: 'kind', label: t(l, 'kind'), type: 'select', choices: options(l, 'agreementKind') },
    {
      name: 'status',
      label: t(l, 'status'),
      type: 'select',
      choices: options(l, 'agreementStatus'),
    },
    { name: 'signedOn', label: t(l, 'signedOn'), type: 'date' },
    {
      name: 'appointmentId',
      label: w(l, 'signedAt'),
      type: 'select',
      blank: t(l, 'none'),
      choices: appointments,
      hint: w(l, 'appointmentHint'),
    },
    {
      name: 'signatories',
      label: t(l, 'signatories'),
      type: 'lines',
      hint: t(l, 'signatoriesHint'),
    },
    { name: 'validUntil', label: t(l, 'validUntil'), type: 'date' },
    { name: 'reviewOn', label: t(l, 'reviewOn'), type: 'date' },
    { name: 'summary', label: w(l, 'summary'), type: 'textarea', maxLength: 10000 },
  ];
}

/** Agreements: cooperation agreements, MoUs and city friendships with partners abroad. */
@ApiExcludeController()
@Controller('agreements')
export class AgreementPages extends records.RecordRoutes(
  kind,
  'agreement:write',
  'agreement:read',
  'all',
  'agreements',
) {
  @Get()
  @Allow('agreement:read')
  async list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const l = ctx.locale;
    const labels = new Labels(this.api, user);
    const byPartner = await recordFilter(this.api, ctx, {
      name: 'partnerId',
      label: t(l, 'partner'),
      kind: 'partners',
      labels,
    });
    return listPage<Agreement>(this.api, ctx, reply, {
      ...records.listed(ctx, kind(ctx, this.api)),
      title: t(l, 'agreements'),
      defaultSort: '-signedOn',
      prepare: async (items) => {
        await labels.load(
          'partners',
          items.map((a) => a.partnerId),
        );
      },
      filters: [
        ...(byPartner ? [byPartner] : []),
        {
          name: 'status',
          label: t(l, 'status'),
          type: 'select',
          choices: options(l, 'agreementStatus'),
        },
        { name: 'kind', label: t(l, 'kind'), type: 'select', choices: options(l, 'agreementKind') },
      ],
      columns: [
        {
          header: t(l, 'title'),
          sort: 'title',
          primary: true,
          cell: (a) => html`<a href="/agreements/${a.id}">${a.title}</a>`,
        },
        { header: t(l, 'kind'), cell: (a) => label(l, 'agreementKind', a.kind) },
        {
          header: t(l, 'status'),
          cell: (a) =>
            html`<span class="badge agreement-${a.status}">${label(l, 'agreementStatus', a.status)}</span>`,
        },
        { header: t(l, 'signedOn'), sort: 'signedOn', cell: (a) => day(a.signedOn, l) },
        { header: t(l, 'reviewOn'), sort: 'reviewOn', cell: (a) => day(a.reviewOn, l) },
        {
          header: t(l, 'partner'),
          cell: (a) => html`<a href="/partners/${a.partnerId}">${labels.get(a.partnerId)}</a>`,
        },
      ],
    });
  }

  async recordPage(ctx: PageContext, id: string): Promise<Html> {
    const user = ctx.user!;
    const l = ctx.locale;
    const a = await this.api.get<Agreement>(user, `/api/v1/agreements/${id}`);
    const labels = new Labels(this.api, user);
    const [, , appointment] = await Promise.all([
      labels.load('partners', [a.partnerId]),
      labels.load('trips', [a.tripId]),
      a.appointmentId && a.tripId
        ? this.api.call<Appointment>(
            user,
            'GET',
            `/api/v1/trips/${a.tripId}/appointments/${a.appointmentId}`,
          )
        : Promise.resolve(undefined),
    ]);
    const signedAt =
      appointment?.status === 200
        ? html`<a href="/trips/${a.tripId}#appointment-${appointment.body.id}">${appointmentLabel(ctx, appointment.body)}</a>`
        : '';
    return titledPage(
      ctx,
      a.title,
      html`
          ${records.recordActions(ctx, kind(ctx, this.api), a)}
          ${facts([
            [
              t(l, 'partner'),
              labels.get(a.partnerId)
                ? html`<a href="/partners/${a.partnerId}">${labels.get(a.partnerId)}</a>`
                : '',
            ],
            [t(l, 'kind'), label(l, 'agreementKind', a.kind)],
            [
              t(l, 'status'),
              html`<span class="badge agreement-${a.status}" id="agreement-status">${label(l, 'agreementStatus', a.status)}</span>`,
            ],
            [t(l, 'signedOn'), day(a.signedOn, l)],
            [w(l, 'signedAt'), signedAt],
            [
              t(l, 'trip'),
              a.tripId && labels.get(a.tripId)
                ? html`<a href="/trips/${a.tripId}">${labels.get(a.tripId)}</a>`
                : '',
            ],
            [
              t(l, 'signatories'),
              a.signatories.length
                ? html`<ul class="plain">${a.signatories.map((s) => html`<li>${s}</li>`)}</ul>`
                : '',
            ],
            [t(l, 'validUntil'), day(a.validUntil, l)],
            [t(l, 'reviewOn'), day(a.reviewOn, l)],
            [w(l, 'summary'), a.summary],
          ])}`,
    );
  }
}

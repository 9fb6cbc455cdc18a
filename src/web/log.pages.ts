import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can } from '../auth/permissions';
import { scanCardLink } from './cards.pages';
import { pageContext } from './account.pages';
import { organisationChoices, organisationFields, organisations } from './contacts.pages';
import { w } from './contacts.words';
import {
  errorSummary,
  FieldSpec,
  fieldMessages,
  FormValues,
  idempotencyField,
  idempotencyKeyOf,
  readForm,
  renderField,
} from './kit/forms';
import { countries, HOME_ZONE, isoToLocal, localToIso } from './kit/format';
import { Html, html } from './kit/html';
import { Locale, options, t } from './kit/i18n';
import { findMore, Labels, RecordChoices, tripChoices } from './kit/labels';
import { csrfField, titledPage, PageContext } from './kit/layout';
import { redirect, sendPage } from './kit/respond';
import { ApiError, ApiProblem, WebApi } from './kit/web-api';
import { WebPages, WebRequest } from '../auth/browser-session';
import { AppointmentView } from './kit/views';
import { encounterTime } from './today.view';
import { isUuid } from '../common/ids';

const ZONES = new Set(Intl.supportedValuesOf('timeZone'));

const ids = (value: unknown): string[] =>
  (Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : []).filter(isUuid);

/** API field paths → the form's inputs, so a refusal appears beside the right one. */
const RENAME: Record<string, string> = {
  newContacts: 'contactIds',
  'newContacts.0.familyName': 'newFamilyName',
  'newContacts.0.givenName': 'newGivenName',
  'newContacts.0.nativeName': 'newNativeName',
  'newContacts.0.position': 'newPosition',
  'newContacts.0.companyId': 'newOrganisation',
  'newContacts.0.partnerId': 'newOrganisation',
  'newContacts.0.country': 'newCountry',
  'followUp.title': 'followUpTitle',
  'followUp.dueOn': 'followUpDueOn',
  'lead.title': 'leadTitle',
  'lead.companyId': 'leadCompanyId',
  'lead.valueEur': 'leadValueEur',
  appointmentId: 'tripId',
};

/**
 * Berlin first, then every IANA zone by its id, kept as it is (`America/New_York`): an id that
 * reads the same in both languages, as the trip pages show a zone beside a time.
 */
function zoneChoices(l: Locale) {
  return [
    { value: HOME_ZONE, label: w(l, 'berlinZone') },
    ...[...ZONES].filter((z) => z !== HOME_ZONE).map((z) => ({ value: z, label: z })),
  ];
}

interface Choices {
  trips: RecordChoices;
  orgs: Awaited<ReturnType<typeof organisations>>;
}

/** The form's inputs by section, each named as the page posts it. */
function sections(l: Locale, c: Choices) {
  const field = (f: FieldSpec) => f;
  return {
    contacts: field({ name: 'contactIds', label: t(l, 'who') }),
    newContact: [
      field({
        name: 'newFamilyName',
        label: t(l, 'familyName'),
        maxLength: 200,
        hint: w(l, 'familyNameHint'),
      }),
      field({ name: 'newGivenName', label: t(l, 'givenName'), maxLength: 200 }),
      field({
        name: 'newNativeName',
        label: t(l, 'nativeName'),
        maxLength: 200,
        lang: 'zh',
        hint: w(l, 'nativeNameHint'),
      }),
      field({ name: 'newPosition', label: t(l, 'position'), maxLength: 200 }),
      field({
        name: 'newOrganisation',
        label: w(l, 'newContactOrganisation'),
        type: 'select',
        blank: t(l, 'none'),
        ...organisationChoices(l, c.orgs),
      }),
      field({
        name: 'newCountry',
        label: w(l, 'newContactCountry'),
        type: 'select',
        blank: t(l, 'none'),
        choices: countries(l),
      }),
    ],
    interaction: [
      field({ name: 'occurredAt', label: w(l, 'whenZoned'), type: 'datetime', required: true }),
      field({
        name: 'occurredZone',
        label: w(l, 'occurredZone'),
        type: 'select',
        choices: zoneChoices(l),
      }),
      field({
        name: 'kind',
        label: t(l, 'kind'),
        type: 'select',
        choices: options(l, 'interactionKind'),
      }),
      field({ name: 'location', label: t(l, 'where'), maxLength: 300 }),
      field({
        name: 'tripId',
        label: t(l, 'trip'),
        type: 'select',
        blank: t(l, 'none'),
        choices: c.trips,
        find: findMore(l, 'trips', c.trips.more),
      }),
      field({ name: 'subject', label: t(l, 'subject'), required: true, maxLength: 300 }),
      field({ name: 'summary', label: t(l, 'summary'), type: 'textarea', maxLength: 20_000 }),
      field({ name: 'confidential', label: t(l, 'confidential'), type: 'checkbox' }),
    ],
    followUp: [
      field({ name: 'followUpTitle', label: t(l, 'title'), maxLength: 300 }),
      field({ name: 'followUpDueOn', label: t(l, 'dueOn'), type: 'date' }),
    ],
    lead: [
      field({
        name: 'leadCompanyId',
        label: t(l, 'company'),
        type: 'select',
        blank: t(l, 'none'),
        choices: c.orgs.companies,
        find: findMore(l, 'companies', c.orgs.companies.more),
      }),
      field({ name: 'leadTitle', label: t(l, 'title'), maxLength: 300 }),
      field({ name: 'leadValueEur', label: t(l, 'valueEur'), type: 'number' }),
    ],
  };
}

const allFields = (s: ReturnType<typeof sections>): FieldSpec[] => [
  s.contacts,
  ...s.newContact,
  ...s.interaction,
  ...s.followUp,
  ...s.lead,
];

const text = (v: FormValues, name: string) => {
  const value = v[name];
  return typeof value === 'string' ? value.trim() : '';
};

/** The appointment an encounter is logged at (`/log?tripId=…&appointmentId=…`, the phone's pages). */
interface LoggedAt {
  id: string;
  title?: string;
}

/** The form as the contact log's one request: who, what, and what comes next. */
function logBody(v: FormValues, contactIds: string[], at?: LoggedAt): Record<string, unknown> {
  const zone = ZONES.has(text(v, 'occurredZone')) ? text(v, 'occurredZone') : HOME_ZONE;
  const occurredAt = localToIso(text(v, 'occurredAt'), zone) ?? text(v, 'occurredAt');
  const hasNew = ['newFamilyName', 'newGivenName', 'newNativeName'].some((n) => text(v, n));
  const organisation = organisationFields(text(v, 'newOrganisation'));
  const value = text(v, 'leadValueEur').replace(/\s/g, '').replace(',', '.');
  return {
    occurredAt,
    kind: text(v, 'kind') || 'meeting',
    subject: text(v, 'subject'),
    summary: text(v, 'summary') || null,
    location: text(v, 'location') || null,
    confidential: v.confidential === 'on',
    ...(contactIds.length && { contactIds }),
    ...(hasNew && {
      newContacts: [
        {
          // Left out when empty: a name in Chinese script alone gives the family name.
          ...(text(v, 'newFamilyName') && { familyName: text(v, 'newFamilyName') }),
          givenName: text(v, 'newGivenName') || null,
          nativeName: text(v, 'newNativeName') || null,
          position: text(v, 'newPosition') || null,
          ...(organisation.companyId && { companyId: organisation.companyId }),
          ...(organisation.partnerId && { partnerId: organisation.partnerId }),
          ...(text(v, 'newCountry') && { country: text(v, 'newCountry') }),
        },
      ],
    }),
    ...(text(v, 'tripId') && { tripId: text(v, 'tripId') }),
    ...(at && { appointmentId: at.id }),
    ...(text(v, 'followUpTitle') && {
      followUp: {
        title: text(v, 'followUpTitle'),
        ...(text(v, 'followUpDueOn') && { dueOn: text(v, 'followUpDueOn') }),
      },
    }),
    ...((text(v, 'leadTitle') || text(v, 'leadCompanyId')) && {
      lead: {
        companyId: text(v, 'leadCompanyId'),
        title: text(v, 'leadTitle'),
        ...(value && { valueEur: Number.isFinite(Number(value)) ? Number(value) : value }),
      },
    }),
  };
}

/** Log a contact: one form for an encounter, the people met, and what comes next. */
@ApiExcludeController()
@WebPages()
@Controller('log')
export class LogPages {
  constructor(private readonly api: WebApi) {}

  @Get()
  @Allow('interaction:write')
  async form(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const picked = ids(ctx.query.contactId).slice(0, 1);
    const values: FormValues = {
      occurredAt: isoToLocal(new Date()),
      occurredZone: HOME_ZONE,
      kind: 'meeting',
    };
    // Preset from a trip or one of its appointments: the trip, and where and when it happens.
    const tripId = ids(ctx.query.tripId)[0];
    const appointmentId = ids(ctx.query.appointmentId)[0];
    if (tripId) values.tripId = tripId;
    const appointment =
      tripId && appointmentId ? await this.appointment(ctx, tripId, appointmentId) : undefined;
    if (appointment) {
      values.occurredZone = appointment.timeZone;
      values.occurredAt = isoToLocal(encounterTime(appointment, new Date()), appointment.timeZone);
      values.location = [appointment.venue, appointment.city].filter(Boolean).join(', ');
    }
    const at = appointment && { id: appointment.id, title: appointment.title };
    sendPage(reply, await this.page(ctx, values, {}, picked, undefined, undefined, at));
  }

  /** An appointment the user may see, or nothing (an id from a link may be stale). */
  private async appointment(
    ctx: PageContext,
    tripId: string,
    id: string,
  ): Promise<AppointmentView | undefined> {
    const answer = await this.api.call<AppointmentView>(
      ctx.user!,
      'GET',
      `/api/v1/trips/${tripId}/appointments/${id}`,
    );
    return answer.status === 200 ? answer.body : undefined;
  }

  @Post()
  @Allow('interaction:write')
  async save(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const choices = await this.choices(ctx, body.tripId);
    const fields = allFields(sections(ctx.locale, choices));
    const values = readForm(fields, body);
    const contactIds = [...new Set(ids(body.contactIds))];
    const appointmentId = ids(body.appointmentId)[0];
    const at = appointmentId ? { id: appointmentId } : undefined;
    const key = idempotencyKeyOf(body);
    const answer = await this.api.call<{ contactIds: string[] } | ApiProblem>(
      user,
      'POST',
      '/api/v1/contact-log',
      { body: logBody(values, contactIds, at), idempotencyKey: key },
    );
    if (answer.status === 201) {
      const result = answer.body as { contactIds: string[] };
      const created = result.contactIds.slice(contactIds.length);
      return redirect(request, reply, `/contacts/${created[0] ?? result.contactIds[0]}`);
    }
    if (answer.status !== 400) throw new ApiError(answer as never);
    const errors = fieldMessages(ctx.locale, fields, answer.body as ApiProblem, RENAME);
    sendPage(reply, await this.page(ctx, values, errors, contactIds, choices, key, at), 400);
  }

  /** The trips (the latest, and the one asked for or posted) and the organisations offered. */
  private async choices(ctx: PageContext, postedTrip?: unknown): Promise<Choices> {
    const user = ctx.user!;
    const [trips, orgs] = await Promise.all([
      tripChoices(this.api, user, ctx.locale, [
        ctx.query.tripId,
        typeof postedTrip === 'string' ? postedTrip : undefined,
      ]),
      organisations(this.api, user),
    ]);
    return { trips, orgs };
  }

  private async page(
    ctx: PageContext,
    v: FormValues,
    errors: Record<string, string>,
    picked: string[] = [],
    known?: Choices,
    key?: string,
    at?: LoggedAt,
  ): Promise<Html> {
    const l = ctx.locale;
    const [choices, names] = await Promise.all([
      known ?? this.choices(ctx),
      new Labels(this.api, ctx.user!).load('contacts', picked),
    ]);
    const s = sections(l, choices);
    const fields = allFields(s);
    const render = (f: FieldSpec) => renderField(f, v[f.name], errors[f.name]);
    // Only people the user may see are shown (and sent again); each by name.
    const chosen = picked.filter((id) => names.get(id));
    const newOpen = s.newContact.some((f) => text(v, f.name) || errors[f.name]);
    return titledPage(
      ctx,
      t(l, 'logContact'),
      html`
        ${can(ctx.user!.role, 'contact:write') ? html`<p class="actions">${scanCardLink(l)}</p>` : ''}
        ${errorSummary(ctx, fields, errors)}
        <form method="post" action="/log" id="log-form" class="log-form" data-queue="log" data-queue-title="subject newFamilyName newNativeName">
          ${csrfField(ctx)}${idempotencyField(key)}
          ${
            at
              ? html`<input type="hidden" name="appointmentId" value="${at.id}" />
                  <p class="notice" id="logged-at">${w(l, 'atAppointment')}${at.title ? html`: <strong>${at.title}</strong>` : ''}</p>`
              : ''
          }
          <fieldset id="f-contactIds"${errors.contactIds ? html` class="invalid"` : ''}>
            <legend>${t(l, 'who')}</legend>
            <label for="contact-search">${t(l, 'pickContacts')}</label>
            <input id="contact-search" type="search" autocomplete="off" maxlength="200" name="q"
              hx-get="/contacts/suggest" hx-trigger="input changed delay:250ms, search"
              hx-target="#suggestions" hx-include="this" />
            <ul id="suggestions" class="suggestions" aria-live="polite"></ul>
            <ul id="picked-contacts" class="chips" aria-label="${w(l, 'pickedContacts')}">${chosen.map(
              (id) =>
                html`<li><label><input type="checkbox" name="contactIds" value="${id}" checked /> ${names.get(id)}</label></li>`,
            )}</ul>
            ${errors.contactIds ? html`<p class="error" role="alert">${errors.contactIds}</p>` : ''}
            <details${newOpen ? html` open` : ''}>
              <summary>${t(l, 'newContact')}</summary>
              ${s.newContact.map(render)}
            </details>
          </fieldset>
          <fieldset>
            <legend>${w(l, 'encounter')}</legend>
            ${s.interaction.map(render)}
          </fieldset>
          <fieldset>
            <legend>${t(l, 'optionalFollowUp')}</legend>
            ${s.followUp.map(render)}
          </fieldset>
          <fieldset>
            <legend>${t(l, 'optionalLead')}</legend>
            ${s.lead.map(render)}
          </fieldset>
          <p class="actions"><button class="primary" type="submit">${t(l, 'save')}</button></p>
        </form>`,
    );
  }
}

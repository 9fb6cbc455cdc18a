import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can, isAgency } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { personName } from '../contacts/names';
import {
  Choice,
  contactPicker,
  FieldSpec,
  fieldMessages,
  idempotencyField,
  idempotencyKeyOf,
} from './kit/forms';
import { historyLink } from './audit.pages';
import { dateTime, day, money } from './kit/format';
import { Html, html } from './kit/html';
import { dictionary, LEAD_STAGES, Locale, options, stageLabel, t } from './kit/i18n';
import {
  directory,
  DirectoryUser,
  findMore,
  Labels,
  partnerChoices,
  recordChoices,
  tripChoices,
} from './kit/labels';
import { csrfField, facts, layout, titledPage, PageContext, pageContext } from './kit/layout';
import { filterField, listPage, recordFilter } from './kit/lists';
import * as records from './kit/records';
import { redirect, sendPage } from './kit/respond';
import { WebRequest } from '../auth/browser-session';
import { ApiError, ApiProblem, WebApi } from './kit/web-api';
import { ContactView, LeadNoteView, LeadView, Page } from './kit/views';
import { isUuid } from '../common/ids';

export interface Lead extends LeadView, Record<string, unknown> {
  appointmentId: string | null;
  lostReason: string | null;
  ownerId: string | null;
  version: number;
  deletedAt: string | null;
}

/** A column of the API's board (GET /api/v1/leads/board). */
interface BoardColumn extends Page<Lead> {
  stage: string;
  count: number;
  valueEur: number;
}

const w = dictionary({
  board: ['Tafel', 'Board'],
  list: ['Liste', 'List'],
  openPipeline: ['Offene Pipeline', 'Open pipeline'],
  openPipelineHint: [
    'Summe der offenen Leads, ohne gewonnene und verlorene',
    'Sum of the open leads, without won and lost',
  ],
  lead: ['Lead', 'lead'],
  leadsCount: ['Leads', 'leads'],
  move: ['Verschieben', 'Move'],
  movedTo: ['Verschoben nach', 'Moved to'],
  stale: [
    'Dieser Lead wurde inzwischen von jemand anderem geändert; hier steht sein aktueller Stand. Bitte erneut verschieben.',
    'Someone else changed this lead in the meantime; this is its current state. Please move it again.',
  ],
  gone: ['Dieser Lead ist nicht mehr vorhanden.', 'This lead is no longer there.'],
  moveFailed: ['Verschieben nicht möglich.', 'The lead could not be moved.'],
  lostQuestion: ['Warum wurde der Lead verloren?', 'Why was the lead lost?'],
  optional: ['optional', 'optional'],
  dragHint: [
    'Karten mit der Maus in eine andere Phase ziehen, mit den Pfeiltasten links/rechts verschieben oder die Auswahl auf der Karte nutzen.',
    'Drag cards to another stage with the mouse, move a focused card with the left/right arrow keys, or use the select on the card.',
  ],
  boardCaption: ['Leads nach Phase', 'Leads by stage'],
  noteBody: ['Neue Notiz', 'New note'],
  noNotes: ['Noch keine Notizen.', 'No notes yet.'],
  sharedNotes: [
    'Notizen (sichtbar für die Wirtschaftsförderung und das Unternehmen)',
    'Notes (shared by the agency and the company)',
  ],
  changeStage: ['Phase ändern', 'Change stage'],
  leadsOf: ['Leads von', 'Leads of'],
});

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const CLOSED = new Set(['won', 'lost']);
/** The cards a stage column shows at first and adds per „more“ (keyset, the API's cursor). */
const STAGE_PAGE = 20;

const queryString = (params: Record<string, string | undefined>) => {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) out.set(k, v);
  const text = out.toString();
  return text ? `?${text}` : '';
};

/** The board's and list's filters the URL names, checked before they reach the API. */
function filtersOf(ctx: PageContext): Record<string, string> {
  const out: Record<string, string> = {};
  const { companyId, ownerId, tripId } = ctx.query;
  if (isUuid(companyId) && !!ctx.user && isAgency(ctx.user)) out.companyId = companyId;
  if (ownerId && (isUuid(ownerId) || ownerId === 'me') && !!ctx.user && isAgency(ctx.user))
    out.ownerId = ownerId;
  if (isUuid(tripId)) out.tripId = tripId;
  return out;
}

const choicesOf = <T extends { id: string }>(items: T[], name: (item: T) => string): Choice[] =>
  items.map((item) => ({ value: item.id, label: name(item) }));

const ownerChoices = (l: Locale, people: DirectoryUser[]): Choice[] => [
  { value: 'me', label: l === 'en' ? 'Me' : 'Ich' },
  ...choicesOf(people, (p) => p.displayName),
];

const kind = (
  ctx: PageContext,
  api: WebApi,
  posted?: Record<string, unknown>,
): records.RecordKind<Lead> => ({
  api: '/api/v1/leads',
  page: '/leads',
  write: 'lead:write',
  newTitle: t(ctx.locale, 'newLead'),
  title: (lead) => lead.title,
  fields: (fctx, record) => leadFields(api, fctx, record, posted),
  // There are too many contacts to list: one is found by name or pinyin and picked.
  formExtra: contactPicker(ctx, 'f-contactId'),
  defaults: (c) => ({
    stage: 'new',
    ...(isUuid(c.query.companyId) && { companyId: c.query.companyId }),
    ...(isUuid(c.query.contactId) && { contactId: c.query.contactId }),
  }),
});

/** Every field of a lead; the contact is picked by searching (there are too many to list). */
async function leadFields(
  api: WebApi,
  ctx: PageContext,
  record?: Lead,
  posted?: Record<string, unknown>,
): Promise<FieldSpec[]> {
  const l = ctx.locale;
  const user = ctx.user!;
  // The contacts offered: the lead's, the one the page was opened for, and one picked by search
  // (a form sent back with a message still offers it).
  const contactIds = [record?.contactId, ctx.query.contactId, posted?.contactId].filter(isUuid);
  // A company or partner beyond the first 200 by name is offered and named when it is the lead's,
  // the one the page was opened for, or the one a form sent back had.
  const [companies, partners, trips, people, contacts] = await Promise.all([
    recordChoices(api, user, 'companies', [
      record?.companyId,
      ctx.query.companyId,
      posted?.companyId,
    ]),
    partnerChoices(api, user, [record?.partnerId, posted?.partnerId]),
    tripChoices(api, user, l, [record?.tripId, ctx.query.tripId, posted?.tripId], 100),
    directory(api, user),
    Promise.all(
      [...new Set(contactIds)].map((id) =>
        api.call<ContactView>(user, 'GET', `/api/v1/contacts/${id}`),
      ),
    ),
  ]);
  const contactChoices = contacts
    .filter((a) => a.status === 200)
    .map((a) => ({ value: a.body.id, label: personName(a.body) }));
  const withCurrent = (choices: Choice[], id: string | null | undefined) =>
    id && !choices.some((c) => c.value === id) ? [{ value: id, label: '…' }, ...choices] : choices;
  return [
    {
      name: 'companyId',
      label: t(l, 'company'),
      type: 'select',
      required: true,
      blank: '',
      choices: companies,
      find: findMore(l, 'companies', companies.more),
    },
    { name: 'title', label: t(l, 'title'), required: true, maxLength: 300 },
    { name: 'description', label: t(l, 'description'), type: 'textarea', maxLength: 10000 },
    { name: 'stage', label: t(l, 'stage'), type: 'select', choices: options(l, 'stage') },
    {
      name: 'lostReason',
      label: t(l, 'lostReason'),
      type: 'textarea',
      maxLength: 2000,
      // Kept only for a lost lead: for any other stage an emptied reason is what the API expects.
      toApi: (value, values) =>
        values.stage === 'lost' && typeof value === 'string' && value.trim() ? value.trim() : null,
    },
    { name: 'valueEur', label: t(l, 'valueEur'), type: 'number' },
    { name: 'expectedCloseOn', label: t(l, 'expectedCloseOn'), type: 'date' },
    {
      name: 'ownerId',
      label: t(l, 'owner'),
      type: 'select',
      blank: t(l, 'none'),
      choices: withCurrent(
        choicesOf(people, (p) => p.displayName),
        record?.ownerId,
      ),
    },
    {
      name: 'partnerId',
      label: t(l, 'partner'),
      type: 'select',
      blank: t(l, 'none'),
      choices: partners,
      find: findMore(l, 'partners', partners.more),
    },
    {
      name: 'tripId',
      label: t(l, 'trip'),
      type: 'select',
      blank: t(l, 'none'),
      choices: trips,
      find: findMore(l, 'trips', trips.more),
    },
    {
      name: 'contactId',
      label: t(l, 'contact'),
      type: 'select',
      blank: t(l, 'none'),
      choices: contactChoices,
    },
  ];
}

/** The options of the stage select, the lead's stage chosen: made once per locale and stage. */
const stageOptions = new Map<string, Html>();
function stageOptionsOf(l: Locale, stage: string): Html {
  const key = `${l} ${stage}`;
  let options = stageOptions.get(key);
  if (!options) {
    options = html`${LEAD_STAGES.map((s) => html`<option value="${s}"${s === stage ? html` selected` : ''}>${stageLabel(l, s)}</option>`)}`;
    stageOptions.set(key, options);
  }
  return options;
}

/**
 * The stage select with its button; the lost reason shows when „lost“ is chosen. Its labels wrap
 * their controls: a board of 120 cards needs no ids for them. Written without the indentation
 * between tags — a card is sent 120 times a board.
 */
function moveForm(ctx: PageContext, lead: Lead, back: string, compact: boolean): Html {
  const l = ctx.locale;
  // On a card, each control's name says which lead it is for: a board has a hundred of them.
  const forLead = compact ? html`<span class="visually-hidden">: ${lead.title}</span>` : '';
  const to = compact
    ? html`<span class="visually-hidden">${t(l, 'moveTo')}: ${lead.title}</span>`
    : html`<span>${t(l, 'moveTo')}</span>`;
  return html`<form method="post" action="/leads/${lead.id}/stage" class="move-form${compact ? ' compact' : ''}">${csrfField(ctx)}<input type="hidden" name="version" value="${lead.version}" /><input type="hidden" name="back" value="${back}" /><span class="move-controls"><label class="move-to">${to}<select name="stage">${stageOptionsOf(l, lead.stage)}</select></label><button type="submit">${w(l, 'move')}</button></span><label class="lost-reason">${t(l, 'lostReason')}${forLead} <small>(${w(l, 'optional')})</small><input name="lostReason" maxlength="2000" value="${lead.lostReason ?? ''}" /></label></form>`;
}

interface CardNames {
  company: (id: string) => string;
  owner: (id: string | null) => string;
}

function leadCard(ctx: PageContext, lead: Lead, names: CardNames, back: string): Html {
  const l = ctx.locale;
  const movable = can(ctx.user!.role, 'lead:update');
  const owner = names.owner(lead.ownerId);
  const facts =
    lead.valueEur !== null || lead.expectedCloseOn
      ? html`<p>${lead.valueEur !== null ? html`<strong>${money(lead.valueEur, l)}</strong>` : ''}${lead.expectedCloseOn ? html` <span class="muted">· ${day(lead.expectedCloseOn, l)}</span>` : ''}</p>`
      : '';
  return html`<article class="lead-card" id="lead-${lead.id}" data-lead="${lead.id}" data-stage="${lead.stage}" data-value="${lead.valueEur ?? 0}"${movable ? html` draggable="true" tabindex="0" aria-describedby="board-help"` : ''}><h3><a href="/leads/${lead.id}">${lead.title}</a></h3><p class="muted">${[names.company(lead.companyId), owner].filter(Boolean).join(' · ')}</p>${facts}${movable ? moveForm(ctx, lead, back, true) : ''}</article>
`;
}

const moreButton = (
  ctx: PageContext,
  stage: string,
  filters: Record<string, string>,
  cursor: string | null,
): Html =>
  cursor
    ? html`<a class="button more" href="/leads/list${queryString({ ...filters, stage })}"
        hx-get="/leads${queryString({ ...filters, stage, cursor, fragment: 'cards' })}" hx-target="this" hx-swap="outerHTML"
        aria-label="${t(ctx.locale, 'more')}: ${stageLabel(ctx.locale, stage)}">${t(ctx.locale, 'more')}</a>`
    : html``;

/**
 * The board's and list's company filter, for agency users: thousands of companies, so a select
 * while few, else the chosen one and a link to choose (recordFilter).
 */
const companyFilter = (api: WebApi, ctx: PageContext, labels: Labels) =>
  isAgency(ctx.user!)
    ? recordFilter(api, ctx, {
        name: 'companyId',
        label: t(ctx.locale, 'company'),
        kind: 'companies',
        labels,
      })
    : Promise.resolve(undefined);

function sendJson(reply: FastifyReply, status: number, body: unknown): void {
  void reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** Leads: the board by stage (drag and drop, or the select on each card), the list, the lead. */
@ApiExcludeController()
@Controller('leads')
export class LeadPages extends records.RecordRoutes(
  kind,
  'lead:write',
  'lead:read',
  'all',
  'leads',
) {
  /** The names on the cards shown: their companies (one call for all) and owners. */
  private async cardNames(
    ctx: PageContext,
    leads: Lead[],
    known?: DirectoryUser[],
    labels: Labels = new Labels(this.api, ctx.user!),
  ): Promise<CardNames> {
    const [, people] = await Promise.all([
      labels.load(
        'companies',
        leads.map((x) => x.companyId),
      ),
      known ?? directory(this.api, ctx.user!),
    ]);
    const owners = new Map(people.map((p) => [p.id, p.displayName]));
    return {
      company: (id) => labels.get(id),
      owner: (id) => (id ? (owners.get(id) ?? '') : ''),
    };
  }

  @Get()
  @Allow('lead:read')
  async board(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const l = ctx.locale;
    if (ctx.query.view === 'list' || ctx.query.deleted === 'true') {
      const { view: _view, ...rest } = ctx.query;
      void _view;
      return redirect(request, reply, `/leads/list${queryString(rest)}`);
    }
    const filters = filtersOf(ctx);
    const back = `/leads${queryString(filters)}`;
    if (ctx.query.fragment === 'cards') return this.moreCards(ctx, reply, filters, back);

    const { companyId } = filters;
    const labels = new Labels(this.api, user);
    const [board, people, trips, byCompany] = await Promise.all([
      this.api.get<{ stages: BoardColumn[] }>(
        user,
        `/api/v1/leads/board${queryString({ ...filters, limit: String(STAGE_PAGE) })}`,
      ),
      directory(this.api, user),
      tripChoices(this.api, user, l, [filters.tripId]),
      companyFilter(this.api, ctx, labels),
    ]);
    const names = await this.cardNames(
      ctx,
      board.stages.flatMap((s) => s.items),
      people,
      labels,
    );
    const columns = new Map(board.stages.map((c) => [c.stage, c]));
    const column = (stage: string): BoardColumn =>
      columns.get(stage) ?? { stage, count: 0, valueEur: 0, items: [], nextCursor: null };
    const sum = (stage: string) => ({ count: column(stage).count, value: column(stage).valueEur });
    const open = LEAD_STAGES.filter((s) => !CLOSED.has(s))
      .map(sum)
      .reduce((a, b) => a + b.value, 0);
    const movable = can(user.role, 'lead:update');
    const selectFilter = (name: string, label: string, choices: Choice[]) =>
      html`<div class="field"><label for="filter-${name}">${label}</label><select id="filter-${name}" name="${name}">
        <option value="">${t(l, 'any')}</option>
        ${choices.map((c) => html`<option value="${c.value}"${filters[name] === c.value ? html` selected` : ''}>${c.label}</option>`)}
      </select></div>`;
    const body = html`<div class="page-head">
        <h1>${t(l, 'leads')}</h1>
        <div class="actions">
          <a class="button" href="/leads/list${queryString(filters)}" id="list-view">${w(l, 'list')}</a>
          ${can(user.role, 'lead:write') ? html`<a class="button primary" href="/leads/new${queryString({ companyId })}" id="new-record">${t(l, 'newLead')}</a>` : ''}
          ${can(user.role, 'lead:write') ? html`<a class="button" href="/leads/list?deleted=true" id="show-deleted">${t(l, 'showDeleted')}</a>` : ''}
        </div>
      </div>
      <form method="get" action="/leads" class="card filters" role="search">
        ${byCompany ? filterField(ctx, byCompany, filters.companyId) : ''}
        ${isAgency(user) ? selectFilter('ownerId', t(l, 'owner'), ownerChoices(l, people)) : ''}
        ${selectFilter('tripId', t(l, 'trip'), trips)}
        <div class="field buttons">
          <button type="submit">${t(l, 'filter')}</button>
          ${Object.keys(filters).length ? html`<a href="/leads">${t(l, 'resetFilters')}</a>` : ''}
        </div>
      </form>
      <p class="pipeline-total" id="open-total-line">${w(l, 'openPipeline')}: <strong id="open-total" data-total="${open}">${money(open, l)}</strong>
        <small class="muted">(${w(l, 'openPipelineHint')})</small></p>
      ${movable ? html`<p class="muted" id="board-help">${w(l, 'dragHint')}</p>` : ''}
      <div class="board-status" id="board-status" role="status" aria-live="polite"></div>
      <div class="board" id="board" data-locale="${l}"${movable ? html` data-movable="true"` : ''} aria-label="${w(l, 'boardCaption')}">
        ${LEAD_STAGES.map((stage) => {
          const total = sum(stage);
          return html`<section class="stage-column${CLOSED.has(stage) ? ' closed' : ''}" id="stage-${stage}" data-stage="${stage}" data-count="${total.count}" data-total="${total.value}" aria-labelledby="stage-${stage}-h">
            <h2 id="stage-${stage}-h">${stageLabel(l, stage)}</h2>
            <p class="stage-sum"><span class="stage-count">${total.count}</span> <span class="stage-noun" data-one="${w(l, 'lead')}" data-many="${w(l, 'leadsCount')}">${total.count === 1 ? w(l, 'lead') : w(l, 'leadsCount')}</span> · <span class="stage-total">${money(total.value, l)}</span></p>
            <div class="cards">
              ${column(stage).items.map((lead) => leadCard(ctx, lead, names, back))}
            </div>
            ${moreButton(ctx, stage, filters, column(stage).nextCursor)}
          </section>`;
        })}
      </div>
      ${
        movable
          ? html`<dialog id="lost-dialog" aria-labelledby="lost-dialog-h">
              <form method="dialog">
                <h2 id="lost-dialog-h">${w(l, 'lostQuestion')}</h2>
                <div class="field">
                  <label for="lost-dialog-reason">${t(l, 'lostReason')} <small>(${w(l, 'optional')})</small></label>
                  <textarea id="lost-dialog-reason" maxlength="2000"></textarea>
                </div>
                <p class="actions">
                  <button type="submit" class="primary" value="ok" id="lost-dialog-ok">${w(l, 'move')}</button>
                  <button type="submit" value="cancel" id="lost-dialog-cancel">${t(l, 'cancel')}</button>
                </p>
              </form>
            </dialog>`
          : ''
      }`;
    sendPage(reply, layout(ctx, t(l, 'leads'), body));
  }

  /** „Load more“ of one column: its next cards and the next button. */
  private async moreCards(
    ctx: PageContext,
    reply: FastifyReply,
    filters: Record<string, string>,
    back: string,
  ): Promise<void> {
    const stage = LEAD_STAGES.includes(ctx.query.stage) ? ctx.query.stage : 'new';
    const cursor =
      ctx.query.cursor && ctx.query.cursor.length < 2000 ? ctx.query.cursor : undefined;
    const page = await this.api.get<Page<Lead>>(
      ctx.user!,
      `/api/v1/leads${queryString({ ...filters, stage, cursor, limit: String(STAGE_PAGE), sort: '-updatedAt' })}`,
    );
    const names = await this.cardNames(ctx, page.items);
    sendPage(
      reply,
      html`${page.items.map((lead) => leadCard(ctx, lead, names, back))}${moreButton(ctx, stage, filters, page.nextCursor)}`,
    );
  }

  @Get('list')
  @Allow('lead:read')
  async list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const l = ctx.locale;
    const agency = isAgency(user);
    const labels = new Labels(this.api, user);
    const [byCompany, people, trips] = await Promise.all([
      companyFilter(this.api, ctx, labels),
      directory(this.api, user),
      tripChoices(this.api, user, l, [ctx.query.tripId]),
    ]);
    const owners = new Map(people.map((p) => [p.id, p.displayName]));
    const filters = filtersOf(ctx);
    return listPage<Lead>(this.api, ctx, reply, {
      path: '/leads/list',
      api: '/api/v1/leads',
      title: t(l, 'leads'),
      search: true,
      defaultSort: '-updatedAt',
      intro: html`<p><a class="button" href="/leads${queryString(filters)}" id="board-view">${w(l, 'board')}</a></p>`,
      create: { href: '/leads/new', label: t(l, 'newLead'), action: 'lead:write' },
      deleted: {
        action: 'lead:write',
        cell: (lead) => records.deletedActions(ctx, kind(ctx, this.api), lead),
      },
      prepare: async (items) => {
        await labels.load(
          'companies',
          items.map((x) => x.companyId),
        );
      },
      filters: [
        { name: 'stage', label: t(l, 'stage'), type: 'select', choices: options(l, 'stage') },
        ...(byCompany ? [byCompany] : []),
        ...(agency
          ? [
              {
                name: 'ownerId',
                label: t(l, 'owner'),
                type: 'select' as const,
                choices: ownerChoices(l, people),
              },
            ]
          : []),
        {
          name: 'tripId',
          label: t(l, 'trip'),
          type: 'select',
          choices: trips,
        },
      ],
      columns: [
        {
          header: t(l, 'title'),
          sort: 'title',
          primary: true,
          cell: (lead) => html`<a href="/leads/${lead.id}">${lead.title}</a>`,
        },
        {
          header: t(l, 'company'),
          cell: (lead) => labels.get(lead.companyId),
        },
        {
          header: t(l, 'stage'),
          sort: 'stage',
          cell: (lead) =>
            html`<span class="badge stage-${lead.stage}">${stageLabel(l, lead.stage)}</span>`,
        },
        { header: t(l, 'value'), sort: 'valueEur', cell: (lead) => money(lead.valueEur, l) },
        {
          header: t(l, 'expectedCloseOn'),
          sort: 'expectedCloseOn',
          cell: (lead) => day(lead.expectedCloseOn, l),
        },
        ...(agency
          ? [{ header: t(l, 'owner'), cell: (lead: Lead) => owners.get(lead.ownerId ?? '') ?? '' }]
          : []),
      ],
    });
  }

  async recordPage(
    ctx: PageContext,
    id: string,
    noteError?: string,
    draft = '',
    noteKey?: string,
  ): Promise<Html> {
    const user = ctx.user!;
    const l = ctx.locale;
    const [lead, notes, people] = await Promise.all([
      this.api.get<Lead>(user, `/api/v1/leads/${id}`),
      this.api.get<Page<LeadNoteView>>(user, `/api/v1/leads/${id}/notes?limit=200`),
      directory(this.api, user),
    ]);
    const labels = new Labels(this.api, user);
    await Promise.all([
      labels.load('companies', [lead.companyId]),
      labels.load('contacts', [lead.contactId]),
      labels.load('partners', [lead.partnerId]),
      labels.load('trips', [lead.tripId]),
    ]);
    const link = (href: string, id: string | null) =>
      id && labels.get(id) ? html`<a href="${href}/${id}">${labels.get(id)}</a>` : '';
    const owner = people.find((p) => p.id === lead.ownerId)?.displayName ?? '';
    const moved = ctx.query.moved;
    const alert =
      moved === 'stale'
        ? html`<div class="alert" role="alert" id="stale">${w(l, 'stale')}</div>`
        : moved === 'invalid'
          ? html`<div class="alert" role="alert">${w(l, 'moveFailed')}</div>`
          : '';
    return titledPage(
      ctx,
      lead.title,
      html`
        ${alert}
        ${records.recordActions(ctx, kind(ctx, this.api), lead)}
        ${historyLink(ctx, 'lead', lead.id)}
        ${facts([
          [t(l, 'company'), link('/companies', lead.companyId)],
          [
            t(l, 'stage'),
            html`<span class="badge stage-${lead.stage}" id="lead-stage">${stageLabel(l, lead.stage)}</span>`,
          ],
          [t(l, 'value'), money(lead.valueEur, l)],
          [t(l, 'expectedCloseOn'), day(lead.expectedCloseOn, l)],
          [t(l, 'contact'), link('/contacts', lead.contactId)],
          [t(l, 'partner'), link('/partners', lead.partnerId)],
          [t(l, 'trip'), link('/trips', lead.tripId)],
          ...(isAgency(user) ? [[t(l, 'owner'), owner] as [string, string]] : []),
          ...(lead.stage === 'lost' || lead.lostReason
            ? [[t(l, 'lostReason'), lead.lostReason] as [string, string | null]]
            : []),
          [t(l, 'description'), lead.description],
        ])}
        ${
          can(user.role, 'lead:update')
            ? html`<section class="card" aria-labelledby="h-stage"><h2 id="h-stage">${w(l, 'changeStage')}</h2>${moveForm(ctx, lead, `/leads/${id}`, false)}</section>`
            : ''
        }
        <h2 id="h-notes">${w(l, 'sharedNotes')}</h2>
        ${
          notes.items.length
            ? html`<ol id="notes" class="notes" aria-labelledby="h-notes">
                ${notes.items.map(
                  (n) =>
                    html`<li class="card">
                      <p class="muted">${n.authorName ?? ''} · ${dateTime(n.createdAt, l)}</p>
                      <p class="note-body">${n.body}</p>
                    </li>`,
                )}
              </ol>`
            : html`<p class="muted" id="notes">${w(l, 'noNotes')}</p>`
        }
        ${
          can(user.role, 'lead-note:create')
            ? html`<form method="post" action="/leads/${id}/notes" class="card" id="note-form">
                ${csrfField(ctx)}${idempotencyField(noteKey)}
                <div class="field${noteError ? ' invalid' : ''}">
                  <label for="f-body">${w(l, 'noteBody')}</label>
                  <textarea id="f-body" name="body" required maxlength="10000"${noteError ? html` aria-invalid="true" aria-describedby="f-body-error"` : ''}>${draft}</textarea>
                  ${noteError ? html`<p class="error" id="f-body-error" role="alert">${noteError}</p>` : ''}
                </div>
                <button class="primary" type="submit">${t(l, 'addNote')}</button>
              </form>`
            : ''
        }`,
    );
  }

  @Post(':id/notes')
  @Allow('lead-note:create')
  async addNote(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const key = idempotencyKeyOf(body);
    const answer = await this.api.call<ApiProblem>(ctx.user!, 'POST', `/api/v1/leads/${id}/notes`, {
      body: { body: str(body.body) },
      idempotencyKey: key,
    });
    if (answer.status === 201 || answer.status === 200)
      return redirect(request, reply, `/leads/${id}#notes`);
    if (answer.status === 400) {
      const errors = fieldMessages(ctx.locale, [{ name: 'body', label: '' }], answer.body);
      return sendPage(
        reply,
        await this.recordPage(ctx, id, errors.body ?? errors._form, str(body.body), key),
        400,
      );
    }
    throw new ApiError(answer as never);
  }

  /**
   * Moves a lead to a stage at the version the user saw. From the board's script (drag and drop,
   * arrow keys, the card's select) it answers JSON with the card as it now is; from a plain form
   * it goes back where the user came from.
   */
  @Post(':id/stage')
  @Allow('lead:update')
  async move(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const user = ctx.user!;
    const fromScript = request.headers['x-requested-with'] === 'fetch';
    const stage = str(body.stage);
    const reason = str(body.lostReason).trim();
    const patch: Record<string, unknown> = { stage };
    if (stage === 'lost' && reason) patch.lostReason = reason;
    const backRaw = str(body.back);
    const back = /^\/leads(\/[0-9a-f-]{36})?(\?[\w\-=&%.]*)?$/.test(backRaw)
      ? backRaw
      : `/leads/${id}`;
    const answer = await this.api.call<Lead | ApiProblem>(user, 'PATCH', `/api/v1/leads/${id}`, {
      body: patch,
      ifMatch: Number(body.version) || 0,
    });
    const card = async (lead: Lead) =>
      leadCard(
        ctx,
        lead,
        await this.cardNames(ctx, [lead]),
        back.startsWith('/leads?') || back === '/leads' ? back : '/leads',
      ).value;
    if (answer.status === 200) {
      const lead = answer.body as Lead;
      if (!fromScript) {
        const join = back.includes('?') ? '&' : '?';
        return redirect(request, reply, `${back}${join}flash=saved`);
      }
      return sendJson(reply, 200, {
        ok: true,
        stage: lead.stage,
        card: await card(lead),
        message: `${w(l, 'movedTo')}: ${stageLabel(l, lead.stage)}`,
      });
    }
    if (answer.status === 412 || answer.status === 404 || answer.status === 400) {
      if (!fromScript)
        return redirect(
          request,
          reply,
          answer.status === 404
            ? '/leads'
            : `/leads/${id}?moved=${answer.status === 412 ? 'stale' : 'invalid'}`,
        );
      const fresh = await this.api.call<Lead>(user, 'GET', `/api/v1/leads/${id}`);
      const problem = answer.body as ApiProblem;
      const message =
        answer.status === 412
          ? w(l, 'stale')
          : fresh.status !== 200
            ? w(l, 'gone')
            : [w(l, 'moveFailed'), ...Object.values(fieldMessages(l, [], problem))].join(' ');
      // Answered 200: the refusal is the board's to show, not a failed request.
      return sendJson(reply, 200, {
        ok: false,
        status: answer.status,
        stage: fresh.status === 200 ? fresh.body.stage : null,
        card: fresh.status === 200 ? await card(fresh.body) : null,
        message,
      });
    }
    if (fromScript)
      return sendJson(reply, 200, {
        ok: false,
        status: answer.status,
        card: null,
        message: w(l, 'moveFailed'),
      });
    throw new ApiError(answer as never);
  }
}

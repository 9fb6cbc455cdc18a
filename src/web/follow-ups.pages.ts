import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can, isAgency } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { Choice, contactPicker, FieldSpec, FormValues } from './kit/forms';
import { dateTime, day, HOME_ZONE, localDay } from './kit/format';
import { Html, html } from './kit/html';
import { dictionary, label, options, t } from './kit/i18n';
import {
  directory,
  DirectoryUser,
  findMore,
  Labels,
  partnerChoices,
  recordChoices,
  tripChoices,
} from './kit/labels';
import { csrfField, facts, titledPage, PageContext, pageContext } from './kit/layout';
import { listPage, recordFilter } from './kit/lists';
import * as records from './kit/records';
import { redirect, safeNext } from './kit/respond';
import { ApiError, WebApi } from './kit/web-api';
import { WebRequest, WebUser } from '../auth/browser-session';
import { FollowUpView, Page } from './kit/views';
import { isUuid } from '../common/ids';

/** A follow-up as the API answers it. */
export interface FollowUp extends FollowUpView, Record<string, unknown> {
  partnerId: string | null;
  interactionId: string | null;
  agreementId: string | null;
  tripId: string | null;
  completedAt: string | null;
  version: number;
  deletedAt: string | null;
}

export const words = dictionary({
  overdueOnly: ['Nur überfällige', 'Overdue only'],
  me: ['Ich selbst', 'Me'],
  nobody: ['– niemand –', '– nobody –'],
  companyResponsible: ['Zuständiges Unternehmen', 'Company responsible'],
  assigneeHint: ['Eine Person, ein Unternehmen oder beide', 'A person, a company or both'],
  markDoneAction: ['Als erledigt markieren', 'Mark as done'],
  responsible: ['Zuständig', 'Responsible'],
  interaction: ['Kontakteintrag', 'Interaction'],
  otherUser: ['(andere Person)', '(someone else)'],
});

const str = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const uuidOrEmpty = (value: unknown): string => (isUuid(str(value)) ? str(value) : '');

/** Today in Berlin, the agency's calendar: a follow-up due before it is overdue. */
export const today = (): string => localDay(new Date(), HOME_ZONE);
export const isOverdue = (f: Pick<FollowUp, 'status' | 'dueOn'>): boolean =>
  f.status === 'open' && f.dueOn !== null && f.dueOn < today();

export const overdueBadge = (ctx: PageContext, f: Pick<FollowUp, 'status' | 'dueOn'>): Html =>
  isOverdue(f) ? html` <span class="badge bad overdue">${t(ctx.locale, 'overdue')}</span>` : html``;

/** The agency users for an assignee picker: the directory, with the user in it when they may be one. */
async function assignable(api: WebApi, user: WebUser): Promise<DirectoryUser[]> {
  const items = await directory(api, user);
  if (items.some((u) => u.id === user.userId) || !isAgency(user) || user.role === 'viewer')
    return items;
  return [{ id: user.userId, displayName: user.displayName, role: user.role }, ...items];
}

const nameIn = (people: DirectoryUser[], user: WebUser, id: string | null): string =>
  !id
    ? ''
    : id === user.userId
      ? user.displayName
      : (people.find((u) => u.id === id)?.displayName ?? '');

/**
 * "Mark done" for a follow-up that is open, for a role that may (a company user for its own):
 * POST /follow-ups/:id/complete at the version shown, then back to the page it came from.
 */
export function doneButton(ctx: PageContext, f: FollowUp, back: string): Html {
  const role = ctx.user?.role;
  if (!role || !can(role, 'follow-up:complete') || f.status !== 'open') return html``;
  return html`<form method="post" action="/follow-ups/${f.id}/complete" class="inline">
    ${csrfField(ctx)}<input type="hidden" name="version" value="${f.version}" /><input
      type="hidden"
      name="back"
      value="${back}"
    /><button type="submit" id="done-${f.id}" aria-label="${words(ctx.locale, 'markDoneAction')}: ${f.title}">
      ${t(ctx.locale, 'markDone')}
    </button>
  </form>`;
}

/** The page's own URL without paging or messages: where a form on it returns to. */
export function backTo(ctx: PageContext): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(ctx.query))
    if (!['cursor', 'fragment', 'shown', 'flash', 'undo'].includes(k) && v) params.set(k, v);
  const query = params.toString().replace(/\+/g, '%20');
  return `${ctx.path}${query ? `?${query}` : ''}`;
}

const LINKS = ['contactId', 'partnerId', 'leadId', 'interactionId', 'agreementId', 'tripId'];

/** The id a link field holds on this form: as posted, else as saved, else from `?contactId=`. */
function linkOf(
  ctx: PageContext,
  field: string,
  record: FollowUp | undefined,
  posted: Record<string, unknown>,
): string {
  if (field in posted) return uuidOrEmpty(posted[field]);
  if (record) return (record[field] as string | null) ?? '';
  return uuidOrEmpty(ctx.query[field]);
}

interface Titled {
  id: string;
  title?: string;
  subject?: string;
  name?: string;
  occurredAt?: string;
}

/** The choices of a link select, with the linked record named even when it is not among them. */
function linkChoices(
  items: Titled[],
  current: string,
  labels: Labels,
  text: (x: Titled) => string,
) {
  const choices: Choice[] = items.map((x) => ({ value: x.id, label: text(x) }));
  if (current && !choices.some((c) => c.value === current))
    choices.unshift({ value: current, label: labels.get(current) || current });
  return choices;
}

/** How many leads (the latest updated) and agreements (the list's order) a follow-up's form offers. */
const LINK_CHOICES = 50;

async function followUpFields(
  api: WebApi,
  ctx: PageContext,
  record: FollowUp | undefined,
  posted: Record<string, unknown>,
): Promise<FieldSpec[]> {
  const user = ctx.user!;
  const l = ctx.locale;
  const link = (field: string) => linkOf(ctx, field, record, posted);
  const labels = new Labels(api, user);
  const empty = Promise.resolve({ items: [], nextCursor: null });
  // The interaction is the one the follow-up came from (`?interactionId=`): named, not listed.
  const [people, companies, partners, leads, agreements, trips] = await Promise.all([
    assignable(api, user),
    recordChoices(api, user, 'companies', [link('companyId')]),
    partnerChoices(api, user, [link('partnerId')]),
    api.get<Page<Titled>>(user, `/api/v1/leads?limit=${LINK_CHOICES}&sort=-updatedAt`),
    can(user.role, 'agreement:read')
      ? api.get<Page<Titled>>(user, `/api/v1/agreements?limit=${LINK_CHOICES}`)
      : empty,
    tripChoices(api, user, l, [link('tripId')], 20),
    labels.load('contacts', [link('contactId')]),
    labels.load('leads', [link('leadId')]),
    labels.load('interactions', [link('interactionId')]),
  ]);
  // An agreement not among those offered is named on its own (an agreement has no list of names).
  const agreementId = link('agreementId');
  if (
    agreementId &&
    can(user.role, 'agreement:read') &&
    !agreements.items.some((a) => a.id === agreementId)
  )
    await labels.load('agreements', [agreementId]);
  const none = t(l, 'none');
  const assignee = (posted.assigneeId ?? record?.assigneeId ?? user.userId) as string | null;
  const assignees: Choice[] = people.map((u) => ({ value: u.id, label: u.displayName }));
  if (assignee && !assignees.some((c) => c.value === assignee))
    assignees.push({ value: assignee, label: words(l, 'otherUser') });
  const contact = link('contactId');
  return [
    { name: 'title', label: t(l, 'title'), required: true, maxLength: 300 },
    { name: 'dueOn', label: t(l, 'dueOn'), type: 'date' },
    {
      name: 'status',
      label: t(l, 'status'),
      type: 'select',
      choices: options(l, 'followUpStatus'),
    },
    { name: 'priority', label: t(l, 'priority'), type: 'select', choices: options(l, 'priority') },
    {
      name: 'assigneeId',
      label: t(l, 'assignee'),
      type: 'select',
      blank: words(l, 'nobody'),
      choices: assignees,
      hint: words(l, 'assigneeHint'),
    },
    {
      name: 'companyId',
      label: words(l, 'companyResponsible'),
      type: 'select',
      blank: none,
      choices: companies,
      find: findMore(l, 'companies', companies.more),
    },
    { name: 'notes', label: t(l, 'notes'), type: 'textarea', maxLength: 10_000 },
    {
      name: 'tripId',
      label: t(l, 'trip'),
      type: 'select',
      blank: none,
      choices: trips,
      find: findMore(l, 'trips', trips.more),
    },
    {
      name: 'partnerId',
      label: t(l, 'partner'),
      type: 'select',
      blank: none,
      choices: partners,
      find: findMore(l, 'partners', partners.more),
    },
    {
      name: 'leadId',
      label: t(l, 'lead'),
      type: 'select',
      blank: none,
      choices: linkChoices(leads.items, link('leadId'), labels, (x) => x.title ?? ''),
      find: findMore(l, 'leads', leads.nextCursor !== null),
    },
    {
      name: 'interactionId',
      label: words(l, 'interaction'),
      type: 'select',
      blank: none,
      choices: linkChoices([], link('interactionId'), labels, () => ''),
    },
    {
      name: 'agreementId',
      label: t(l, 'agreement'),
      type: 'select',
      blank: none,
      choices: linkChoices(agreements.items, link('agreementId'), labels, (x) => x.title ?? ''),
      find: findMore(l, 'agreements', agreements.nextCursor !== null),
    },
    {
      name: 'contactId',
      label: t(l, 'contact'),
      type: 'select',
      blank: none,
      choices: contact ? [{ value: contact, label: labels.get(contact) || contact }] : [],
    },
  ];
}

export const followUpKind = (
  api: WebApi,
  ctx: PageContext,
  posted: Record<string, unknown> = {},
): records.RecordKind<FollowUp> => ({
  api: '/api/v1/follow-ups',
  page: '/follow-ups',
  write: 'follow-up:write',
  newTitle: t(ctx.locale, 'newFollowUp'),
  title: (f) => f.title,
  fields: (c, record) => followUpFields(api, c, record, posted),
  defaults: (c): FormValues => {
    const values: FormValues = { status: 'open', priority: 'normal', assigneeId: c.user!.userId };
    for (const field of [...LINKS, 'companyId'])
      if (uuidOrEmpty(c.query[field])) values[field] = uuidOrEmpty(c.query[field]);
    return values;
  },
  formExtra: contactPicker(ctx, 'f-contactId'),
});

/** Follow-ups: what someone must do next, for a person or a local company. */
@ApiExcludeController()
@Controller('follow-ups')
export class FollowUpPages extends records.RecordRoutes(
  (ctx, api, posted) => followUpKind(api, ctx, posted),
  'follow-up:write',
  'follow-up:read',
) {
  @Get()
  @Allow('follow-up:read')
  async list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const l = ctx.locale;
    const agency = isAgency(user);
    const labels = new Labels(this.api, user);
    const [people, byCompany] = await Promise.all([
      agency ? assignable(this.api, user) : Promise.resolve([]),
      agency
        ? recordFilter(this.api, ctx, {
            name: 'companyId',
            label: t(l, 'company'),
            kind: 'companies',
            labels,
          })
        : Promise.resolve(undefined),
    ]);
    const kind = followUpKind(this.api, ctx);
    const back = backTo(ctx);
    return listPage<FollowUp>(this.api, ctx, reply, {
      ...records.listed(ctx, kind),
      title: t(l, 'followUps'),
      defaultSort: 'dueOn',
      filters: [
        {
          name: 'status',
          label: t(l, 'status'),
          type: 'select',
          choices: options(l, 'followUpStatus'),
        },
        { name: 'overdue', label: words(l, 'overdueOnly'), type: 'checkbox' },
        {
          name: 'priority',
          label: t(l, 'priority'),
          type: 'select',
          choices: options(l, 'priority'),
        },
        ...(agency
          ? [
              {
                name: 'assigneeId',
                label: t(l, 'assignee'),
                type: 'select' as const,
                choices: [
                  { value: 'me', label: words(l, 'me') },
                  ...people
                    .filter((u) => u.id !== user.userId)
                    .map((u) => ({ value: u.id, label: u.displayName })),
                ],
              },
            ]
          : []),
        ...(byCompany ? [byCompany] : []),
      ],
      prepare: async (items) => {
        await labels.load(
          'companies',
          items.map((f) => f.companyId),
        );
      },
      columns: [
        {
          header: t(l, 'title'),
          sort: 'title',
          primary: true,
          cell: (f) => html`<a href="/follow-ups/${f.id}">${f.title}</a>`,
        },
        {
          header: t(l, 'dueOn'),
          sort: 'dueOn',
          cell: (f) => html`${day(f.dueOn, l)}${overdueBadge(ctx, f)}`,
        },
        {
          header: t(l, 'priority'),
          sort: 'priority',
          cell: (f) =>
            html`<span class="badge${f.priority === 'high' ? ' warn' : ''}">${label(l, 'priority', f.priority)}</span>`,
        },
        {
          header: t(l, 'status'),
          cell: (f) =>
            html`<span class="badge${f.status === 'done' ? ' ok' : ''}">${label(l, 'followUpStatus', f.status)}</span>
              ${doneButton(ctx, f, back)}`,
        },
        {
          header: words(l, 'responsible'),
          cell: (f) =>
            [nameIn(people, user, f.assigneeId), labels.get(f.companyId)]
              .filter(Boolean)
              .join(' · '),
        },
        {
          header: t(l, 'completedAt'),
          sort: 'completedAt',
          cell: (f) => dateTime(f.completedAt, l),
        },
      ],
    });
  }

  async recordPage(ctx: PageContext, id: string): Promise<Html> {
    const user = ctx.user!;
    const l = ctx.locale;
    const f = await this.api.get<FollowUp>(user, `/api/v1/follow-ups/${id}`);
    const labels = new Labels(this.api, user);
    const [people] = await Promise.all([
      f.assigneeId && f.assigneeId !== user.userId ? assignable(this.api, user) : [],
      labels.load('companies', [f.companyId]),
      labels.load('contacts', [f.contactId]),
      labels.load('partners', [f.partnerId]),
      labels.load('leads', [f.leadId]),
      labels.load('trips', [f.tripId]),
      can(user.role, 'interaction:read') ? labels.load('interactions', [f.interactionId]) : null,
      can(user.role, 'agreement:read') ? labels.load('agreements', [f.agreementId]) : null,
    ]);
    // A link is shown only when the user may see what it leads to (then it has a name).
    const linkTo = (path: string, linked: string | null) => {
      const name = labels.get(linked);
      return name ? html`<a href="/${path}/${linked}">${name}</a>` : '';
    };
    const kind = followUpKind(this.api, ctx);
    const done = doneButton(ctx, f, `/follow-ups/${f.id}`);
    return titledPage(
      ctx,
      f.title,
      html`
          <p class="badges">
            <span class="badge${f.status === 'done' ? ' ok' : ''}" id="follow-up-status">${label(l, 'followUpStatus', f.status)}</span>
            <span class="badge${f.priority === 'high' ? ' warn' : ''}">${label(l, 'priority', f.priority)}</span>${overdueBadge(ctx, f)}
          </p>
          ${
            can(user.role, kind.write)
              ? records.recordActions(ctx, kind, f, done)
              : done.value
                ? html`<div class="actions">${done}</div>`
                : ''
          }
          ${facts([
            [t(l, 'status'), label(l, 'followUpStatus', f.status)],
            [t(l, 'priority'), label(l, 'priority', f.priority)],
            [t(l, 'dueOn'), html`${day(f.dueOn, l)}${overdueBadge(ctx, f)}`],
            [t(l, 'assignee'), nameIn(people, user, f.assigneeId)],
            [words(l, 'companyResponsible'), linkTo('companies', f.companyId)],
            [t(l, 'contact'), linkTo('contacts', f.contactId)],
            [t(l, 'partner'), linkTo('partners', f.partnerId)],
            [t(l, 'lead'), linkTo('leads', f.leadId)],
            [words(l, 'interaction'), linkTo('interactions', f.interactionId)],
            [t(l, 'agreement'), linkTo('agreements', f.agreementId)],
            [t(l, 'trip'), linkTo('trips', f.tripId)],
            [t(l, 'completedAt'), dateTime(f.completedAt, l)],
            [t(l, 'notes'), f.notes ? html`<span class="text">${f.notes}</span>` : ''],
          ])}`,
    );
  }

  /** Marks it done at the version shown (a company user's one way to change a follow-up). */
  @Post(':id/complete')
  @Allow('follow-up:complete')
  async complete(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call(ctx.user!, 'POST', `/api/v1/follow-ups/${id}/complete`, {
      ifMatch: Number(body.version) || 0,
    });
    const back = safeNext(body.back);
    // Someone changed it since: the page shows it as it is now.
    if (answer.status === 412) return redirect(request, reply, back);
    if (answer.status !== 200) throw new ApiError(answer as never);
    redirect(request, reply, `${back}${back.includes('?') ? '&' : '?'}flash=saved`);
  }
}

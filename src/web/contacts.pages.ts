import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can, isAgency } from '../auth/permissions';
import { personName } from '../contacts/names';
import { historyLink } from './audit.pages';
import { w } from './contacts.words';
import { x } from './exports.words';
import { Choice, FieldSpec, FormValues, searchTerm, suggestionItems } from './kit/forms';
import {
  bothClocks,
  countries,
  countryName,
  dateTime,
  day,
  isoToLocal,
  localToIso,
  money,
  telHref,
} from './kit/format';
import { duplicatesLink } from './duplicates.pages';
import { Html, html } from './kit/html';
import { label, Locale, options, t } from './kit/i18n';
import {
  directory,
  findMore,
  Labels,
  partnerChoices,
  recordChoices,
  RecordChoices,
  recordSuggestionsFragment,
} from './kit/labels';
import { doneNotice, facts, titledPage, PageContext, pageContext } from './kit/layout';
import { listPage, recordFilter } from './kit/lists';
import * as records from './kit/records';
import { importLink } from './imports.pages';
import { personalDataLink } from './privacy.pages';
import { p } from './privacy.words';
import { privacyBlock, privacyNotice } from './rights.pages';
import { w as pw } from './rights.words';
import { sendPage } from './kit/respond';
import { WebRequest, WebUser } from '../auth/browser-session';
import { ContactView, Page, TimelineItemView } from './kit/views';
import { WebApi } from './kit/web-api';
import { contactCardSection, scanCardLink } from './cards.pages';

/** A contact as the API gives it, with the fields only agency users get. */
export type Contact = ContactView & {
  ownerId: string | null;
  legalBasis?: { basis: string; recordedAt: string | null; source: string | null } | null;
  restrictedAt?: string | null;
  restrictionReason?: string | null;
  objectedAt?: string | null;
  objectionNote?: string | null;
  createdAt: string;
  deletedAt: string | null;
} & Record<string, unknown>;

/**
 * The companies and partners a select of a contact's organisation offers (recordChoices): the
 * first 200 of each by name, a partner with its name in its own script, and those of `current`
 * (`company:<id>` / `partner:<id>`: the record's, the card's match, the posted form's) by name.
 */
export async function organisations(
  api: WebApi,
  user: WebUser,
  current: unknown[] = [],
): Promise<{ companies: RecordChoices; partners: RecordChoices }> {
  const chosen = current.map(organisationFields);
  const [companies, partners] = await Promise.all([
    recordChoices(
      api,
      user,
      'companies',
      chosen.map((o) => o.companyId),
    ),
    partnerChoices(
      api,
      user,
      chosen.map((o) => o.partnerId),
    ),
  ]);
  return { companies, partners };
}

/**
 * `company:<id>` / `partner:<id>`: one select for both, grouped under their headings; a search
 * box finds those beyond the first offered of either.
 */
export function organisationChoices(
  locale: Locale,
  orgs: { companies: RecordChoices; partners: RecordChoices },
): Pick<FieldSpec, 'choices' | 'find'> {
  return {
    choices: [
      ...orgs.companies.map((c) => ({
        value: `company:${c.value}`,
        label: c.label,
        group: t(locale, 'companies'),
      })),
      ...orgs.partners.map((p) => ({
        value: `partner:${p.value}`,
        label: p.label,
        group: t(locale, 'partners'),
      })),
    ],
    find: findMore(locale, 'organisations', orgs.companies.more || orgs.partners.more),
  };
}

export const organisationValue = (r: { companyId?: unknown; partnerId?: unknown }): string =>
  typeof r.companyId === 'string' && r.companyId
    ? `company:${r.companyId}`
    : typeof r.partnerId === 'string' && r.partnerId
      ? `partner:${r.partnerId}`
      : '';

/** The select's value as the API's two fields: the one chosen, and the other null. */
export function organisationFields(value: unknown): {
  companyId: string | null;
  partnerId: string | null;
} {
  const v = typeof value === 'string' ? value : '';
  const [kind, id] = v.split(':');
  return {
    companyId: kind === 'company' && id ? id : null,
    partnerId: kind === 'partner' && id ? id : null,
  };
}

const text = (v: string | string[] | undefined) => (typeof v === 'string' ? v.trim() : '');

/** Basis, when and source: the one `legalBasis` object of the API, or null without a basis. */
function legalBasisOf(values: FormValues): Record<string, unknown> {
  const basis = text(values.legalBasis);
  const recorded = text(values.legalBasisRecordedAt);
  const source = text(values.legalBasisSource) || null;
  if (!basis && !recorded && !source) return { legalBasis: null };
  return {
    legalBasis: {
      // Without a basis the API says so beside the select, instead of the source being dropped.
      basis: basis || null,
      ...(recorded && { recordedAt: localToIso(recorded) ?? recorded }),
      source,
    },
  };
}

const LANGUAGE_NAMES = {
  de: new Intl.DisplayNames(['de'], { type: 'language' }),
  en: new Intl.DisplayNames(['en-GB'], { type: 'language' }),
};

/** Language tags by name: `zh-CN` → „Chinesisch (China)“. */
export function languageName(tag: string, locale: Locale): string {
  try {
    return LANGUAGE_NAMES[locale === 'de' ? 'de' : 'en'].of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export const kind = (ctx: PageContext, api: WebApi): records.RecordKind<Contact> => ({
  api: '/api/v1/contacts',
  page: '/contacts',
  write: 'contact:write',
  newTitle: t(ctx.locale, 'newContact'),
  title: (c) => personName(c),
  rename: {
    companyId: 'organisation',
    partnerId: 'organisation',
    'legalBasis.basis': 'legalBasis',
    'legalBasis.recordedAt': 'legalBasisRecordedAt',
    'legalBasis.source': 'legalBasisSource',
  },
  fields: async (c, record): Promise<FieldSpec[]> => {
    const l = c.locale;
    const [orgs, users] = await Promise.all([
      organisations(api, c.user!, [record && organisationValue(record)]),
      directory(api, c.user!),
    ]);
    const owners: Choice[] = users.map((u) => ({ value: u.id, label: u.displayName }));
    // Without the directory (a role that may not ask) the owner stays as it is.
    if (owners.length && record?.ownerId && !owners.some((o) => o.value === record.ownerId))
      owners.unshift({ value: record.ownerId, label: w(l, 'formerUser') });
    return [
      { name: 'salutation', label: t(l, 'salutation'), maxLength: 50 },
      {
        name: 'familyName',
        label: t(l, 'familyName'),
        maxLength: 200,
        hint: w(l, 'familyNameHint'),
      },
      { name: 'givenName', label: t(l, 'givenName'), maxLength: 200 },
      {
        name: 'nativeName',
        label: t(l, 'nativeName'),
        maxLength: 200,
        lang: 'zh',
        hint: w(l, 'nativeNameHint'),
      },
      { name: 'position', label: t(l, 'position'), maxLength: 200 },
      {
        name: 'organisation',
        label: t(l, 'organisation'),
        type: 'select',
        blank: w(l, 'noOrganisation'),
        ...organisationChoices(l, orgs),
        fromApi: organisationValue,
        apiFields: (values) => organisationFields(values.organisation),
      },
      { name: 'email', label: t(l, 'email'), type: 'email', maxLength: 254 },
      { name: 'phone', label: t(l, 'phone'), type: 'tel', maxLength: 40 },
      { name: 'wechatId', label: t(l, 'wechatId'), maxLength: 100 },
      { name: 'languages', label: t(l, 'languages'), type: 'list', hint: t(l, 'languagesHint') },
      {
        name: 'country',
        label: t(l, 'country'),
        type: 'select',
        blank: t(l, 'none'),
        choices: countries(l),
      },
      { name: 'city', label: t(l, 'city'), maxLength: 200 },
      { name: 'notes', label: t(l, 'notes'), type: 'textarea', maxLength: 10_000 },
      { name: 'tags', label: t(l, 'tags'), type: 'list', hint: t(l, 'tagsHint') },
      ...(owners.length
        ? [
            {
              name: 'ownerId',
              label: t(l, 'owner'),
              type: 'select',
              choices: owners,
            } satisfies FieldSpec,
          ]
        : []),
      {
        name: 'legalBasis',
        label: t(l, 'legalBasis'),
        type: 'select',
        blank: w(l, 'notRecorded'),
        choices: options(l, 'legalBasis'),
        fromApi: (r) => (r.legalBasis as Contact['legalBasis'])?.basis ?? '',
        apiFields: legalBasisOf,
      },
      {
        name: 'legalBasisRecordedAt',
        label: w(l, 'legalBasisRecordedAt'),
        type: 'datetime',
        hint: w(l, 'legalBasisRecordedAtHint'),
        fromApi: (r) => {
          const at = (r.legalBasis as Contact['legalBasis'])?.recordedAt;
          return at ? isoToLocal(at) : '';
        },
        apiFields: legalBasisOf,
      },
      {
        name: 'legalBasisSource',
        label: t(l, 'legalBasisSource'),
        maxLength: 500,
        fromApi: (r) => (r.legalBasis as Contact['legalBasis'])?.source ?? '',
        apiFields: legalBasisOf,
      },
    ];
  },
  // A public agency processes most contacts as a public task (GDPR art. 6(1)(e), recital 43).
  defaults: (c) => ({ legalBasis: 'public_task', ...(c.user && { ownerId: c.user.userId }) }),
});

const TIMELINE_PAGES: Record<string, { path: string; action: Parameters<typeof can>[1] }> = {
  interaction: { path: '/interactions', action: 'interaction:read' },
  followUp: { path: '/follow-ups', action: 'follow-up:read' },
  lead: { path: '/leads', action: 'lead:read' },
};

/** What happened, where the item's own badges do not say it already (occurred, due). */
const EVENTS: Record<string, Parameters<typeof w>[1]> = {
  created: 'eventCreated',
  stageChanged: 'eventStageChanged',
  completed: 'eventCompleted',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** One thing that happened with a contact, as a line of its timeline. */
function timelineItem(ctx: PageContext, item: TimelineItemView, labels: Labels): Html {
  const l = ctx.locale;
  const page = TIMELINE_PAGES[item.type];
  const zone = str(item.timeZone);
  // A follow-up that is due sits at the start of its day: the day is what it says.
  const when =
    item.event === 'due' && str(item.dueOn)
      ? day(str(item.dueOn), l)
      : zone
        ? bothClocks(item.at, l, zone)
        : dateTime(item.at, l);
  const title =
    page && ctx.user && can(ctx.user.role, page.action)
      ? html`<a href="${page.path}/${item.id}">${item.title}</a>`
      : html`${item.title}`;
  const badges: string[] = [];
  const event = str(item.event);
  if (event && Object.hasOwn(EVENTS, event)) badges.push(w(l, EVENTS[event]));
  if (item.type === 'interaction' && str(item.kind))
    badges.push(label(l, 'interactionKind', str(item.kind)));
  if (item.type === 'followUp') {
    if (str(item.status)) badges.push(label(l, 'followUpStatus', str(item.status)));
    if (str(item.priority) && item.priority !== 'normal')
      badges.push(label(l, 'priority', str(item.priority)));
  }
  if (item.type === 'lead' && str(item.stage))
    badges.push(
      str(item.fromStage)
        ? `${label(l, 'stage', str(item.fromStage))} → ${label(l, 'stage', str(item.stage))}`
        : label(l, 'stage', str(item.stage)),
    );
  const details: (Html | string)[] = [];
  if (str(item.dueOn)) details.push(`${t(l, 'dueOn')} ${day(str(item.dueOn), l)}`);
  if (str(item.completedAt))
    details.push(`${t(l, 'completedAt')} ${dateTime(str(item.completedAt), l)}`);
  if (typeof item.valueEur === 'number') details.push(money(item.valueEur, l));
  if (str(item.location)) details.push(str(item.location)!);
  const company = item.type === 'lead' ? labels.get(str(item.companyId)) : '';
  if (company) details.push(company);
  // A lead's items share its id (created, then each change of stage): no element id from it.
  return html`<li class="timeline-${item.type}" data-id="${item.id}">
    <p class="when"><span class="badge type">${label(l, 'timelineType', item.type)}</span>
      <time datetime="${item.at}">${when}</time></p>
    <p class="what">${title}${badges.map((b) => html` <span class="badge">${b}</span>`)}${
      item.confidential === true
        ? html` <span class="badge warn">${t(l, 'confidential')}</span>`
        : ''
    }</p>
    ${details.length ? html`<p class="muted">${details.join(' · ')}</p>` : ''}
    ${str(item.summary) ? html`<p class="summary">${str(item.summary)}</p>` : ''}
  </li>`;
}

/** Contacts: the people the agency has met, with what happened with each of them. */
@ApiExcludeController()
@Controller('contacts')
export class ContactPages extends records.RecordRoutes(kind, 'contact:write', 'contact:read') {
  @Get()
  @Allow('contact:read')
  async list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const l = ctx.locale;
    const labels = new Labels(this.api, user);
    // Companies and partners run to thousands: the filters name the chosen one and link to
    // their lists to choose; the rows' organisations are named for the rows shown only.
    const [companyFilter, partnerFilter, users] = await Promise.all([
      recordFilter(this.api, ctx, {
        name: 'companyId',
        label: t(l, 'company'),
        kind: 'companies',
        labels,
      }),
      recordFilter(this.api, ctx, {
        name: 'partnerId',
        label: t(l, 'partner'),
        kind: 'partners',
        labels,
      }),
      directory(this.api, user),
    ]);
    return listPage<Contact>(this.api, ctx, reply, {
      ...records.listed(ctx, kind(ctx, this.api)),
      links: [importLink(l, 'contact')],
      title: t(l, 'contacts'),
      // After an erasure (src/web/privacy.pages.ts) the person's page is gone: the list says so;
      // so is a contact restricted by someone who no longer sees it (src/web/rights.pages.ts).
      intro: html`${doneNotice(ctx, ['erased'], p)}${privacyNotice(ctx)}${duplicatesLink(ctx, 'contacts', 'contact:write')}${
        can(ctx.user!.role, 'contact:write') ? html`<p class="actions">${scanCardLink(l)}</p>` : ''
      }`,
      defaultSort: 'name',
      filters: [
        ...(companyFilter ? [companyFilter] : []),
        ...(partnerFilter ? [partnerFilter] : []),
        ...(users.length
          ? [
              {
                name: 'ownerId',
                label: t(l, 'owner'),
                type: 'select' as const,
                choices: [
                  { value: 'me', label: w(l, 'me') },
                  ...users.map((u) => ({ value: u.id, label: u.displayName })),
                ],
              },
            ]
          : []),
        { name: 'country', label: t(l, 'country'), type: 'select', choices: countries(l) },
        // Only admins see restricted contacts at all.
        ...(user.role === 'admin'
          ? [{ name: 'restricted', label: pw(l, 'onlyRestricted'), type: 'checkbox' as const }]
          : []),
      ],
      prepare: async (items) => {
        await Promise.all([
          labels.load(
            'companies',
            items.map((c) => c.companyId),
          ),
          labels.load(
            'partners',
            items.map((c) => c.partnerId),
          ),
        ]);
      },
      columns: [
        {
          header: t(l, 'name'),
          sort: 'name',
          primary: true,
          cell: (c) =>
            html`<a href="/contacts/${c.id}">${personName(c)}</a>${
              c.restrictedAt
                ? html` <span class="badge bad" data-restricted="${c.id}">${pw(l, 'restricted')}</span>`
                : ''
            }`,
        },
        { header: t(l, 'position'), cell: (c) => c.position },
        { header: t(l, 'organisation'), cell: (c) => labels.get(c.companyId ?? c.partnerId) },
        { header: t(l, 'email'), cell: (c) => c.email },
        {
          header: t(l, 'city'),
          cell: (c) => [c.city, countryName(c.country, l)].filter(Boolean).join(', '),
        },
        { header: t(l, 'updatedAt'), sort: 'updatedAt', cell: (c) => dateTime(c.updatedAt, l) },
      ],
    });
  }

  /** Suggestions for the contact picker of "Log a contact" (an htmx fragment). */
  @Get('suggest')
  @Allow('contact:read')
  async suggest(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query('q') term?: unknown,
  ): Promise<void> {
    const ctx = pageContext(request);
    const q = searchTerm(term);
    if (q === '') return sendPage(reply, html``);
    const answer = await this.api.call<Page<ContactView>>(
      ctx.user!,
      'GET',
      `/api/v1/contacts?${new URLSearchParams({ q, limit: '8' }).toString()}`,
    );
    const items = answer.status === 200 ? answer.body.items : [];
    sendPage(
      reply,
      suggestionItems(
        ctx.locale,
        items.map((c) => ({ value: c.id, label: personName(c), detail: c.position ?? undefined })),
      ),
    );
  }

  /**
   * Suggestions for an organisation select's search box (an htmx fragment): the companies and
   * the partners the user may read whose names match, as the select's values.
   */
  @Get('organisations/suggest')
  @Allow('contact:read')
  async suggestOrganisations(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query('q') term?: unknown,
  ): Promise<void> {
    const ctx = pageContext(request);
    sendPage(reply, await recordSuggestionsFragment(this.api, ctx, 'organisations', term));
  }

  async recordPage(ctx: PageContext, id: string): Promise<Html> {
    const user = ctx.user!;
    const l = ctx.locale;
    const [c, timeline, users, card] = await Promise.all([
      this.api.get<Contact>(user, `/api/v1/contacts/${id}`),
      this.api.get<Page<TimelineItemView>>(user, `/api/v1/contacts/${id}/timeline?limit=50`),
      directory(this.api, user),
      this.api.get<{ sides: ('front' | 'back')[] }>(user, `/api/v1/contacts/${id}/card`),
    ]);
    const labels = new Labels(this.api, user);
    await Promise.all([
      labels.load('companies', [
        c.companyId,
        ...timeline.items.map((i) => (i.type === 'lead' ? str(i.companyId) : undefined)),
      ]),
      labels.load('partners', [c.partnerId]),
    ]);
    const orgName = labels.get(c.companyId ?? c.partnerId);
    const organisation = orgName
      ? html`<a href="${c.companyId ? '/companies' : '/partners'}/${c.companyId ?? c.partnerId}">${orgName}</a>`
      : '';
    const owner =
      users.find((u) => u.id === c.ownerId)?.displayName ??
      (c.ownerId === user.userId ? user.displayName : '');
    const extra = html`<a class="button" id="download-vcard" href="/contacts/${c.id}/vcard" download>${x(l, 'vcardOne')}</a>${
      can(user.role, 'interaction:write')
        ? html`<a class="button" id="log-interaction" href="/log?contactId=${c.id}">${w(l, 'logInteraction')}</a>`
        : ''
    }${
      can(user.role, 'follow-up:write')
        ? html`<a class="button" id="add-follow-up" href="/follow-ups/new?contactId=${c.id}">${w(l, 'addFollowUp')}</a>`
        : ''
    }${can(user.role, 'contact:privacy') ? personalDataLink(l, c.id) : ''}`;
    const items = [...timeline.items].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    const agency = isAgency(user);
    return titledPage(
      ctx,
      c.restrictedAt ? `${personName(c)} (${pw(l, 'restricted')})` : personName(c),
      html`
          ${privacyNotice(ctx)}
          ${c.position || orgName ? html`<p class="lead-line">${[c.position, orgName].filter(Boolean).join(' · ')}</p>` : ''}
          ${records.recordActions(ctx, kind(ctx, this.api), c, extra)}
          ${historyLink(ctx, 'contact', c.id)}
          ${facts([
            [t(l, 'salutation'), c.salutation],
            [t(l, 'familyName'), c.familyName],
            [t(l, 'givenName'), c.givenName],
            [t(l, 'nativeName'), c.nativeName ? html`<span lang="zh">${c.nativeName}</span>` : ''],
            [t(l, 'position'), c.position],
            [t(l, 'organisation'), organisation],
            [t(l, 'email'), c.email ? html`<a href="mailto:${c.email}">${c.email}</a>` : ''],
            [
              t(l, 'phone'),
              c.phone ? html`<a href="${telHref(c.phone)}" id="contact-phone">${c.phone}</a>` : '',
            ],
            [t(l, 'wechatId'), c.wechatId],
            [t(l, 'languages'), c.languages.map((x) => languageName(x, l)).join(', ')],
            [t(l, 'country'), countryName(c.country, l)],
            [t(l, 'city'), c.city],
            ...(agency
              ? ([
                  [t(l, 'notes'), c.notes],
                  [t(l, 'tags'), (c.tags ?? []).join(', ')],
                  [t(l, 'owner'), owner],
                ] as [string, Html | string | null][])
              : []),
            [t(l, 'createdAt'), dateTime(c.createdAt, l)],
            [t(l, 'updatedAt'), dateTime(c.updatedAt, l)],
          ])}
          ${contactCardSection(l, c.id, card.sides)}
          ${agency ? privacyBlock(ctx, c) : ''}
          <h2 id="h-timeline">${t(l, 'timeline')}</h2>
          ${
            items.length
              ? html`<ol class="timeline" id="timeline" aria-labelledby="h-timeline">
                  ${items.map((item) => timelineItem(ctx, item, labels))}
                </ol>`
              : html`<p class="muted" id="timeline">${t(l, 'noEntries')}</p>`
          }`,
    );
  }
}

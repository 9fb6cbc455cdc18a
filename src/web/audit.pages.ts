import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuditExport } from '../audit/audit-export.service';
import { AuditExportQuery } from '../audit/audit.dto';
import type { AuditEventDto } from '../audit/audit.dto';
import { Allow } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import { can } from '../auth/permissions';
import { actionLabel, ACTIONS, auditWords as w, KINDS, kindLabel } from './audit.words';
import { dateTime, day } from './kit/format';
import { Html, html } from './kit/html';
import { EnumName, isWord, label, Locale, t } from './kit/i18n';
import { PageContext, pageContext } from './kit/layout';
import { Filter, listPage, listState, ListSpec } from './kit/lists';
import { WebApi } from './kit/web-api';
import type { Page } from './kit/views';
import { isUuid } from '../common/ids';

const LONG = 80;

/** The page of a record kind, where it has one. */
const PAGES: Record<string, string> = {
  agreement: '/agreements',
  company: '/companies',
  contact: '/contacts',
  followUp: '/follow-ups',
  interaction: '/interactions',
  lead: '/leads',
  partner: '/partners',
  trip: '/trips',
  user: '/users',
  mail: '/admin/outbox',
};
/** Fields whose values are one of an enumeration the pages already name. */
const ENUM_FIELDS: Record<string, EnumName> = {
  stage: 'stage',
  role: 'role',
  locale: 'locale',
  priority: 'priority',
  costBearer: 'costBearer',
  legalBasis: 'legalBasis',
};

/** A link to a record's history in the audit log, for those who may read it. */
export const historyLink = (ctx: PageContext, entity: string, id: string): Html =>
  ctx.user && can(ctx.user.role, 'audit:read')
    ? html`<p class="history-link"><a href="/admin/audit?entity=${entity}&amp;entityId=${id}" id="history">${w(ctx.locale, 'history')}</a></p>`
    : html``;

/** One value of a change, as a person reads it: dates in Berlin, yes/no, labels, shortened. */
function value(l: Locale, field: string, v: unknown): Html {
  let text: string;
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0))
    return html`<span class="muted">–</span>`;
  if (typeof v === 'boolean') text = w(l, v ? 'yes' : 'no');
  else if (typeof v === 'number') text = v.toLocaleString(l === 'de' ? 'de-DE' : 'en-GB');
  else if (
    typeof v === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) &&
    !Number.isNaN(Date.parse(v))
  )
    text = dateTime(v, l);
  else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) text = day(v, l);
  else if (typeof v === 'string' && Object.hasOwn(ENUM_FIELDS, field))
    text = label(l, ENUM_FIELDS[field], v);
  else if (typeof v === 'string') text = v;
  else if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null))
    text = v.map(String).join(', ');
  else text = JSON.stringify(v);
  return text.length > LONG
    ? html`<span title="${text.slice(0, 1000)}">${text.slice(0, LONG - 1)}…</span>`
    : html`${text}`;
}

const isChange = (v: unknown): v is { before: unknown; after: unknown } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && ('before' in v || 'after' in v);

/** The changes of an event as a small table: field, before, after. */
function changesTable(l: Locale, changes: Record<string, unknown>): Html {
  const entries = Object.entries(changes);
  if (entries.length === 0) return html``;
  return html`<table class="changes">
    <thead><tr><th scope="col">${w(l, 'field')}</th><th scope="col">${w(l, 'before')}</th><th scope="col">${w(l, 'after')}</th></tr></thead>
    <tbody>
      ${entries.map(([field, v]) => {
        const name = isWord(field) ? t(l, field) : field;
        return isChange(v)
          ? html`<tr data-field="${field}"><th scope="row">${name}</th><td class="before">${value(l, field, v.before)}</td><td class="after">${value(l, field, v.after)}</td></tr>`
          : html`<tr data-field="${field}"><th scope="row">${name}</th><td class="before"></td><td class="after">${value(l, field, v)}</td></tr>`;
      })}
    </tbody>
  </table>`;
}

interface UserName {
  id: string;
  displayName: string;
}

/**
 * `/admin/audit`: the audit log for admins, filtered by record, user, action and days, newest
 * first with "load more"; each event readable (who, what, which record, the changes), and the
 * same filters as a CSV download (`/admin/audit/export`, the API's export with the session).
 */
@ApiExcludeController()
@WebPages()
@Controller('admin/audit')
export class AuditPages {
  constructor(
    private readonly api: WebApi,
    private readonly exports: AuditExport,
  ) {}

  @Get()
  @Allow('audit:read')
  async list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const users = await this.api.get<Page<UserName>>(
      ctx.user!,
      '/api/v1/users?limit=200&sort=displayName',
    );
    const names = new Map(users.items.map((u) => [u.id, u.displayName]));
    const userChoices = users.items.map((u) => ({ value: u.id, label: u.displayName }));
    // A user of the URL beyond the first 200 stays choosable.
    const chosen = ctx.query.actorId;
    if (isUuid(chosen) && !names.has(chosen)) {
      const answer = await this.api.call<UserName>(ctx.user!, 'GET', `/api/v1/users/${chosen}`);
      if (answer.status === 200) {
        names.set(chosen, answer.body.displayName);
        userChoices.unshift({ value: chosen, label: answer.body.displayName });
      }
    }
    const kindChoices = KINDS.map((k) => ({ value: k, label: kindLabel(l, k) })).sort((a, b) =>
      a.label.localeCompare(b.label, l),
    );
    const filters: Filter[] = [
      { name: 'entity', label: w(l, 'recordKind'), type: 'select', choices: kindChoices },
      {
        name: 'entityId',
        label: w(l, 'recordId'),
        type: 'text',
        toApi: (v) => (isUuid(v.trim()) ? v.trim() : undefined),
      },
      { name: 'actorId', label: w(l, 'user'), type: 'select', choices: userChoices },
      {
        name: 'action',
        label: w(l, 'action'),
        type: 'select',
        choices: ACTIONS.map((a) => ({ value: a, label: actionLabel(l, a) })),
      },
      { name: 'from', label: w(l, 'from'), type: 'date', toApi: dayOnly },
      { name: 'to', label: w(l, 'to'), type: 'date', toApi: dayOnly },
    ];
    const spec: ListSpec<AuditEventDto> = {
      path: '/admin/audit',
      api: '/api/v1/audit',
      title: w(l, 'title'),
      filters,
      defaultSort: '-at',
      limit: 50,
      prepare: async (items) => {
        const missing = [
          ...new Set(items.flatMap((e) => (e.actorId && !names.has(e.actorId) ? [e.actorId] : []))),
        ];
        await Promise.all(
          missing.map(async (id) => {
            const answer = await this.api.call<UserName>(ctx.user!, 'GET', `/api/v1/users/${id}`);
            if (answer.status === 200) names.set(id, answer.body.displayName);
          }),
        );
      },
      columns: [
        {
          header: w(l, 'when'),
          sort: 'at',
          primary: true,
          cell: (e) => html`<time datetime="${e.at}">${dateTime(e.at, l)}</time>`,
        },
        {
          header: w(l, 'who'),
          cell: (e) =>
            e.actorId
              ? html`<a href="/users/${e.actorId}" class="actor">${names.get(e.actorId) ?? e.actorId.slice(0, 8)}</a>`
              : html`<span class="muted">${w(l, 'system')}</span>`,
        },
        {
          header: w(l, 'what'),
          cell: (e) =>
            html`<span class="action" data-action="${e.action}">${actionLabel(l, e.action)}</span>`,
        },
        {
          header: w(l, 'record'),
          cell: (e) => {
            const kind = kindLabel(l, e.entity);
            if (!e.entityId) return kind;
            const page = PAGES[e.entity];
            return page
              ? html`<a href="${page}/${e.entityId}" class="record">${kind}</a>`
              : html`${kind} <span class="muted">${e.entityId.slice(0, 8)}</span>`;
          },
        },
        { header: w(l, 'changes'), cell: (e) => changesTable(l, e.changes) },
      ],
    };
    const state = listState(spec, ctx.query);
    const csv = new URLSearchParams({ format: 'csv', delimiter: 'semicolon', lang: l });
    for (const f of filters) {
      const v = state[f.name];
      const apiValue = v === undefined ? undefined : f.toApi ? f.toApi(v) : v;
      if (apiValue) csv.set(f.name, apiValue);
    }
    spec.links = [
      {
        href: `/admin/audit/export?${csv.toString()}`,
        label: w(l, 'csv'),
        action: 'audit:read',
        id: 'audit-csv',
      },
    ];
    return listPage(this.api, ctx, reply, spec);
  }

  @Get('export')
  @Allow('audit:read')
  async export(
    @Req() request: WebRequest,
    @Query() query: AuditExportQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ctx = pageContext(request);
    await this.exports.send(ctx.user!, { ...query, lang: query.lang ?? ctx.locale }, reply);
  }
}

const dayOnly = (v: string): string | undefined => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

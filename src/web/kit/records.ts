import { applyDecorators, Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Allow } from '../../auth/actor';
import { Action, can } from '../../auth/permissions';
import { UuidParam } from '../../common/params';
import {
  changedFields,
  conflictTable,
  createBody,
  decodeBase,
  FieldSpec,
  fieldMessages,
  FormValues,
  idempotencyField,
  idempotencyKeyOf,
  patchBody,
  readForm,
  recordForm,
  valuesOf,
} from './forms';
import { Html, html } from './html';
import { t } from './i18n';
import { recordSuggestionsFragment, Suggested } from './labels';
import { csrfField, PageContext, pageContext, titledPage } from './layout';
import { redirect, sendPage } from './respond';
import { ApiError, ApiProblem, WebApi } from './web-api';
import { WebPages, WebRequest } from '../../auth/browser-session';

type Row = { id: string; version: number; deletedAt?: string | null } & Record<string, unknown>;

/**
 * How one kind of record lives in the browser: where the API and the pages are, who may change
 * it, and its form. Create, edit (with the lost-race view), delete with undo, restore and purge
 * are the same for every kind and live here once; each feature adds its own list and detail.
 */
export interface RecordKind<T extends Row = Row> {
  /** `/api/v1/companies`, or a nested `/api/v1/trips/:id/participants` already filled in. */
  api: string;
  /** `/companies`: the record's page is `${page}/${id}`. */
  page: string;
  /** Where the list is (after a delete); the page itself by default. */
  listPage?: string;
  write: Action;
  /** Heading of the forms: „Neues Unternehmen“, „Unternehmen bearbeiten“. */
  newTitle: string;
  title: (record: T) => string;
  /** The form's fields (choices may need the API). */
  fields: (ctx: PageContext, record?: T) => Promise<FieldSpec[]> | FieldSpec[];
  /** API error paths that belong to another input (`newContacts.0.familyName` → `familyName`). */
  rename?: Record<string, string>;
  /** Prefilled values of a new record (e.g. the contact a follow-up is for, from the query). */
  defaults?: (ctx: PageContext) => FormValues;
  /** Where a created record is shown; its own page by default. */
  createdAt?: (record: T) => string;
  /** Whether the API restores a soft-deleted record of this kind (undo after delete). */
  restorable?: boolean;
  /** Markup inside the create and edit forms after the fields (a picker that fills one). */
  formExtra?: Html;
}

const pageOf = (kind: { page: string }, id: string) => `${kind.page}/${id}`;

export async function showCreate<T extends Row>(
  ctx: PageContext,
  reply: FastifyReply,
  kind: RecordKind<T>,
): Promise<void> {
  const fields = await kind.fields(ctx);
  const values = { ...valuesOf(fields, {}), ...(kind.defaults?.(ctx) ?? {}) };
  sendPage(
    reply,
    titledPage(
      ctx,
      kind.newTitle,
      recordForm(ctx, {
        action: kind.page,
        fields,
        values,
        submit: t(ctx.locale, 'create'),
        cancel: kind.listPage ?? kind.page,
        id: 'record-form',
        extra: html`${idempotencyField()}${kind.formExtra ?? ''}`,
      }),
    ),
  );
}

export async function create<T extends Row>(
  api: WebApi,
  ctx: PageContext,
  request: WebRequest,
  reply: FastifyReply,
  kind: RecordKind<T>,
  body: Record<string, unknown>,
): Promise<void> {
  const fields = await kind.fields(ctx);
  const values = readForm(fields, body);
  const key = idempotencyKeyOf(body);
  const answer = await api.call<T | ApiProblem>(ctx.user!, 'POST', kind.api, {
    body: createBody(fields, values),
    idempotencyKey: key,
  });
  if (answer.status === 201 || answer.status === 200) {
    const record = answer.body as T;
    return redirect(
      request,
      reply,
      `${kind.createdAt?.(record) ?? pageOf(kind, record.id)}?flash=created`,
    );
  }
  if (answer.status !== 400 && answer.status !== 409) throw new ApiError(answer as never);
  const errors = fieldMessages(ctx.locale, fields, answer.body as ApiProblem, kind.rename);
  sendPage(
    reply,
    titledPage(
      ctx,
      kind.newTitle,
      recordForm(ctx, {
        action: kind.page,
        fields,
        values,
        errors,
        submit: t(ctx.locale, 'create'),
        cancel: kind.listPage ?? kind.page,
        id: 'record-form',
        extra: html`${idempotencyField(key)}${kind.formExtra ?? ''}`,
      }),
    ),
    answer.status,
  );
}

export async function showEdit<T extends Row>(
  api: WebApi,
  ctx: PageContext,
  reply: FastifyReply,
  kind: RecordKind<T>,
  id: string,
): Promise<void> {
  const record = await api.get<T>(ctx.user!, `${kind.api}/${id}`);
  const fields = editable(await kind.fields(ctx, record));
  const values = valuesOf(fields, record);
  sendPage(reply, editPage(ctx, kind, record, fields, values, values, {}));
}

const editable = (fields: FieldSpec[]) => fields.filter((f) => !f.createOnly);

function editPage<T extends Row>(
  ctx: PageContext,
  kind: RecordKind<T>,
  record: T,
  fields: FieldSpec[],
  values: FormValues,
  base: FormValues,
  errors: Record<string, string>,
  conflict?: Html,
): Html {
  return titledPage(
    ctx,
    `${t(ctx.locale, 'edit')}: ${kind.title(record)}`,
    html`${conflict ?? ''}${recordForm(ctx, {
      action: `${pageOf(kind, record.id)}/edit`,
      fields,
      values,
      errors,
      version: record.version,
      base,
      submit: conflict ? t(ctx.locale, 'reapply') : t(ctx.locale, 'save'),
      cancel: pageOf(kind, record.id),
      id: 'record-form',
      extra: kind.formExtra,
    })}`,
  );
}

/**
 * Saves what the user changed since the form was loaded, at the version they read. A lost race
 * (412) shows whose value is whose and offers the user's changes again on top of the saved
 * record; a refusal (400) shows the messages beside the fields. The input is never dropped.
 */
export async function saveEdit<T extends Row>(
  api: WebApi,
  ctx: PageContext,
  request: WebRequest,
  reply: FastifyReply,
  kind: RecordKind<T>,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  const url = `${kind.api}/${id}`;
  const version = Number(body.version);
  let record = await api.get<T>(ctx.user!, url);
  const fields = editable(await kind.fields(ctx, record));
  const values = readForm(fields, body);
  const base = decodeBase(body._base, fields) ?? valuesOf(fields, record);
  const patch = patchBody(fields, values, base);
  if (Object.keys(patch).length === 0)
    return redirect(request, reply, `${pageOf(kind, id)}?flash=unchanged`);
  const answer = await api.call<T | ApiProblem>(ctx.user!, 'PATCH', url, {
    body: patch,
    ifMatch: Number.isInteger(version) ? version : 0,
  });
  if (answer.status === 200) return redirect(request, reply, `${pageOf(kind, id)}?flash=saved`);
  if (answer.status === 412) {
    record = await api.get<T>(ctx.user!, url);
    const theirs = valuesOf(fields, record);
    // The form now starts from the saved record, with this user's own changes on top.
    const merged: FormValues = { ...theirs };
    for (const f of changedFields(fields, values, base)) merged[f.name] = values[f.name];
    const conflict = conflictTable(ctx, fields, base, theirs, values);
    return sendPage(reply, editPage(ctx, kind, record, fields, merged, theirs, {}, conflict), 409);
  }
  if (answer.status === 400 || answer.status === 409) {
    const errors = fieldMessages(ctx.locale, fields, answer.body as ApiProblem, kind.rename);
    const shown = { ...record, version: Number.isInteger(version) ? version : record.version };
    return sendPage(reply, editPage(ctx, kind, shown, fields, values, base, errors), 400);
  }
  throw new ApiError(answer as never);
}

/** Soft delete at the version the user saw; the list then offers to undo it. */
export async function remove<T extends Row>(
  api: WebApi,
  ctx: PageContext,
  request: WebRequest,
  reply: FastifyReply,
  kind: RecordKind<T>,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  const answer = await api.call(ctx.user!, 'DELETE', `${kind.api}/${id}`, {
    ifMatch: Number(body.version) || 0,
  });
  if (answer.status === 412) return redirect(request, reply, pageOf(kind, id));
  if (answer.status !== 204 && answer.status !== 200) throw new ApiError(answer as never);
  const undo = kind.restorable === false ? '' : `&undo=${encodeURIComponent(pageOf(kind, id))}`;
  redirect(request, reply, `${kind.listPage ?? kind.page}?flash=deleted${undo}`);
}

export async function restore<T extends Row>(
  api: WebApi,
  ctx: PageContext,
  request: WebRequest,
  reply: FastifyReply,
  kind: RecordKind<T>,
  id: string,
): Promise<void> {
  const answer = await api.call(ctx.user!, 'POST', `${kind.api}/${id}/restore`);
  if (answer.status !== 200 && answer.status !== 204) throw new ApiError(answer as never);
  redirect(request, reply, `${pageOf(kind, id)}?flash=restored`);
}

export async function purge<T extends Row>(
  api: WebApi,
  ctx: PageContext,
  request: WebRequest,
  reply: FastifyReply,
  kind: RecordKind<T>,
  id: string,
): Promise<void> {
  const answer = await api.call(ctx.user!, 'POST', `${kind.api}/${id}/purge`);
  if (answer.status !== 204 && answer.status !== 200) throw new ApiError(answer as never);
  redirect(request, reply, `${kind.listPage ?? kind.page}?deleted=true&flash=purged`);
}

/** The buttons of a record's page for what the user's role may do: edit and delete. */
export function recordActions<T extends Row>(
  ctx: PageContext,
  kind: RecordKind<T>,
  record: T,
  extra: Html = html``,
): Html {
  const role = ctx.user?.role;
  if (!role || !can(role, kind.write)) return extra;
  const base = pageOf(kind, record.id);
  return html`<div class="actions record-actions">
    <a class="button" href="${base}/edit" id="edit">${t(ctx.locale, 'edit')}</a>
    ${extra}
    <form method="post" action="${base}/delete" class="inline">
      ${csrfField(ctx)}<input type="hidden" name="version" value="${record.version}" />
      <button type="submit" class="danger" id="delete">${t(ctx.locale, 'delete')}</button>
    </form>
  </div>`;
}

/**
 * What a kind's list takes from the kind: its addresses, search, the "New …" button for those who
 * may write, and the deleted view with restore and purge.
 */
export function listed<T extends Row>(ctx: PageContext, kind: RecordKind<T>) {
  return {
    path: kind.page,
    api: kind.api,
    search: true,
    create: { href: `${kind.page}/new`, label: kind.newTitle, action: kind.write },
    deleted: { action: kind.write, cell: (record: T) => deletedActions(ctx, kind, record) },
  };
}

/** In the list of deleted records: restore, and for admins purge for good. */
export function deletedActions<T extends Row>(
  ctx: PageContext,
  kind: RecordKind<T>,
  record: T,
): Html {
  const role = ctx.user?.role;
  if (!role) return html``;
  const base = pageOf(kind, record.id);
  return html`<div class="actions">
    ${can(role, kind.write) ? html`<form method="post" action="${base}/restore" class="inline">${csrfField(ctx)}<button type="submit" class="restore">${t(ctx.locale, 'restore')}</button></form>` : ''}
    ${can(role, 'record:purge') ? html`<form method="post" action="${base}/purge" class="inline" data-confirm="${t(ctx.locale, 'purgeConfirm')}">${csrfField(ctx)}<button type="submit" class="danger purge">${t(ctx.locale, 'purge')}</button></form>` : ''}
  </div>`;
}

/**
 * The routes every record kind shares — the record's page, new, create, edit, save, delete,
 * restore, purge — each declaring its permission. A feature's page class extends this, writes
 * the record's page (`recordPage`) and adds its list.
 */
export function RecordRoutes(
  /**
   * The kind, for this request; `api` where its form's choices come from the API, `posted` the
   * form as sent (a picker's choices travel with it).
   */
  kindOf: (
    ctx: PageContext,
    api: WebApi,
    posted?: Record<string, unknown>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ) => RecordKind<any>,
  write: Action,
  read: Action,
  /**
   * `page-and-edit`: only the record's page and its edit form (users: created with a password
   * by a form of their own, never deleted).
   */
  routes: 'all' | 'page-and-edit' = 'all',
  /**
   * The kind a field's search box finds (FieldSpec.find): `GET <page>/suggest?q=` answers its
   * suggestions, by `read` (labels.ts). None without.
   */
  suggest?: Suggested,
) {
  /** The decorators of a route this kind has; none (so no route) for one it has not. */
  const route = (has: boolean, ...decorators: MethodDecorator[]): MethodDecorator =>
    has ? applyDecorators(...decorators) : () => undefined;
  const all = routes === 'all';
  @WebPages()
  abstract class Routes {
    constructor(readonly api: WebApi) {}

    /** The body of the record's page at `:id` (what the API shows this user of it). */
    abstract recordPage(ctx: PageContext, id: string): Promise<Html>;

    @Get(':id')
    @Allow(read)
    async show(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
    ): Promise<void> {
      sendPage(reply, await this.recordPage(pageContext(request), id));
    }

    /** Suggestions for the search box of a field of this kind (an htmx fragment). */
    @route(suggest !== undefined, Get('suggest'), Allow(read))
    async suggestions(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Query('q') term?: unknown,
    ): Promise<void> {
      const ctx = pageContext(request);
      sendPage(reply, await recordSuggestionsFragment(this.api, ctx, suggest!, term));
    }

    @route(all, Get('new'), Allow(write))
    newForm(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
      const ctx = pageContext(request);
      return showCreate(ctx, reply, kindOf(ctx, this.api));
    }

    @route(all, Post(), Allow(write))
    create(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Body() body: Record<string, unknown>,
    ): Promise<void> {
      const ctx = pageContext(request);
      return create(this.api, ctx, request, reply, kindOf(ctx, this.api, body), body);
    }

    @Get(':id/edit')
    @Allow(write)
    edit(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
    ): Promise<void> {
      const ctx = pageContext(request);
      return showEdit(this.api, ctx, reply, kindOf(ctx, this.api), id);
    }

    @Post(':id/edit')
    @Allow(write)
    save(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
      @Body() body: Record<string, unknown>,
    ): Promise<void> {
      const ctx = pageContext(request);
      return saveEdit(this.api, ctx, request, reply, kindOf(ctx, this.api, body), id, body);
    }

    @route(all, Post(':id/delete'), Allow(write))
    remove(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
      @Body() body: Record<string, unknown>,
    ): Promise<void> {
      const ctx = pageContext(request);
      return remove(this.api, ctx, request, reply, kindOf(ctx, this.api), id, body);
    }

    @route(all, Post(':id/restore'), Allow(write))
    restore(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
    ): Promise<void> {
      const ctx = pageContext(request);
      return restore(this.api, ctx, request, reply, kindOf(ctx, this.api), id);
    }

    @route(all, Post(':id/purge'), Allow('record:purge'))
    purge(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
    ): Promise<void> {
      const ctx = pageContext(request);
      return purge(this.api, ctx, request, reply, kindOf(ctx, this.api), id);
    }
  }
  return Routes;
}

/**
 * The routes of a record kept inside another one's page (a trip's delegates and appointments):
 * new, create, edit, save and delete under `/<parent>/:id/<segment>`; the record's own address
 * leads to its place on the parent's page.
 */
export function NestedRecordRoutes(options: {
  /** `trips`: the parent's pages are `/trips/:id`. */
  parent: string;
  /** `participants`: the records are `/trips/:id/participants/:pid`. */
  segment: string;
  /** The route parameter of the record's id (`pid`). */
  param: string;
  /** The element id on the parent's page is `<anchor>-<id>`. */
  anchor: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  kindOf: (api: WebApi, ctx: PageContext, parentId: string) => Promise<RecordKind<any>>;
  read: Action;
  write: Action;
}) {
  const { segment, param, write } = options;
  @WebPages()
  class Routes {
    constructor(readonly api: WebApi) {}

    @Get(`:id/${segment}/new`)
    @Allow(write)
    async newForm(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
    ): Promise<void> {
      const ctx = pageContext(request);
      return showCreate(ctx, reply, await options.kindOf(this.api, ctx, id));
    }

    @Post(`:id/${segment}`)
    @Allow(write)
    async create(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
      @Body() body: Record<string, unknown>,
    ): Promise<void> {
      const ctx = pageContext(request);
      const kind = await options.kindOf(this.api, ctx, id);
      return create(this.api, ctx, request, reply, kind, body);
    }

    @Get(`:id/${segment}/:${param}`)
    @Allow(options.read)
    show(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
      @Param(param, UuidParam(param)) recordId: string,
    ): void {
      const flash = pageContext(request).query.flash;
      const query = flash && /^[a-z]{1,20}$/.test(flash) ? `?flash=${flash}` : '';
      redirect(request, reply, `/${options.parent}/${id}${query}#${options.anchor}-${recordId}`);
    }

    @Get(`:id/${segment}/:${param}/edit`)
    @Allow(write)
    async edit(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
      @Param(param, UuidParam(param)) recordId: string,
    ): Promise<void> {
      const ctx = pageContext(request);
      return showEdit(this.api, ctx, reply, await options.kindOf(this.api, ctx, id), recordId);
    }

    @Post(`:id/${segment}/:${param}/edit`)
    @Allow(write)
    async save(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
      @Param(param, UuidParam(param)) recordId: string,
      @Body() body: Record<string, unknown>,
    ): Promise<void> {
      const ctx = pageContext(request);
      const kind = await options.kindOf(this.api, ctx, id);
      return saveEdit(this.api, ctx, request, reply, kind, recordId, body);
    }

    @Post(`:id/${segment}/:${param}/delete`)
    @Allow(write)
    async remove(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
      @Param(param, UuidParam(param)) recordId: string,
      @Body() body: Record<string, unknown>,
    ): Promise<void> {
      const ctx = pageContext(request);
      const kind = await options.kindOf(this.api, ctx, id);
      return remove(this.api, ctx, request, reply, kind, recordId, body);
    }
  }
  return Routes;
}

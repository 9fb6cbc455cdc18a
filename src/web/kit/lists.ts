import type { FastifyReply } from 'fastify';
import { Action, can } from '../../auth/permissions';
import { exportKindOf } from '../../exports/kinds';
import type { NamesDto } from '../../common/names';
import { x } from '../exports.words';
import type { Choice } from './forms';
import { Html, html } from './html';
import { t } from './i18n';
import { layout, PageContext } from './layout';
import { sendPage } from './respond';
import { Labels } from './labels';
import { WebApi } from './web-api';
import { Page } from './views';
import { isUuid } from '../../common/ids';

export interface Column<T> {
  header: string;
  cell: (item: T) => Html | string | number | null | undefined;
  /** The API's sort key for this column (`name`, `dueOn`): the header becomes a sort link. */
  sort?: string;
  /** The column that names the row (shown as the card's title on a phone). */
  primary?: boolean;
}

export interface Filter {
  /** The query parameter, as the page and the API name it (`stage`, `companyId`, `overdue`). */
  name: string;
  label: string;
  type: 'select' | 'date' | 'checkbox' | 'text';
  choices?: Choice[];
  /** The API's value for the page's (a day → the instant it starts in Berlin); none drops it. */
  toApi?: (value: string) => string | undefined;
  /**
   * A select of a kind with too many records to list (recordFilter): its choices are only the
   * current value, and this link leads to the kind's own list to find and choose another.
   */
  pick?: { href: string; text: string };
}

/** How many records a filter's select lists at most; a kind with more is picked on its list. */
export const FILTER_CHOICES = 50;

/**
 * A filter by one record of a kind that may have thousands (a company, a partner): a select of
 * them while the user sees few, otherwise the current value by name and a link to the kind's
 * list (its search), whose record pages link back to the filtered view. Nothing when the user
 * sees none. Names the current value through `labels`, in the user's scope.
 */
export async function recordFilter(
  api: WebApi,
  ctx: PageContext,
  spec: { name: string; label: string; kind: 'companies' | 'partners'; labels: Labels },
): Promise<Filter | undefined> {
  const user = ctx.user!;
  const names = await api.call<NamesDto>(
    user,
    'GET',
    `/api/v1/${spec.kind}/names?limit=${FILTER_CHOICES}`,
  );
  if (names.status !== 200 || names.body.items.length === 0) return undefined;
  const { items, more } = names.body;
  if (!more)
    return {
      name: spec.name,
      label: spec.label,
      type: 'select',
      choices: items.map((item) => ({ value: item.id, label: item.name })),
    };
  const current = ctx.query[spec.name];
  if (isUuid(current)) await spec.labels.load(spec.kind, [current.toLowerCase()]);
  const name = current ? spec.labels.get(current.toLowerCase()) : '';
  return {
    name: spec.name,
    label: spec.label,
    type: 'select',
    choices: name ? [{ value: current.toLowerCase(), label: name }] : [],
    pick: {
      href: `/${spec.kind}`,
      text: t(ctx.locale, spec.kind === 'companies' ? 'pickCompany' : 'pickPartner'),
    },
  };
}

export interface ListSpec<T> {
  /** `/contacts` */
  path: string;
  /** `/api/v1/contacts` */
  api: string;
  title: string;
  columns: Column<T>[];
  filters?: Filter[];
  /** Offer the `?q=` search box. */
  search?: boolean;
  /** The sort when the URL names none (an API sort key, `-` for descending). */
  defaultSort?: string;
  /** Fixed API parameters the user does not choose. */
  fixed?: Record<string, string>;
  /** A "New …" button, for users whose role may create. */
  create?: { href: string; label: string; action: Action };
  /** More buttons beside "New …" (import a file), each for the users whose role may. */
  links?: { href: string; label: string; action: Action; id: string }[];
  /** Staff see the soft-deleted records at `?deleted=true`, each row with `deletedCell`. */
  deleted?: { action: Action; cell: (item: T) => Html };
  /** Page size. */
  limit?: number;
  /** Above the table (a chart, a board switch). */
  intro?: Html;
  /** Labels for ids in the rows, loaded for the rows shown only. */
  prepare?: (items: T[]) => Promise<void>;
}

const SORT = /^-?[A-Za-z]{1,40}$/;

/** The view the URL names: search, filters, sort and the deleted switch; nothing else passes. */
export function listState<T>(spec: ListSpec<T>, query: Record<string, string>) {
  const state: Record<string, string> = {};
  if (spec.search && query.q) state.q = query.q.slice(0, 200);
  for (const f of spec.filters ?? []) {
    const v = query[f.name];
    if (v === undefined || v === '') continue;
    if (f.type === 'select' && !f.choices?.some((c) => c.value === v)) continue;
    if (f.type === 'checkbox' && v !== 'true') continue;
    state[f.name] = v.slice(0, 200);
  }
  const sorts = new Set(spec.columns.flatMap((c) => (c.sort ? [c.sort, `-${c.sort}`] : [])));
  if (query.sort && SORT.test(query.sort) && sorts.has(query.sort)) state.sort = query.sort;
  if (query.deleted === 'true' && spec.deleted) state.deleted = 'true';
  return state;
}

const queryString = (params: Record<string, string | undefined>) => {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') out.set(k, v);
  const text = out.toString();
  return text ? `?${text}` : '';
};

/**
 * A list page: filters and sort kept in the URL (a link shares the view), the API's keyset
 * pages with "load more" in place, a count of what is shown, an empty state, cards on a phone.
 */
export async function listPage<T extends { id: string }>(
  api: WebApi,
  ctx: PageContext,
  reply: FastifyReply,
  spec: ListSpec<T>,
): Promise<void> {
  const user = ctx.user!;
  const state = listState(spec, ctx.query);
  const deleted = state.deleted === 'true' && !!spec.deleted && can(user.role, spec.deleted.action);
  const cursor = ctx.query.cursor && ctx.query.cursor.length < 2000 ? ctx.query.cursor : undefined;
  const apiState: Record<string, string | undefined> = { ...state };
  for (const f of spec.filters ?? [])
    if (f.toApi && state[f.name] !== undefined) apiState[f.name] = f.toApi(state[f.name]);
  const apiParams = {
    ...spec.fixed,
    ...apiState,
    deleted: deleted ? 'true' : undefined,
    sort: state.sort ?? spec.defaultSort,
    limit: String(spec.limit ?? 25),
    cursor,
  };
  const page = await api.get<Page<T>>(user, `${spec.api}${queryString(apiParams)}`);
  const exported = { ...apiParams, limit: undefined, cursor: undefined, lang: ctx.locale };
  await spec.prepare?.(page.items);
  const columns: Column<T>[] = deleted
    ? [...spec.columns, { header: t(ctx.locale, 'restore'), cell: spec.deleted!.cell }]
    : spec.columns;
  const shown = Number(ctx.query.shown) || 0;
  const more = (next: string) =>
    `${spec.path}${queryString({ ...state, cursor: next, shown: String(shown + page.items.length) })}`;
  if (ctx.query.fragment === 'rows')
    return sendPage(reply, rows(ctx, columns, page, more, shown + page.items.length));
  const sortLink = (c: Column<T>) => {
    if (!c.sort) return html`${c.header}`;
    const currentSort = state.sort ?? spec.defaultSort;
    const active = currentSort === c.sort || currentSort === `-${c.sort}`;
    const descending = currentSort === `-${c.sort}`;
    const next = active && !descending ? `-${c.sort}` : c.sort;
    return html`<a href="${spec.path}${queryString({ ...state, sort: next })}" class="sort${active ? ' active' : ''}"
      >${c.header}${active ? html` <span aria-hidden="true">${descending ? '▼' : '▲'}</span><span class="visually-hidden">(${t(ctx.locale, descending ? 'descending' : 'ascending')})</span>` : ''}</a>`;
  };
  const ariaSort = (c: Column<T>) => {
    const currentSort = state.sort ?? spec.defaultSort;
    if (!c.sort || (currentSort !== c.sort && currentSort !== `-${c.sort}`)) return html``;
    return html` aria-sort="${currentSort === c.sort ? 'ascending' : 'descending'}"`;
  };
  const canCreate = spec.create && can(user.role, spec.create.action) && !deleted;
  const body = html`<div class="page-head">
      <h1>${deleted ? html`${spec.title}: ${t(ctx.locale, 'deletedRecords')}` : spec.title}</h1>
      <div class="actions">
        ${canCreate ? html`<a class="button primary" href="${spec.create!.href}" id="new-record">${spec.create!.label}</a>` : ''}
        ${deleted ? '' : (spec.links ?? []).filter((link) => can(user.role, link.action)).map((link) => html`<a class="button" href="${link.href}" id="${link.id}">${link.label}</a>`)}
        ${
          spec.deleted && can(user.role, spec.deleted.action)
            ? deleted
              ? html`<a class="button" href="${spec.path}">${t(ctx.locale, 'backToList')}</a>`
              : html`<a class="button" href="${spec.path}?deleted=true" id="show-deleted">${t(ctx.locale, 'showDeleted')}</a>`
            : ''
        }
        ${exportControl(ctx, spec.api, exported)}
      </div>
    </div>
    ${spec.intro ?? ''}
    ${filterForm(ctx, spec, state)}
    ${
      page.items.length === 0
        ? html`<p class="empty muted" id="empty">${t(ctx.locale, 'noEntries')}</p>`
        : html`<div class="table-wrap"><table class="list" id="list">
            <caption class="visually-hidden">${spec.title}</caption>
            <thead>
              <tr>
                ${columns.map((c) => html`<th scope="col"${ariaSort(c)}>${sortLink(c)}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${rows(ctx, columns, page, more, page.items.length)}
            </tbody>
          </table></div>`
    }`;
  sendPage(reply, layout(ctx, spec.title, body));
}

/**
 * „Export“: every entry of the list as the page shows it (its filters, search, sort and the
 * deleted view, as the page asks the API for them), in each format the kind offers. A
 * disclosure that needs no script; the links download.
 */
function exportControl(
  ctx: PageContext,
  api: string,
  params: Record<string, string | undefined>,
): Html {
  const kind = exportKindOf(api);
  if (!kind) return html``;
  const l = ctx.locale;
  const link = (id: string, label: string, format: string, delimiter?: string) =>
    html`<li><a href="/${kind.name}/export${queryString({ format, delimiter, ...params })}" id="${id}" download>${label}</a></li>`;
  return html`<details class="export" id="export">
    <summary class="button">${x(l, 'export')}</summary>
    <div class="export-menu">
      <p class="muted">${x(l, 'exportHint')}</p>
      <ul>
        ${link('export-csv', x(l, 'csv'), 'csv')}
        ${link('export-csv-excel', x(l, 'csvExcel'), 'csv', 'semicolon')}
        ${link('export-xlsx', x(l, 'xlsx'), 'xlsx')}
        ${kind.formats.includes('vcard') ? link('export-vcard', x(l, 'vcard'), 'vcard') : ''}
      </ul>
    </div>
  </details>`;
}

function rows<T extends { id: string }>(
  ctx: PageContext,
  columns: Column<T>[],
  page: Page<T>,
  moreUrl: (cursor: string) => string,
  total: number,
): Html {
  const body = page.items.map(
    (item) =>
      html`<tr id="row-${item.id}">
        ${columns.map((c) => html`<td data-label="${c.header}"${c.primary ? html` class="primary"` : ''}>${c.cell(item)}</td>`)}
      </tr>`,
  );
  const count = html`<tr class="count">
    <td colspan="${columns.length}">
      <span class="muted" id="list-count">${total} ${t(ctx.locale, 'shown')}${page.nextCursor ? html` · ${t(ctx.locale, 'moreAvailable')}` : ''}</span>
      ${
        page.nextCursor
          ? html` <a
              class="button"
              href="${moreUrl(page.nextCursor)}"
              hx-get="${moreUrl(page.nextCursor)}&fragment=rows"
              hx-target="closest tr"
              hx-swap="outerHTML"
              >${t(ctx.locale, 'more')}</a
            >`
          : ''
      }
    </td>
  </tr>`;
  return html`${body}${count}`;
}

function filterForm<T>(ctx: PageContext, spec: ListSpec<T>, state: Record<string, string>): Html {
  if (!spec.search && !spec.filters?.length) return html``;
  const active = Object.keys(state).some((k) => k !== 'sort' && k !== 'deleted');
  return html`<form method="get" action="${spec.path}" class="card filters" role="search">
    ${
      spec.search
        ? html`<div class="field grow">
            <label for="q">${t(ctx.locale, 'search')}</label>
            <input id="q" type="search" name="q" value="${state.q ?? ''}" placeholder="${t(ctx.locale, 'searchPlaceholder')}" maxlength="200" />
          </div>`
        : ''
    }
    ${(spec.filters ?? []).map((f) => filterField(ctx, f, state[f.name]))}
    ${state.sort ? html`<input type="hidden" name="sort" value="${state.sort}" />` : ''}
    ${state.deleted ? html`<input type="hidden" name="deleted" value="true" />` : ''}
    <div class="field buttons">
      <button type="submit">${t(ctx.locale, 'filter')}</button>
      ${active ? html`<a href="${spec.path}${state.deleted ? '?deleted=true' : ''}">${t(ctx.locale, 'resetFilters')}</a>` : ''}
    </div>
  </form>`;
}

/** One filter's field in a filter form (a list's, the leads board's), showing its `value`. */
export function filterField(ctx: PageContext, f: Filter, value: string | undefined): Html {
  const id = `filter-${f.name}`;
  if (f.type === 'checkbox')
    return html`<div class="field check"><label for="${id}"><input type="checkbox" id="${id}" name="${f.name}" value="true"${value === 'true' ? html` checked` : ''} /> ${f.label}</label></div>`;
  if (f.type === 'select' && f.pick && !f.choices?.length)
    return html`<div class="field"><span class="label" id="${id}-label">${f.label}</span><a href="${f.pick.href}" id="${id}-pick" aria-describedby="${id}-label">${f.pick.text}</a></div>`;
  if (f.type === 'select')
    return html`<div class="field"><label for="${id}">${f.label}</label><select id="${id}" name="${f.name}">
      <option value="">${t(ctx.locale, 'any')}</option>
      ${(f.choices ?? []).map((c) => html`<option value="${c.value}"${value === c.value ? html` selected` : ''}>${c.label}</option>`)}
    </select>${f.pick ? html`<a href="${f.pick.href}" id="${id}-pick">${f.pick.text}</a>` : ''}</div>`;
  return html`<div class="field"><label for="${id}">${f.label}</label><input type="${f.type}" id="${id}" name="${f.name}" value="${value ?? ''}" /></div>`;
}

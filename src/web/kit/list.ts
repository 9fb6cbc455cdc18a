import { Html, html } from './html';
import { Locale, t } from './i18n';
import { Page } from './views';

export interface Column<T> {
  header: string;
  cell: (item: T) => Html | string | number | null | undefined;
}

/** Rows of a list plus, when there is more, a last row whose link loads the next page in place. */
export function listRows<T>(
  locale: Locale,
  columns: Column<T>[],
  page: Page<T>,
  moreUrl: (cursor: string) => string,
): Html {
  const rows = page.items.map(
    (item) =>
      html`<tr>
        ${columns.map((c) => html`<td>${c.cell(item)}</td>`)}
      </tr>`,
  );
  const more = page.nextCursor
    ? html`<tr class="more">
        <td colspan="${columns.length}">
          <a
            class="button"
            href="${moreUrl(page.nextCursor)}"
            hx-get="${moreUrl(page.nextCursor)}&fragment=rows"
            hx-target="closest tr"
            hx-swap="outerHTML"
            >${t(locale, 'more')}</a
          >
        </td>
      </tr>`
    : html``;
  return html`${rows}${more}`;
}

export function listTable<T>(
  locale: Locale,
  caption: string,
  columns: Column<T>[],
  page: Page<T>,
  moreUrl: (cursor: string) => string,
): Html {
  if (page.items.length === 0) return html`<p class="muted">${t(locale, 'noEntries')}</p>`;
  return html`<table>
    <caption class="visually-hidden">
      ${caption}
    </caption>
    <thead>
      <tr>
        ${columns.map((c) => html`<th scope="col">${c.header}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${listRows(locale, columns, page, moreUrl)}
    </tbody>
  </table>`;
}

/** A search form that filters the list it sits above. */
export function searchForm(
  locale: Locale,
  action: string,
  q: string | undefined,
  extra: Html = html``,
): Html {
  return html`<form method="get" action="${action}" role="search" class="card">
    <label for="q">${t(locale, 'search')}</label>
    <input
      id="q"
      type="search"
      name="q"
      value="${q ?? ''}"
      placeholder="${t(locale, 'searchPlaceholder')}"
      maxlength="200"
    />
    ${extra}
    <p><button type="submit">${t(locale, 'search')}</button></p>
  </form>`;
}

/** `/contacts?q=x` + cursor → the URL of the next page. */
export const withCursor =
  (base: string, params: Record<string, string | undefined>) => (cursor: string) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
    query.set('cursor', cursor);
    return `${base}?${query.toString()}`;
  };

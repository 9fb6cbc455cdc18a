import { can } from '../../auth/permissions';
import { Html, html } from './html';
import { Locale, t, Word } from './i18n';
import { CSRF_FIELD, WebUser } from './session';

export interface PageContext {
  user?: WebUser;
  locale: Locale;
  csrf: string;
  path: string;
}

/** A hidden field carrying the CSRF token; every form has one. */
export const csrfField = (ctx: PageContext): Html =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrf}" />`;

const NAV: { href: string; word: Word; action: Parameters<typeof can>[1]; agencyOnly?: boolean }[] =
  [
    { href: '/', word: 'dashboard', action: 'account:self' },
    { href: '/contacts', word: 'contacts', action: 'contact:read', agencyOnly: true },
    { href: '/companies', word: 'companies', action: 'company:read', agencyOnly: true },
    { href: '/partners', word: 'partners', action: 'partner:read', agencyOnly: true },
    { href: '/interactions', word: 'interactions', action: 'interaction:read' },
    { href: '/follow-ups', word: 'followUps', action: 'follow-up:read' },
    { href: '/leads', word: 'leads', action: 'lead:read' },
    { href: '/trips', word: 'trips', action: 'trip:read' },
    { href: '/agreements', word: 'agreements', action: 'agreement:read' },
    { href: '/users', word: 'users', action: 'user:read' },
  ];

export function layout(ctx: PageContext, title: string, body: Html): Html {
  const user = ctx.user;
  const nav = user
    ? NAV.filter(
        (item) => can(user.role, item.action) && !(item.agencyOnly && user.role === 'company'),
      )
    : [];
  const canLog = user ? can(user.role, 'interaction:write') : false;
  return html`<!doctype html>
    <html lang="${ctx.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta
          name="htmx-config"
          content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'
        />
        <meta name="csrf-token" content="${ctx.csrf}" />
        <title>${title} · Liaison</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/htmx.min.js" defer></script>
        <script src="/assets/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t(ctx.locale, 'skipToContent')}</a>
        <header class="top">
          <a class="brand" href="/">Liaison</a>
          ${
            user
              ? html`<nav aria-label="${t(ctx.locale, 'mainNavigation')}">
                    <ul>
                      ${nav.map(
                        (item) =>
                          html`<li>
                            <a
                              href="${item.href}"
                              ${ctx.path === item.href || (item.href !== '/' && ctx.path.startsWith(item.href)) ? html` aria-current="page"` : ''}
                              >${t(ctx.locale, item.word)}</a
                            >
                          </li>`,
                      )}
                    </ul>
                  </nav>
                  ${canLog ? html`<a class="button primary" id="log-contact" href="/log" accesskey="n" title="${t(ctx.locale, 'logContactHint')}">${t(ctx.locale, 'logContact')}</a>` : ''}
                  <form class="inline" method="post" action="/logout">
                    ${csrfField(ctx)}<a href="/profile">${user.displayName}</a>
                    <button type="submit" class="link">${t(ctx.locale, 'signOut')}</button>
                  </form>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">${body}</main>
      </body>
    </html>`;
}

/** A form field with its label and, when the server refused it, the error next to it. */
export function field(label: string, input: Html, error?: string, hint?: string): Html {
  return html`<div class="field${error ? ' invalid' : ''}">
    <label>${label}${hint ? html` <small>${hint}</small>` : ''}${input}</label
    >${error ? html`<p class="error" role="alert">${error}</p>` : ''}
  </div>`;
}

export const errorSummary = (ctx: PageContext, errors: Record<string, string>): Html =>
  Object.keys(errors).length
    ? html`<div class="alert" role="alert">
        <p>${t(ctx.locale, 'fixErrors')}</p>
        <ul>
          ${Object.entries(errors).map(([f, m]) => html`<li>${f}: ${m}</li>`)}
        </ul>
      </div>`
    : html``;

/** A titled card of the dashboard or portal; the heading labels the section. */
export const card = (id: string, title: string, body: Html): Html =>
  html`<section class="card" aria-labelledby="h-${id}"><h2 id="h-${id}">${title}</h2>${body}</section>`;

/** A list of links, or "nothing here". */
export function linkList<T>(ctx: PageContext, items: T[], item: (value: T) => Html): Html {
  return items.length
    ? html`<ul>${items.map((value) => html`<li>${item(value)}</li>`)}</ul>`
    : html`<p class="muted">${t(ctx.locale, 'noEntries')}</p>`;
}

/** An "Edit" link, only for users whose role may change the record. */
export const editLink = (
  ctx: PageContext,
  action: Parameters<typeof can>[1],
  href: string,
): Html =>
  ctx.user && can(ctx.user.role, action)
    ? html`<p><a class="button" href="${href}">${t(ctx.locale, 'edit')}</a></p>`
    : html``;

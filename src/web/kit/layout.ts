import { Action, can, isAgency } from '../../auth/permissions';
import { Html, html } from './html';
import { Locale, t, Word } from './i18n';
import { CSRF_FIELD, WebRequest, WebUser } from '../../auth/browser-session';
import { maskToken } from '../../auth/csrf-mask';
import { offlineWords } from '../offline.words';

/** The colour of the app's bar on a phone (the manifest's too): the accent of public/app.css. */
export const THEME_COLOUR = '#0b5cad';

export interface PageContext {
  user?: WebUser;
  locale: Locale;
  csrf: string;
  path: string;
  /** The page's query string, as the browser sent it (flash messages, filters). */
  query: Record<string, string>;
}

export const pageContext = (request: WebRequest): PageContext => {
  const query: Record<string, string> = {};
  const raw = request.query as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(raw ?? {})) if (typeof v === 'string') query[k] = v;
  return {
    user: request.webUser,
    locale: (request.webUser?.locale ?? 'de') as Locale,
    csrf: request.csrfToken ? maskToken(request.csrfToken) : '',
    path: request.url.split('?')[0],
    query,
  };
};

/** A hidden field carrying the CSRF token; every form has one. */
export const csrfField = (ctx: PageContext): Html =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrf}" />`;

const NAV: { href: string; word: Word; action: Action; agencyOnly?: boolean }[] = [
  { href: '/', word: 'dashboard', action: 'account:self' },
  { href: '/contacts', word: 'contacts', action: 'contact:read', agencyOnly: true },
  { href: '/companies', word: 'companies', action: 'company:read', agencyOnly: true },
  { href: '/partners', word: 'partners', action: 'partner:read', agencyOnly: true },
  { href: '/interactions', word: 'interactions', action: 'interaction:read' },
  { href: '/follow-ups', word: 'followUps', action: 'follow-up:read' },
  { href: '/leads', word: 'leads', action: 'lead:read' },
  { href: '/trips', word: 'trips', action: 'trip:read' },
  { href: '/agreements', word: 'agreements', action: 'agreement:read' },
  { href: '/imports', word: 'imports', action: 'import:run' },
  { href: '/users', word: 'users', action: 'user:read' },
  { href: '/privacy/retention', word: 'retentionReview', action: 'contact:privacy' },
  { href: '/admin/jobs', word: 'jobs', action: 'system:admin' },
  { href: '/admin/outbox', word: 'outbox', action: 'system:admin' },
  { href: '/admin/audit', word: 'auditLog', action: 'audit:read' },
];

/**
 * The phone's bottom bar: what staff do on a trip, a thumb away (shown up to 760 px; the desktop
 * keeps its menu). An entry is shown to a role that may do its action; its icon is a path in a
 * 24×24 box.
 */
const PHONE_NAV: { href: string; word: Word; action: Action; icon: string }[] = [
  {
    href: '/today',
    word: 'today',
    action: 'trip:read',
    icon: 'M7 2v2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2H7Zm-2 7h14v11H5V9Zm2 2v3h3v-3H7Z',
  },
  {
    href: '/search',
    word: 'findShort',
    action: 'search:read',
    icon: 'M10 3a7 7 0 0 1 5.6 11.2l5.1 5.1-1.4 1.4-5.1-5.1A7 7 0 1 1 10 3Zm0 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10Z',
  },
  {
    href: '/log',
    word: 'logShort',
    action: 'interaction:write',
    icon: 'M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7V4Z',
  },
  {
    href: '/scan',
    word: 'scanShort',
    action: 'contact:write',
    icon: 'M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9Zm3 5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9Zm0 2a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5Z',
  },
  {
    href: '/queue',
    word: 'queueShort',
    action: 'interaction:write',
    icon: 'M12 3l5 5-1.4 1.4L13 6.8V15h-2V6.8L8.4 9.4 7 8l5-5ZM3 14h2v5h14v-5h2v7H3v-7Z',
  },
];

/** The bottom bar of a phone: the entries of PHONE_NAV the user's role may use. */
function phoneNav(ctx: PageContext, user: WebUser): Html {
  const items = PHONE_NAV.filter((item) => can(user.role, item.action));
  if (!items.length) return html``;
  return html`<nav class="tabbar" id="tabbar" aria-label="${t(ctx.locale, 'quickAccess')}">
    <ul>
      ${items.map(
        (item) =>
          html`<li>
            <a href="${item.href}"${ctx.path === item.href ? html` aria-current="page"` : ''}
              ><svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24"><path fill="currentColor" d="${item.icon}" /></svg
              ><span>${t(ctx.locale, item.word)}</span></a
            >
          </li>`,
      )}
    </ul>
  </nav>`;
}

/** Messages a redirect leaves for the next page (`?flash=saved`), with undo after a delete. */
const FLASHES: Record<string, Word> = {
  created: 'created',
  saved: 'saved',
  deleted: 'deleted',
  restored: 'restored',
  purged: 'purged',
  unchanged: 'noChanges',
  passwordSet: 'passwordSet',
  invitationSent: 'invitationSent',
  merged: 'merged',
  notDuplicate: 'markedNotDuplicate',
};
const UNDO_PATH = /^\/[a-z-]+(\/[0-9a-f-]{36}\/[a-z-]+)?\/[0-9a-f-]{36}$/;

function flash(ctx: PageContext): Html {
  const word = Object.hasOwn(FLASHES, ctx.query.flash ?? '') ? FLASHES[ctx.query.flash] : null;
  if (!word) return html``;
  const undo = ctx.query.undo && UNDO_PATH.test(ctx.query.undo) ? ctx.query.undo : undefined;
  return html`<div class="flash" role="status" id="flash">
    <span>${t(ctx.locale, word)}</span>
    ${
      undo && ctx.query.flash === 'deleted'
        ? html`<form method="post" action="${undo}/restore" class="inline">
            ${csrfField(ctx)}<button type="submit" id="undo">${t(ctx.locale, 'undo')}</button>
          </form>`
        : ''
    }
  </div>`;
}

/** The signed-in user's name (the profile) and sign-out. */
const account = (ctx: PageContext, user: WebUser): Html =>
  html`<a href="/profile">${user.displayName}</a>
    <form class="inline" method="post" action="/logout">
      ${csrfField(ctx)}
      <button type="submit" class="link">${t(ctx.locale, 'signOut')}</button>
    </form>`;

/** The bell: the unread notifications, linking to their list. */
const bell = (ctx: PageContext, user: WebUser): Html => {
  const unread = user.unread ?? 0;
  const name = `${t(ctx.locale, 'notifications')}: ${unread} ${t(ctx.locale, 'unread')}`;
  return html`<a class="bell${unread ? ' has-unread' : ''}" id="bell" href="/notifications" title="${name}" aria-label="${name}"
    ${ctx.path === '/notifications' ? html` aria-current="page"` : ''}
    ><svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22"><path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"/></svg
    >${unread ? html`<span class="bell-count" id="bell-count">${unread > 99 ? '99+' : String(unread)}</span>` : ''}</a
  >`;
};

/** The entries of the device queue waiting to be sent (public/offline.js counts and shows it). */
const queueBadge = (ctx: PageContext): Html =>
  html`<a class="queue-badge" id="queue-badge" href="/queue" data-label="${offlineWords(ctx.locale, 'waitingBadge')}" hidden
    ><span class="queue-count" id="queue-count">0</span></a
  >`;

/**
 * A message a page shows once after its own post redirected (`?done=retried`): one of `keys`, in
 * the page's words; anything else in the URL shows nothing.
 */
export function doneNotice<K extends string>(
  ctx: PageContext,
  keys: readonly K[],
  word: (locale: Locale, key: K) => string,
): Html {
  const done = keys.find((key) => key === ctx.query.done);
  return done
    ? html`<div class="flash" role="status" id="flash"><span>${word(ctx.locale, done)}</span></div>`
    : html``;
}

export const titledPage = (ctx: PageContext, title: string, body: Html): Html =>
  layout(ctx, title, html`<h1>${title}</h1>${body}`);

export function layout(ctx: PageContext, title: string, body: Html): Html {
  const user = ctx.user;
  const nav = user
    ? NAV.filter((item) => can(user.role, item.action) && !(item.agencyOnly && !isAgency(user)))
    : [];
  const canLog = user ? can(user.role, 'interaction:write') : false;
  const current = (href: string) =>
    ctx.path === href || (href !== '/' && ctx.path.startsWith(`${href}`));
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
        <meta name="liaison-user" content="${user?.userId ?? ''}" />
        <meta name="theme-color" content="${THEME_COLOUR}" />
        <title>${title} · Liaison</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="manifest" href="/manifest.webmanifest" />
        <link rel="apple-touch-icon" href="/assets/icon-192.png" />
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/htmx.min.js" defer></script>
        <script src="/assets/app.js" defer></script>
        <script src="/assets/idb-keyval.js" defer></script>
        <script src="/assets/offline.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t(ctx.locale, 'skipToContent')}</a>
        <header class="top">
          <a class="brand" href="/">Liaison</a>
          ${
            user
              ? html`<button
                    type="button"
                    class="menu-toggle"
                    id="menu-toggle"
                    aria-expanded="false"
                    aria-controls="main-nav"
                  >
                    ${t(ctx.locale, 'menu')}
                  </button>
                  <nav id="main-nav" aria-label="${t(ctx.locale, 'mainNavigation')}">
                    <ul>
                      ${nav.map(
                        (item) =>
                          html`<li>
                            <a
                              href="${item.href}"
                              ${current(item.href) ? html` aria-current="page"` : ''}
                              >${t(ctx.locale, item.word)}</a
                            >
                          </li>`,
                      )}
                      <li class="account">${account(ctx, user)}</li>
                    </ul>
                  </nav>
                  <form class="global-search" method="get" action="/search" role="search">
                    <label class="visually-hidden" for="global-search"
                      >${t(ctx.locale, 'globalSearch')}</label
                    >
                    <input
                      type="search"
                      id="global-search"
                      name="q"
                      maxlength="200"
                      autocomplete="off"
                      placeholder="${t(ctx.locale, 'globalSearch')} (/)"
                      title="${t(ctx.locale, 'globalSearchHint')}"
                      hx-get="/search/suggest"
                      hx-trigger="input changed delay:200ms, search"
                      hx-target="#global-results"
                      aria-controls="global-results"
                    />
                    <div id="global-results" class="global-results" aria-live="polite"></div>
                  </form>
                  ${bell(ctx, user)}${queueBadge(ctx)}
                  <div class="account-top">${account(ctx, user)}</div>
                  ${canLog ? html`<a class="button primary" id="log-contact" href="/log" title="${t(ctx.locale, 'logContactHint')}" aria-label="${t(ctx.locale, 'logContact')}"><span aria-hidden="true" class="plus">+</span><span class="long">${t(ctx.locale, 'logContact')}</span></a>` : ''}`
              : ''
          }
        </header>
        <p id="offline-banner" class="offline-banner" role="status" data-text="${offlineWords(ctx.locale, 'savedAt')}" hidden></p>
        <main id="main" tabindex="-1">${flash(ctx)}${body}</main>
        ${user ? phoneNav(ctx, user) : ''}
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

/** A titled card of the dashboard or portal; the heading labels the section. */
export const card = (id: string, title: string, body: Html): Html =>
  html`<section class="card" aria-labelledby="h-${id}"><h2 id="h-${id}">${title}</h2>${body}</section>`;

/** A list of links, or "nothing here". */
export function linkList<T>(ctx: PageContext, items: T[], item: (value: T) => Html): Html {
  return items.length
    ? html`<ul>${items.map((value) => html`<li>${item(value)}</li>`)}</ul>`
    : html`<p class="muted">${t(ctx.locale, 'noEntries')}</p>`;
}

/** Facts of a record as a definition list; empty values show a dash. */
export function facts(rows: [string, Html | string | number | null | undefined][]): Html {
  return html`<dl class="facts">
    ${rows.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${v === null || v === undefined || v === '' ? '–' : v}</dd>`,
    )}
  </dl>`;
}

/** A list of messages for forms outside the record kit (sign-in, password). */
export const errorSummary = (ctx: PageContext, errors: Record<string, string>): Html =>
  Object.keys(errors).length
    ? html`<div class="alert" role="alert">
        <p>${t(ctx.locale, 'fixErrors')}</p>
        <ul>
          ${Object.values(errors).map((m) => html`<li>${m}</li>`)}
        </ul>
      </div>`
    : html``;

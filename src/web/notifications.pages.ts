import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow, Public } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import { UuidParam } from '../common/params';
import type { OptionalMailKind } from '../mail/mail';
import { MailPreferences } from '../notifications/preferences.service';
import type { Locale } from '../users/user.entity';
import { dateTime } from './kit/format';
import { Html, html } from './kit/html';
import { dictionary, t } from './kit/i18n';
import { csrfField, PageContext, pageContext, titledPage } from './kit/layout';
import { redirect, safeNext, sendPage } from './kit/respond';
import { ApiError, WebApi } from './kit/web-api';

const words = dictionary({
  none: ['Keine Benachrichtigungen.', 'No notifications.'],
  noneUnread: ['Keine ungelesenen Benachrichtigungen.', 'No unread notifications.'],
  all: ['Alle', 'All'],
  onlyUnread: ['Nur ungelesene', 'Unread only'],
  markAllRead: ['Alle als gelesen markieren', 'Mark all as read'],
  more: ['Ältere anzeigen', 'Show older'],
  preferences: ['E-Mail-Einstellungen', 'Email preferences'],
  preferencesIntro: [
    'Welche E-Mails Liaison Ihnen schickt. Die Benachrichtigungen hier in Liaison bleiben.',
    'Which emails Liaison sends you. The notifications here in Liaison stay.',
  ],
  digest: [
    'Tägliche Übersicht der fälligen Wiedervorlagen (morgens, wenn etwas fällig ist)',
    'Daily summary of follow-ups due (in the morning, when something is due)',
  ],
  'lead-created': ['Neuer Lead für mein Unternehmen', 'A new lead for my company'],
  'lead-shared': ['Lead mit meinem Unternehmen geteilt', 'A lead shared with my company'],
  'lead-note': ['Neue Notiz zu einem Lead', 'A new note on a lead'],
  saved: ['Gespeichert.', 'Saved.'],
  unsubscribeTitle: ['E-Mails abbestellen', 'Unsubscribe'],
  unsubscribeAsk: ['Diese E-Mails nicht mehr erhalten:', 'Stop receiving these emails:'],
  unsubscribeButton: ['Abbestellen', 'Unsubscribe'],
  unsubscribed: [
    'Abbestellt: Sie erhalten diese E-Mails nicht mehr.',
    'Unsubscribed: you will not receive these emails any more.',
  ],
  alreadyOff: [
    'Diese E-Mails sind bereits abbestellt.',
    'You are already unsubscribed from these emails.',
  ],
  changeLater: [
    'Ändern können Sie das jederzeit in Ihren E-Mail-Einstellungen.',
    'You can change this any time in your email preferences.',
  ],
});

interface NotificationView {
  id: string;
  kind: string;
  line: string;
  link: string;
  createdAt: string;
  readAt: string | null;
}

/** A notification's record, as the API gives it: only a path inside the app is followed. */
const RECORD_PATH = /^\/[a-z-]+\/[0-9a-f-]{36}$/;

/** The header's bell leads here: the user's notifications, and which mails it receives. */
@ApiExcludeController()
@WebPages()
@Controller()
export class NotificationPages {
  constructor(private readonly api: WebApi) {}

  @Get('notifications')
  @Allow('account:self')
  async list(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, string>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const unreadOnly = query.unread === 'true';
    const params = new URLSearchParams({ limit: '50' });
    if (unreadOnly) params.set('unread', 'true');
    if (typeof query.cursor === 'string' && query.cursor) params.set('cursor', query.cursor);
    const page = await this.api.get<{ items: NotificationView[]; nextCursor: string | null }>(
      request.webUser!,
      `/api/v1/notifications?${params}`,
    );
    const more = page.nextCursor
      ? `/notifications?${new URLSearchParams({ ...(unreadOnly && { unread: 'true' }), cursor: page.nextCursor })}`
      : undefined;
    const body = html`
      <div class="actions-row">
        <nav aria-label="${t(l, 'notifications')}" class="actions-row">
          <a href="/notifications"${unreadOnly ? '' : html` aria-current="page"`}>${words(l, 'all')}</a>
          <a href="/notifications?unread=true"${unreadOnly ? html` aria-current="page"` : ''}>${words(l, 'onlyUnread')}</a>
        </nav>
        ${
          (request.webUser!.unread ?? 0) > 0
            ? html`<form method="post" action="/notifications/read-all" class="inline">
                ${csrfField(ctx)}<button type="submit" id="read-all">${words(l, 'markAllRead')}</button>
              </form>`
            : ''
        }
        <a href="/profile/notifications">${words(l, 'preferences')}</a>
      </div>
      ${
        page.items.length
          ? html`<ul class="notices" id="notices">
              ${page.items.map(
                (n) => html`<li class="${n.readAt ? 'read' : 'unread'}" data-id="${n.id}">
                  <a href="/notifications/${n.id}/open"
                    >${n.readAt ? '' : html`<span class="visually-hidden">${t(l, 'unread')}: </span>`}${n.line}</a
                  >
                  <small class="muted"><time datetime="${n.createdAt}">${dateTime(n.createdAt, l)}</time></small>
                </li>`,
              )}
            </ul>`
          : html`<p class="muted">${words(l, unreadOnly ? 'noneUnread' : 'none')}</p>`
      }
      ${more ? html`<p><a href="${more}" id="more">${words(l, 'more')}</a></p>` : ''}`;
    sendPage(reply, titledPage(ctx, t(l, 'notifications'), body));
  }

  /** Opening a notification: marked read, then its record. */
  @Get('notifications/:id/open')
  @Allow('account:self')
  async open(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const answer = await this.api.call<NotificationView>(
      request.webUser!,
      'POST',
      `/api/v1/notifications/${id}/read`,
    );
    if (answer.status !== 200) throw new ApiError(answer as never);
    const link = RECORD_PATH.test(answer.body.link) ? answer.body.link : '/notifications';
    redirect(request, reply, safeNext(link));
  }

  @Post('notifications/read-all')
  @Allow('account:self')
  async readAll(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.api.call(request.webUser!, 'POST', '/api/v1/notifications/read-all');
    if (answer.status !== 200) throw new ApiError(answer as never);
    redirect(request, reply, '/notifications');
  }

  @Get('profile/notifications')
  @Allow('account:self')
  async preferences(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const { mails } = await this.api.get<{ mails: Record<OptionalMailKind, boolean> }>(
      request.webUser!,
      '/api/v1/me/preferences',
    );
    sendPage(reply, this.preferencesPage(ctx, mails));
  }

  @Post('profile/notifications')
  @Allow('account:self')
  async savePreferences(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const user = request.webUser!;
    const { mails: shown } = await this.api.get<{ mails: Record<OptionalMailKind, boolean> }>(
      user,
      '/api/v1/me/preferences',
    );
    // A checkbox left unticked is not posted: every kind the form showed is sent, on or off.
    const mails = Object.fromEntries(Object.keys(shown).map((kind) => [kind, body[kind] === 'on']));
    const answer = await this.api.call(user, 'PATCH', '/api/v1/me/preferences', {
      body: { mails },
    });
    if (answer.status !== 200) throw new ApiError(answer as never);
    redirect(request, reply, '/profile/notifications?saved=1');
  }

  private preferencesPage(ctx: PageContext, mails: Record<OptionalMailKind, boolean>): Html {
    const l = ctx.locale;
    const kinds = Object.keys(mails) as OptionalMailKind[];
    return titledPage(
      ctx,
      words(l, 'preferences'),
      html`${ctx.query.saved ? html`<div class="flash" role="status" id="flash">${words(l, 'saved')}</div>` : ''}
        <p>${words(l, 'preferencesIntro')}</p>
        <form method="post" action="/profile/notifications" class="card" id="preferences-form">
          ${csrfField(ctx)}
          ${kinds.map(
            (kind) => html`<div class="field check">
              <label for="f-${kind}"><input type="checkbox" id="f-${kind}" name="${kind}"${mails[kind] ? html` checked` : ''} />
                ${words(l, kind)}</label>
            </div>`,
          )}
          <button type="submit" class="primary">${t(l, 'save')}</button>
        </form>
        <p><a href="/profile">${t(l, 'profile')}</a></p>`,
    );
  }
}

/**
 * The one-click unsubscribe of a mail (RFC 8058), signed in or not: the link's token names the
 * user and the kind. A mail client posts `List-Unsubscribe=One-Click` to it; a person opening the
 * link gets a page with the button that posts (opening it changes nothing: mail scanners fetch
 * links). No session and so no CSRF token: the signed token is the proof.
 */
@ApiExcludeController()
@Controller('unsubscribe')
export class UnsubscribePages {
  constructor(private readonly preferences: MailPreferences) {}

  @Get(':token')
  @Public()
  async ask(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('token') token: string,
  ): Promise<void> {
    const { kind, locale, off } = await this.preferences.peek(token);
    const ctx = this.context(request, locale);
    const l = locale;
    sendPage(
      reply,
      titledPage(
        ctx,
        words(l, 'unsubscribeTitle'),
        off
          ? html`<p role="status">${words(l, 'alreadyOff')}</p>${this.later(l)}`
          : html`<p>${words(l, 'unsubscribeAsk')} <strong>${words(l, kind)}</strong></p>
              <form method="post" action="/unsubscribe/${token}" id="unsubscribe-form">
                <input type="hidden" name="List-Unsubscribe" value="One-Click" />
                <button type="submit" class="primary">${words(l, 'unsubscribeButton')}</button>
              </form>`,
      ),
    );
  }

  @Post(':token')
  @Public()
  @HttpCode(200)
  async unsubscribe(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('token') token: string,
  ): Promise<void> {
    const { kind, locale } = await this.preferences.unsubscribe(token);
    const ctx = this.context(request, locale);
    sendPage(
      reply,
      titledPage(
        ctx,
        words(locale, 'unsubscribeTitle'),
        html`<p role="status" id="unsubscribed">${words(locale, 'unsubscribed')} (${words(locale, kind)})</p>
          ${this.later(locale)}`,
      ),
    );
  }

  private later(l: Locale): Html {
    return html`<p>${words(l, 'changeLater')} <a href="/profile/notifications">${words(l, 'preferences')}</a></p>`;
  }

  /** The page frame without a session: the language of the link's user. */
  private context(request: WebRequest, locale: Locale): PageContext {
    return { locale, csrf: '', path: request.url.split('?')[0], query: {} };
  }
}

import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Allow, EnrolmentAllowed, Public } from '../auth/actor';
import { AuthService } from '../auth/auth.service';
import { Mfa } from '../auth/mfa.service';
import { beginSecondStep } from './security.pages';
import { securityWords } from './security.words';
import { revokeSession } from '../auth/sessions';
import { TooManyRequests } from '../common/errors';
import { Html, html } from './kit/html';
import { dictionary, label, options, t } from './kit/i18n';
import { fieldMessages, idempotencyField, idempotencyKeyOf } from './kit/forms';
import { dateTime } from './kit/format';
import {
  csrfField,
  errorSummary,
  facts,
  field,
  layout,
  titledPage,
  PageContext,
  pageContext,
} from './kit/layout';
import { redirect, safeNext, sendPage } from './kit/respond';
import { sessionWords } from './sessions.words';
import { ApiAnswer, ApiError, ApiProblem, WebApi } from './kit/web-api';
import type { CalendarFeedDto } from '../calendar-feeds/calendar-feeds.dto';
import {
  clearSessionCookie,
  openWebSession,
  setSessionCookie,
  WebPages,
  WebRequest,
} from '../auth/browser-session';

export { pageContext };

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

const words = dictionary({
  forgotPassword: ['Passwort vergessen?', 'Forgot your password?'],
  wrongCurrent: ['Das aktuelle Passwort stimmt nicht.', 'The current password is not right.'],
  newPasswordRule: [
    'Das neue Passwort braucht 12 bis 128 Zeichen.',
    'The new password needs 12 to 128 characters.',
  ],
  calendarFeed: ['Kalender abonnieren', 'Calendar subscription'],
  calendarFeedIntro: [
    'Ihre Reisetermine und offenen Wiedervorlagen im eigenen Kalender (Outlook, Google, Apple), stündlich aktualisiert. Die Adresse ist geheim: Wer sie kennt, sieht diesen Kalender.',
    'Your trips’ appointments and open follow-ups in your own calendar (Outlook, Google, Apple), updated hourly. The address is secret: whoever has it sees this calendar.',
  ],
  calendarFeedCreate: ['Kalenderadresse erstellen', 'Create calendar address'],
  calendarFeedSubscribe: ['Abonnieren', 'Subscribe'],
  calendarFeedUrl: ['Adresse zum Kopieren (für „Per URL“)', 'Address to copy (for “From URL”)'],
  calendarFeedLastUsed: ['Zuletzt abgerufen', 'Last fetched'],
  calendarFeedNeverUsed: ['noch nie abgerufen', 'not fetched yet'],
  calendarFeedRotate: ['Neue Adresse', 'New address'],
  calendarFeedRotateConfirm: [
    'Eine neue Adresse erstellen? Die bisherige funktioniert dann sofort nicht mehr; jeder Kalender muss neu abonnieren.',
    'Create a new address? The current one stops working at once; every calendar must subscribe again.',
  ],
  calendarFeedRevoke: ['Abonnement beenden', 'Stop subscription'],
  calendarFeedRevokeConfirm: [
    'Das Abonnement beenden? Die Adresse funktioniert dann nicht mehr.',
    'Stop the subscription? The address will stop working.',
  ],
  calendarFeedOutlook: [
    'Outlook: „Kalender hinzufügen“ → „Aus dem Internet abonnieren“ und die Adresse einfügen, oder oben „Abonnieren“ klicken.',
    'Outlook: “Add calendar” → “Subscribe from web” and paste the address, or click “Subscribe” above.',
  ],
  calendarFeedGoogle: [
    'Google Kalender (im Browser): „Weitere Kalender“ → „+“ → „Per URL“ und die Adresse einfügen.',
    'Google Calendar (on the web): “Other calendars” → “+” → “From URL” and paste the address.',
  ],
  calendarFeedApple: [
    'Apple Kalender: oben „Abonnieren“ klicken, oder „Ablage“ → „Neues Kalenderabonnement …“ und die Adresse einfügen.',
    'Apple Calendar: click “Subscribe” above, or “File” → “New Calendar Subscription…” and paste the address.',
  ],
});
const PASSWORD_FIELDS = [
  { name: 'currentPassword', label: '' },
  { name: 'newPassword', label: '' },
];

@ApiExcludeController()
@WebPages()
@Controller()
export class AccountPages {
  constructor(
    private readonly auth: AuthService,
    private readonly api: WebApi,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly mfa: Mfa,
  ) {}

  @Get('login')
  @Public()
  loginForm(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query('next') next?: string,
  ): void {
    if (request.webUser) return redirect(request, reply, safeNext(next));
    sendPage(reply, this.loginPage(pageContext(request), safeNext(next)));
  }

  @Post('login')
  @Public()
  async login(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const next = safeNext(body.next);
    const email = str(body.email).trim();
    try {
      const user = await this.auth.verifyCredentials(email, str(body.password), {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      if ((await this.mfa.methodsOf(user.id)).length > 0) {
        return beginSecondStep(request, reply, this.mfa.issueMfaToken(user.id), next);
      }
      const { token } = await this.db.transaction((em) =>
        openWebSession(em, user.id, { ip: request.ip, userAgent: request.headers['user-agent'] }),
      );
      setSessionCookie(request, reply, token);
      redirect(request, reply, next);
    } catch (error) {
      const message =
        error instanceof TooManyRequests
          ? t(ctx.locale, 'tooManyAttempts')
          : t(ctx.locale, 'wrongCredentials');
      const status = error instanceof TooManyRequests ? 429 : 401;
      if (!(error instanceof TooManyRequests) && (error as { status?: number }).status !== 401)
        throw error;
      sendPage(reply, this.loginPage(ctx, next, email, message), status);
    }
  }

  private loginPage(ctx: PageContext, next: string, email = '', error?: string) {
    return layout(
      ctx,
      t(ctx.locale, 'signIn'),
      html`<div class="card narrow">
        <h1>${t(ctx.locale, 'signIn')}</h1>
        ${error ? html`<p class="alert" role="alert">${error}</p>` : ''}
        <form method="post" action="/login">
          ${csrfField(ctx)}<input type="hidden" name="next" value="${next}" />
          ${field(t(ctx.locale, 'email'), html`<input type="email" name="email" autocomplete="username" required value="${email}" autofocus />`)}
          ${field(t(ctx.locale, 'password'), html`<input type="password" name="password" autocomplete="current-password" required />`)}
          <p><button class="primary" type="submit">${t(ctx.locale, 'signIn')}</button></p>
        </form>
        <p><a href="/password/forgot" id="forgot-password">${words(ctx.locale, 'forgotPassword')}</a></p>
      </div>`,
    );
  }

  @Post('logout')
  @Allow('account:self')
  @EnrolmentAllowed()
  async logout(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.db.transaction((em) => revokeSession(em, request.webUser!.sessionId, 'logout'));
    clearSessionCookie(request, reply);
    redirect(request, reply, '/login');
  }

  @Get('profile')
  @Allow('account:self')
  async profile(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    sendPage(reply, this.profilePage(pageContext(request), {}, await this.calendarFeed(request)));
  }

  /** The user's calendar subscription as the API answers it; null when there is none. */
  private async calendarFeed(request: WebRequest): Promise<CalendarFeedDto | null> {
    const answer = await this.api.call<CalendarFeedDto>(
      request.webUser!,
      'GET',
      '/api/v1/me/calendar-feed',
    );
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw new ApiError(answer as unknown as ApiAnswer<ApiProblem>);
    return answer.body;
  }

  /** Creates the subscription, or gives it a new address (the form asks first). */
  @Post('profile/calendar-feed')
  @Allow('account:self')
  async renewCalendarFeed(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const answer = await this.api.call(request.webUser!, 'POST', '/api/v1/me/calendar-feed', {
      idempotencyKey: idempotencyKeyOf(body),
    });
    if (answer.status !== 201) throw new ApiError(answer as ApiAnswer<ApiProblem>);
    redirect(request, reply, '/profile?flash=saved#calendar-feed');
  }

  @Post('profile/calendar-feed/delete')
  @Allow('account:self')
  async revokeCalendarFeed(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.api.call(request.webUser!, 'DELETE', '/api/v1/me/calendar-feed');
    if (answer.status !== 204) throw new ApiError(answer as ApiAnswer<ApiProblem>);
    redirect(request, reply, '/profile?flash=deleted#calendar-feed');
  }

  @Post('profile/password')
  @Allow('account:self')
  async changePassword(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const answer = await this.api.call(request.webUser!, 'POST', '/api/v1/auth/password', {
      body: { currentPassword: str(body.currentPassword), newPassword: str(body.newPassword) },
    });
    if (answer.status === 204) {
      clearSessionCookie(request, reply);
      redirect(request, reply, '/login?changed=1');
      return;
    }
    const ctx = pageContext(request);
    const errors = fieldMessages(ctx.locale, PASSWORD_FIELDS, answer.body as ApiProblem);
    // Named plainly: which password was refused, and what a new one needs.
    if (errors.currentPassword) errors.currentPassword = words(ctx.locale, 'wrongCurrent');
    if (errors.newPassword) errors.newPassword = words(ctx.locale, 'newPasswordRule');
    sendPage(reply, this.profilePage(ctx, errors, await this.calendarFeed(request)), 400);
  }

  private profilePage(
    ctx: PageContext,
    errors: Record<string, string>,
    feed: CalendarFeedDto | null,
  ) {
    const user = ctx.user!;
    const l = ctx.locale;
    return titledPage(
      ctx,
      t(l, 'profile'),
      html`
        ${facts([
          [t(l, 'displayName'), user.displayName],
          [t(l, 'email'), user.email],
          [t(l, 'role'), label(l, 'role', user.role)],
        ])}
        <p><a href="/profile/notifications" id="mail-preferences">${t(l, 'emailPreferences')}</a></p>
        <p><a href="/account/security" id="security-link">${securityWords(l, 'securityLink')}</a></p>
        <p><a href="/account/sessions" id="sessions-link">${sessionWords(l, 'link')}</a></p>
        <h2>${t(l, 'language')}</h2>
        <form method="post" action="/profile/locale" class="card" id="locale-form">
          ${csrfField(ctx)}
          <div class="field">
            <label for="f-locale">${t(l, 'language')}</label>
            <select id="f-locale" name="locale">
              ${options(l, 'locale').map(
                (o) =>
                  html`<option value="${o.value}"${o.value === user.locale ? html` selected` : ''}>${o.label}</option>`,
              )}
            </select>
          </div>
          <button type="submit">${t(l, 'save')}</button>
        </form>
        <h2>${t(l, 'changePassword')}</h2>
        ${errorSummary(ctx, errors)}
        <form method="post" action="/profile/password" class="card" id="password-form">
          ${csrfField(ctx)}
          <input type="email" name="username" autocomplete="username" value="${user.email}" aria-label="${t(l, 'email')}" hidden />
          <div class="field${errors.currentPassword ? ' invalid' : ''}">
            <label for="f-currentPassword">${t(l, 'currentPassword')}</label>
            <input type="password" id="f-currentPassword" name="currentPassword" autocomplete="current-password" required />
            ${errors.currentPassword ? html`<p class="error" role="alert">${errors.currentPassword}</p>` : ''}
          </div>
          <div class="field${errors.newPassword ? ' invalid' : ''}">
            <label for="f-newPassword">${t(l, 'newPassword')}</label>
            <input type="password" id="f-newPassword" name="newPassword" autocomplete="new-password" minlength="12" maxlength="128" required />
            ${errors.newPassword ? html`<p class="error" role="alert">${errors.newPassword}</p>` : ''}
          </div>
          <button type="submit">${t(l, 'changePassword')}</button>
        </form>
        ${this.calendarFeedSection(ctx, feed)}`,
    );
  }

  /** The calendar subscription: the webcal link, the URL to copy, a new address, stop; help. */
  private calendarFeedSection(ctx: PageContext, feed: CalendarFeedDto | null): Html {
    const l = ctx.locale;
    const renew = (label: string, o: { primary?: boolean; confirm?: string } = {}) =>
      html`<form method="post" action="/profile/calendar-feed" class="inline"${o.confirm ? html` data-confirm="${o.confirm}"` : ''}>
        ${csrfField(ctx)}${idempotencyField()}
        <button type="submit"${o.primary ? html` class="primary"` : ''} id="${feed ? 'calendar-feed-rotate' : 'calendar-feed-create'}">${label}</button>
      </form>`;
    return html`<h2 id="calendar-feed">${words(l, 'calendarFeed')}</h2>
      <section class="card calendar-feed" aria-labelledby="calendar-feed">
        <p>${words(l, 'calendarFeedIntro')}</p>
        ${
          feed
            ? html`<p class="actions">
                  <a class="button primary" id="calendar-feed-subscribe" href="${feed.webcalUrl}">${words(l, 'calendarFeedSubscribe')}</a>
                </p>
                <div class="field">
                  <label for="f-calendar-feed-url">${words(l, 'calendarFeedUrl')}</label>
                  <input type="url" id="f-calendar-feed-url" readonly value="${feed.url}" />
                  <small>${words(l, 'calendarFeedLastUsed')}:
                    ${feed.lastUsedAt ? dateTime(feed.lastUsedAt, l) : words(l, 'calendarFeedNeverUsed')}</small>
                </div>
                <ul class="calendar-apps">
                  <li>${words(l, 'calendarFeedOutlook')}</li>
                  <li>${words(l, 'calendarFeedGoogle')}</li>
                  <li>${words(l, 'calendarFeedApple')}</li>
                </ul>
                <div class="actions">
                  ${renew(words(l, 'calendarFeedRotate'), { confirm: words(l, 'calendarFeedRotateConfirm') })}
                  <form method="post" action="/profile/calendar-feed/delete" class="inline" data-confirm="${words(l, 'calendarFeedRevokeConfirm')}">
                    ${csrfField(ctx)}<button type="submit" class="danger" id="calendar-feed-revoke">${words(l, 'calendarFeedRevoke')}</button>
                  </form>
                </div>`
            : html`<p class="actions">${renew(words(l, 'calendarFeedCreate'), { primary: true })}</p>`
        }
      </section>`;
  }

  @Post('profile/locale')
  @Allow('account:self')
  async setLocale(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const locale = body.locale === 'en' ? 'en' : 'de';
    // One's own language is not an admin matter: no version check, but audited like any change.
    const user = request.webUser!;
    await this.db.transaction(async (em) => {
      await em.query('UPDATE users SET locale = $2 WHERE id = $1', [user.userId, locale]);
      await this.audit.record(em, {
        actorId: user.userId,
        action: 'update',
        entity: 'user',
        entityId: user.userId,
        changes: { locale: { before: user.locale, after: locale } },
      });
    });
    redirect(request, reply, '/profile');
  }
}

import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Allow, Public } from '../auth/actor';
import { AuthService } from '../auth/auth.service';
import { revokeSession } from '../auth/sessions';
import { TooManyRequests } from '../common/errors';
import { html } from './kit/html';
import { dictionary, label, options, t } from './kit/i18n';
import { fieldMessages } from './kit/forms';
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
import { ApiProblem, WebApi } from './kit/web-api';
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
  async logout(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.db.transaction((em) => revokeSession(em, request.webUser!.sessionId, 'logout'));
    clearSessionCookie(request, reply);
    redirect(request, reply, '/login');
  }

  @Get('profile')
  @Allow('account:self')
  profile(@Req() request: WebRequest, @Res() reply: FastifyReply): void {
    sendPage(reply, this.profilePage(pageContext(request), {}));
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
    sendPage(reply, this.profilePage(ctx, errors), 400);
  }

  private profilePage(ctx: PageContext, errors: Record<string, string>) {
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
        </form>`,
    );
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

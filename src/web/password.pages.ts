import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/actor';
import { openWebSession, setSessionCookie, WebPages, WebRequest } from '../auth/browser-session';
import { PasswordResets } from '../auth/password-reset.service';
import { BadInput } from '../common/errors';
import { transaction } from '../common/transaction';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../config/config';
import { html } from './kit/html';
import { dictionary, Locale, t } from './kit/i18n';
import { csrfField, errorSummary, layout, PageContext, pageContext } from './kit/layout';
import { redirect, sendPage } from './kit/respond';

const words = dictionary({
  forgotTitle: ['Passwort vergessen', 'Forgot your password'],
  forgotIntro: [
    'Geben Sie die E-Mail-Adresse Ihres Zugangs an. Wir schicken Ihnen einen Link, mit dem Sie ein neues Passwort wählen.',
    'Enter the email address of your account. We will send you a link to choose a new password.',
  ],
  sendLink: ['Link senden', 'Send the link'],
  sentTitle: ['Sehen Sie in Ihr Postfach', 'Check your inbox'],
  sentText: [
    'Wenn die Adresse zu einem aktiven Zugang gehört, ist eine E-Mail mit einem Link unterwegs. Der Link gilt 30 Minuten.',
    'If the address belongs to an active account, an email with a link is on its way. The link works for 30 minutes.',
  ],
  sentHint: [
    'Nichts angekommen? Sehen Sie im Spam-Ordner nach oder fragen Sie die Wirtschaftsförderung.',
    'Nothing arrived? Look in the spam folder or ask the economic development agency.',
  ],
  backToSignIn: ['Zurück zur Anmeldung', 'Back to sign-in'],
  resetTitle: ['Neues Passwort wählen', 'Choose a new password'],
  welcomeTitle: ['Willkommen bei Liaison', 'Welcome to Liaison'],
  welcomeIntro: [
    'Wählen Sie Ihr Passwort; danach sind Sie angemeldet.',
    'Choose your password; then you are signed in.',
  ],
  newPassword: ['Neues Passwort', 'New password'],
  repeatPassword: ['Neues Passwort wiederholen', 'Repeat the new password'],
  passwordRule: [
    `Mindestens ${MIN_PASSWORD_LENGTH}, höchstens ${MAX_PASSWORD_LENGTH} Zeichen.`,
    `At least ${MIN_PASSWORD_LENGTH}, at most ${MAX_PASSWORD_LENGTH} characters.`,
  ],
  passwordLength: [
    `Das Passwort braucht ${MIN_PASSWORD_LENGTH} bis ${MAX_PASSWORD_LENGTH} Zeichen.`,
    `The password needs ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`,
  ],
  mismatch: ['Die beiden Passwörter stimmen nicht überein.', 'The two passwords do not match.'],
  setPassword: ['Passwort setzen', 'Set the password'],
  badLink: [
    'Dieser Link gilt nicht (mehr): Er ist abgelaufen, wurde schon benutzt oder ist unvollständig.',
    'This link does not work (any more): it has expired, was used already or is incomplete.',
  ],
  newLink: ['Neuen Link anfordern', 'Request a new link'],
  badInvitation: [
    'Ist Ihre Einladung abgelaufen, bitten Sie die Person, die Sie eingeladen hat, um eine neue.',
    'If your invitation has expired, ask the person who invited you for a new one.',
  ],
});

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The language of a page seen before sign-in: the mail's link names it (`?lang=`, the
 * recipient's), else the browser's first of German and English, else German.
 */
function visitorContext(request: WebRequest, lang?: unknown): PageContext {
  const ctx = pageContext(request);
  if (ctx.user) return ctx;
  const named = lang ?? ctx.query.lang;
  if (named === 'de' || named === 'en') return { ...ctx, locale: named };
  const accepted = String(request.headers['accept-language'] ?? '')
    .split(',')
    .map((part) => part.trim().slice(0, 2).toLowerCase())
    .find((tag) => tag === 'de' || tag === 'en');
  return { ...ctx, locale: (accepted as Locale | undefined) ?? 'de' };
}

/** "Forgot your password" and the page a reset or invitation link opens (both public). */
@ApiExcludeController()
@WebPages()
@Controller('password')
export class PasswordPages {
  constructor(
    private readonly resets: PasswordResets,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Get('forgot')
  @Public()
  forgotForm(@Req() request: WebRequest, @Res() reply: FastifyReply): void {
    const ctx = visitorContext(request);
    const l = ctx.locale;
    sendPage(
      reply,
      layout(
        ctx,
        words(l, 'forgotTitle'),
        html`<div class="card narrow">
          <h1>${words(l, 'forgotTitle')}</h1>
          <p>${words(l, 'forgotIntro')}</p>
          <form method="post" action="/password/forgot" id="forgot-form">
            ${csrfField(ctx)}<input type="hidden" name="lang" value="${l}" />
            <div class="field">
              <label for="f-email">${t(l, 'email')}</label>
              <input type="email" id="f-email" name="email" autocomplete="username" maxlength="254" required autofocus />
            </div>
            <p><button class="primary" type="submit">${words(l, 'sendLink')}</button></p>
          </form>
          <p><a href="/login">${words(l, 'backToSignIn')}</a></p>
        </div>`,
      ),
    );
  }

  /** The same page whatever the address: whether it is known is nobody's business here. */
  @Post('forgot')
  @Public()
  async forgot(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = visitorContext(request, body.lang);
    const l = ctx.locale;
    const email = str(body.email).trim();
    if (email && email.length <= 254) await this.resets.request(email, request.ip);
    sendPage(
      reply,
      layout(
        ctx,
        words(l, 'sentTitle'),
        html`<div class="card narrow" id="reset-sent">
          <h1>${words(l, 'sentTitle')}</h1>
          <p role="status">${words(l, 'sentText')}</p>
          <p class="muted">${words(l, 'sentHint')}</p>
          <p><a href="/login">${words(l, 'backToSignIn')}</a></p>
        </div>`,
      ),
    );
  }

  @Get('reset')
  @Public()
  resetForm(@Req() request: WebRequest, @Res() reply: FastifyReply): void {
    const ctx = visitorContext(request);
    sendPage(
      reply,
      this.resetPage(ctx, {
        token: ctx.query.token ?? '',
        welcome: ctx.query.welcome === '1',
      }),
    );
  }

  /** Sets the password, then signs the user in: the link in the mail proved the address. */
  @Post('reset')
  @Public()
  async reset(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = visitorContext(request, body.lang);
    const l = ctx.locale;
    const token = str(body.token);
    const password = str(body.password);
    const state = { token, welcome: body.welcome === '1' };
    const errors: Record<string, string> = {};
    if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH)
      errors.password = words(l, 'passwordLength');
    else if (password !== str(body.passwordRepeat)) errors.passwordRepeat = words(l, 'mismatch');
    if (Object.keys(errors).length) return sendPage(reply, this.resetPage(ctx, state, errors), 400);
    let userId: string;
    try {
      ({ userId } = await this.resets.confirm(token, password));
    } catch (error) {
      if (!(error instanceof BadInput)) throw error;
      return sendPage(reply, this.resetPage(ctx, state, { token: words(l, 'badLink') }), 400);
    }
    const meta = { ip: request.ip, userAgent: request.headers['user-agent'] };
    const { token: session } = await transaction(this.db, (em) => openWebSession(em, userId, meta));
    setSessionCookie(request, reply, session);
    redirect(request, reply, '/?flash=passwordSet');
  }

  private resetPage(
    ctx: PageContext,
    state: { token: string; welcome: boolean },
    errors: Record<string, string> = {},
  ) {
    const l = ctx.locale;
    const title = state.welcome ? words(l, 'welcomeTitle') : words(l, 'resetTitle');
    const invalid = (name: string) => (errors[name] ? ' invalid' : '');
    const message = (name: string) =>
      errors[name] ? html`<p class="error" role="alert" id="e-${name}">${errors[name]}</p>` : '';
    return layout(
      ctx,
      title,
      html`<div class="card narrow">
        <h1>${title}</h1>
        ${state.welcome ? html`<p>${words(l, 'welcomeIntro')}</p>` : ''}
        ${
          errors.token
            ? html`<div class="alert" role="alert" id="bad-link">
                <p>${errors.token}</p>
                ${state.welcome ? html`<p>${words(l, 'badInvitation')}</p>` : ''}
                <p><a href="/password/forgot?lang=${l}">${words(l, 'newLink')}</a></p>
              </div>`
            : errorSummary(ctx, errors)
        }
        <form method="post" action="/password/reset" id="reset-form">
          ${csrfField(ctx)}
          <input type="hidden" name="lang" value="${l}" />
          ${state.welcome ? html`<input type="hidden" name="welcome" value="1" />` : ''}
          <input type="hidden" name="token" value="${state.token}" data-token-from-fragment />
          <div class="field${invalid('password')}">
            <label for="f-password">${words(l, 'newPassword')} <small>${words(l, 'passwordRule')}</small></label>
            <input type="password" id="f-password" name="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" maxlength="${MAX_PASSWORD_LENGTH}" required autofocus />
            ${message('password')}
          </div>
          <div class="field${invalid('passwordRepeat')}">
            <label for="f-passwordRepeat">${words(l, 'repeatPassword')}</label>
            <input type="password" id="f-passwordRepeat" name="passwordRepeat" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" maxlength="${MAX_PASSWORD_LENGTH}" required />
            ${message('passwordRepeat')}
          </div>
          <p><button class="primary" type="submit">${words(l, 'setPassword')}</button></p>
        </form>
      </div>`,
    );
  }
}

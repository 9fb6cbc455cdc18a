import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { Allow, EnrolmentAllowed, Public } from '../auth/actor';
import { openWebSession, setSessionCookie, WebPages, WebRequest } from '../auth/browser-session';
import type { MfaStatusDto, PasskeyDto, TotpEnrolmentDto } from '../auth/mfa.dto';
import { Mfa, MfaMethod, MFA_TOKEN_TTL_SECONDS, SecondFactor } from '../auth/mfa.service';
import { relyingPartyOf, type PasskeyAnswer } from '../auth/passkeys.service';
import { BadInput, TooManyRequests, Unauthorized } from '../common/errors';
import { UuidParam } from '../common/params';
import { dateTime } from './kit/format';
import { Html, html, raw } from './kit/html';
import { Locale, t } from './kit/i18n';
import {
  csrfField,
  doneNotice,
  field,
  layout,
  PageContext,
  pageContext,
  titledPage,
} from './kit/layout';
import { redirect, safeNext, sendPage } from './kit/respond';
import { ApiAnswer, ApiError, ApiProblem, WebApi } from './kit/web-api';
import { securityWords as words } from './security.words';

/** The sign-in waiting for its second step: the mfaToken, in a cookie only the server reads. */
const PENDING_COOKIE = 'liaison_mfa';
const PENDING_PATH = '/login';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

const DONE = ['totpEnabled', 'totpDisabled', 'passkeyAdded', 'passkeyRemoved'] as const;

/** The scripts of passkeys: the WebAuthn client library and ours, both files of this site. */
const PASSKEY_SCRIPTS = html`<script src="/assets/simplewebauthn.js" defer></script>
  <script src="/assets/passkeys.js" defer></script>`;

/**
 * After a right password, for a user with a second factor: no session yet, but a short-lived
 * HttpOnly cookie with the second step's token, and on to the second step.
 */
export function beginSecondStep(
  request: FastifyRequest,
  reply: FastifyReply,
  mfaToken: string,
  next: string,
): void {
  void reply.setCookie(PENDING_COOKIE, mfaToken, {
    path: PENDING_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    maxAge: MFA_TOKEN_TTL_SECONDS,
  });
  redirect(request, reply, `/login/mfa?next=${encodeURIComponent(next)}`);
}

const clearPending = (request: FastifyRequest, reply: FastifyReply) =>
  void reply.clearCookie(PENDING_COOKIE, {
    path: PENDING_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
  });

/** The headers that tell the API the site the browser is on (passkeys are bound to it). */
const siteHeaders = (request: FastifyRequest): Record<string, string> => ({
  host: request.host,
  'x-forwarded-host': request.host,
  'x-forwarded-proto': request.protocol,
});

/**
 * The security of one's own sign-in (/account/security): authenticator app, recovery codes,
 * passkeys; and the second step of signing in (/login/mfa). Open before a required second factor
 * is set up.
 */
@ApiExcludeController()
@WebPages()
@EnrolmentAllowed()
@Controller()
export class SecurityPages {
  constructor(
    private readonly api: WebApi,
    private readonly mfa: Mfa,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Get('account/security')
  @Allow('account:self')
  async page(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    sendPage(reply, await this.securityPage(request, ctx));
  }

  @Post('account/security/totp')
  @Allow('account:self')
  async startTotp(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.api.call<TotpEnrolmentDto>(
      request.webUser!,
      'POST',
      '/api/v1/me/mfa/totp',
    );
    if (answer.status === 409) return redirect(request, reply, '/account/security');
    if (answer.status !== 201) throw new ApiError(answer as unknown as ApiAnswer<ApiProblem>);
    sendPage(reply, this.enrolPage(pageContext(request), answer.body));
  }

  @Post('account/security/totp/confirm')
  @Allow('account:self')
  async confirmTotp(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call<{ codes: string[] }>(
      request.webUser!,
      'POST',
      '/api/v1/me/mfa/totp/confirm',
      { body: { code: str(body.code).trim() } },
    );
    if (answer.status === 200) {
      sendPage(reply, this.codesPage(ctx, answer.body.codes, words(ctx.locale, 'totpEnabled')));
      return;
    }
    if (answer.status === 409) return redirect(request, reply, '/account/security');
    if (answer.status === 400 || answer.status === 429) {
      const message =
        answer.status === 429 ? t(ctx.locale, 'tooManyAttempts') : words(ctx.locale, 'wrongCode');
      sendPage(reply, this.enrolPage(ctx, undefined, message), answer.status);
      return;
    }
    throw new ApiError(answer as unknown as ApiAnswer<ApiProblem>);
  }

  @Post('account/security/totp/disable')
  @Allow('account:self')
  async disableTotp(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const code = str(body.code).trim();
    const password = str(body.password);
    const answer = await this.api.call(request.webUser!, 'DELETE', '/api/v1/me/mfa/totp', {
      body: code ? { code } : password ? { password } : {},
    });
    if (answer.status === 204 || answer.status === 409) {
      return redirect(request, reply, '/account/security?done=totpDisabled');
    }
    if (answer.status === 400 || answer.status === 429) {
      const ctx = pageContext(request);
      sendPage(
        reply,
        await this.securityPage(request, ctx, { disable: words(ctx.locale, 'wrongProof') }),
        answer.status,
      );
      return;
    }
    throw new ApiError(answer as ApiAnswer<ApiProblem>);
  }

  @Post('account/security/recovery-codes')
  @Allow('account:self')
  async renewRecoveryCodes(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.api.call<{ codes: string[] }>(
      request.webUser!,
      'POST',
      '/api/v1/me/mfa/recovery-codes',
    );
    if (answer.status === 409) return redirect(request, reply, '/account/security');
    if (answer.status !== 201) throw new ApiError(answer as unknown as ApiAnswer<ApiProblem>);
    sendPage(reply, this.codesPage(pageContext(request), answer.body.codes));
  }

  /** The WebAuthn options for registering a passkey, as JSON for public/passkeys.js. */
  @Post('account/security/passkeys/options')
  @Allow('account:self')
  async passkeyOptions(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.api.call<object>(
      request.webUser!,
      'POST',
      '/api/v1/me/passkeys/options',
      { headers: siteHeaders(request) },
    );
    if (answer.status !== 200) throw new ApiError(answer as unknown as ApiAnswer<ApiProblem>);
    void reply.header('Cache-Control', 'no-store').send(answer.body);
  }

  @Post('account/security/passkeys')
  @Allow('account:self')
  async addPasskey(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    let response: unknown;
    try {
      response = JSON.parse(str(body.response));
    } catch {
      response = undefined;
    }
    const answer = await this.api.call<PasskeyDto>(
      request.webUser!,
      'POST',
      '/api/v1/me/passkeys/register',
      {
        body: { name: str(body.name).trim() || 'Passkey', response },
        headers: siteHeaders(request),
      },
    );
    if (answer.status === 201) {
      return redirect(request, reply, '/account/security?done=passkeyAdded#passkeys');
    }
    if (answer.status === 400) {
      const ctx = pageContext(request);
      sendPage(
        reply,
        await this.securityPage(request, ctx, { passkey: words(ctx.locale, 'passkeyFailed') }),
        400,
      );
      return;
    }
    throw new ApiError(answer as unknown as ApiAnswer<ApiProblem>);
  }

  @Post('account/security/passkeys/:id/delete')
  @Allow('account:self')
  async removePasskey(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const answer = await this.api.call(request.webUser!, 'DELETE', `/api/v1/me/passkeys/${id}`);
    if (answer.status !== 204) throw new ApiError(answer as ApiAnswer<ApiProblem>);
    redirect(request, reply, '/account/security?done=passkeyRemoved#passkeys');
  }

  // The second step of signing in: no session yet, the pending cookie instead.

  @Get('login/mfa')
  @Public()
  async secondStepForm(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query('next') next?: string,
  ): Promise<void> {
    if (request.webUser) return redirect(request, reply, safeNext(next));
    const pending = await this.pending(request);
    if (!pending) return this.expired(request, reply);
    sendPage(reply, this.secondStepPage(pending.ctx, pending.methods, safeNext(next)));
  }

  @Post('login/mfa')
  @Public()
  async secondStep(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const next = safeNext(body.next);
    const token = request.cookies?.[PENDING_COOKIE];
    const pending = await this.pending(request);
    if (!token || !pending) return this.expired(request, reply);
    const { ctx, methods } = pending;
    let passkey: PasskeyAnswer | undefined;
    try {
      passkey = body.passkey ? (JSON.parse(str(body.passkey)) as PasskeyAnswer) : undefined;
    } catch {
      passkey = undefined;
    }
    const factor: SecondFactor = {
      code: str(body.code).trim() || undefined,
      recoveryCode: str(body.recoveryCode).trim() || undefined,
      passkey,
    };
    try {
      const { user } = await this.mfa.verifySecondStep(token, factor, {
        ip: request.ip,
        rp: relyingPartyOf(request),
      });
      const { token: session } = await this.db.transaction((em) =>
        openWebSession(em, user.id, { ip: request.ip, userAgent: request.headers['user-agent'] }),
      );
      clearPending(request, reply);
      setSessionCookie(request, reply, session);
      redirect(request, reply, next);
    } catch (error) {
      if (!(
        error instanceof Unauthorized ||
        error instanceof BadInput ||
        error instanceof TooManyRequests
      ))
        throw error;
      const message =
        error instanceof TooManyRequests
          ? t(ctx.locale, 'tooManyAttempts')
          : factor.recoveryCode
            ? words(ctx.locale, 'wrongRecoveryCode')
            : factor.passkey || body.passkey
              ? words(ctx.locale, 'passkeyFailed')
              : words(ctx.locale, 'wrongCode');
      sendPage(
        reply,
        this.secondStepPage(ctx, methods, next, message, Boolean(factor.recoveryCode)),
        error instanceof TooManyRequests ? 429 : error instanceof BadInput ? 400 : 401,
      );
    }
  }

  /** The WebAuthn request for signing in with a passkey, as JSON for public/passkeys.js. */
  @Post('login/mfa/passkey-options')
  @Public()
  async secondStepPasskeyOptions(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const token = request.cookies?.[PENDING_COOKIE];
    if (!token) throw new Unauthorized(words('en', 'signInExpired'));
    const options = await this.mfa.passkeyOptions(token, relyingPartyOf(request));
    void reply.header('Cache-Control', 'no-store').send(options);
  }

  /**
   * The pending sign-in: its methods, and the page context in its user's language; undefined
   * when there is none (or it expired).
   */
  private async pending(
    request: WebRequest,
  ): Promise<{ methods: MfaMethod[]; ctx: PageContext } | undefined> {
    const token = request.cookies?.[PENDING_COOKIE];
    if (!token || token.length > 2000) return undefined;
    let userId: string;
    try {
      userId = this.mfa.userOfMfaToken(token);
    } catch (error) {
      if (error instanceof Unauthorized) return undefined;
      throw error;
    }
    const [row] = (await this.db.query('SELECT locale FROM users WHERE id = $1 AND active', [
      userId,
    ])) as { locale: Locale }[];
    if (!row) return undefined;
    return {
      methods: await this.mfa.methodsOf(userId),
      ctx: { ...pageContext(request), locale: row.locale },
    };
  }

  private expired(request: WebRequest, reply: FastifyReply): void {
    clearPending(request, reply);
    redirect(request, reply, '/login');
  }

  private secondStepPage(
    ctx: PageContext,
    methods: MfaMethod[],
    next: string,
    error?: string,
    recoveryOpen = false,
  ): Html {
    const l = ctx.locale;
    return layout(
      ctx,
      words(l, 'secondStep'),
      html`<div class="card narrow second-step">
        <h1>${words(l, 'secondStep')}</h1>
        ${error ? html`<p class="alert" role="alert" id="mfa-error">${error}</p>` : ''}
        ${
          methods.includes('totp')
            ? html`<p>${words(l, 'secondStepIntro')}</p>
              <form method="post" action="/login/mfa" id="mfa-code-form">
                ${csrfField(ctx)}<input type="hidden" name="next" value="${next}" />
                ${field(
                  words(l, 'code'),
                  html`<input type="text" id="f-code" name="code" inputmode="numeric" pattern="[0-9 ]*" autocomplete="one-time-code" maxlength="8" required autofocus />`,
                )}
                <p><button class="primary" type="submit">${t(l, 'signIn')}</button></p>
              </form>`
            : ''
        }
        ${
          methods.includes('passkey')
            ? html`<form method="post" action="/login/mfa" id="mfa-passkey-form" data-passkey-signin="/login/mfa/passkey-options">
              ${csrfField(ctx)}<input type="hidden" name="next" value="${next}" />
              <input type="hidden" name="passkey" value="" />
              <p class="alert" role="alert" data-passkey-error hidden>${words(l, 'passkeyFailed')}</p>
              <p><button type="submit" id="use-passkey"${methods.includes('totp') ? '' : html` class="primary"`}>${words(l, 'usePasskey')}</button></p>
            </form>`
            : ''
        }
        ${
          methods.includes('recoveryCode')
            ? html`<details id="use-recovery-code"${recoveryOpen ? html` open` : ''}>
              <summary>${words(l, 'useRecoveryCode')}</summary>
              <form method="post" action="/login/mfa" id="mfa-recovery-form">
                ${csrfField(ctx)}<input type="hidden" name="next" value="${next}" />
                ${field(
                  words(l, 'recoveryCode'),
                  html`<input type="text" id="f-recoveryCode" name="recoveryCode" autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="40" required />`,
                )}
                <p><button type="submit">${t(l, 'signIn')}</button></p>
              </form>
            </details>`
            : ''
        }
        <p><a href="/login">${t(l, 'cancel')}</a></p>
      </div>
      ${methods.includes('passkey') ? PASSKEY_SCRIPTS : ''}`,
    );
  }

  private async securityPage(
    request: WebRequest,
    ctx: PageContext,
    errors: { disable?: string; passkey?: string } = {},
  ): Promise<Html> {
    const user = request.webUser!;
    const [status, passkeys] = await Promise.all([
      this.api.get<MfaStatusDto>(user, '/api/v1/me/mfa'),
      this.api.get<PasskeyDto[]>(user, '/api/v1/me/passkeys'),
    ]);
    const l = ctx.locale;
    const secondFactor = status.totp || status.passkeys > 0;
    return titledPage(
      ctx,
      words(l, 'security'),
      html`${doneNotice(ctx, DONE, words)}
        ${
          status.required && !secondFactor
            ? html`<p class="alert" role="alert" id="mfa-required">${words(l, 'required')}</p>`
            : ''
        }
        <p>${words(l, 'intro')}</p>
        <h2 id="totp">${words(l, 'totp')}</h2>
        <section class="card" aria-labelledby="totp">
          ${
            status.totp
              ? html`<p id="totp-status">${words(l, 'totpOn')}</p>
                <form method="post" action="/account/security/totp/disable" id="totp-disable-form">
                  ${csrfField(ctx)}
                  <p>${words(l, 'totpDisableHelp')}</p>
                  ${errors.disable ? html`<p class="error" role="alert">${errors.disable}</p>` : ''}
                  ${field(words(l, 'code'), html`<input type="text" id="f-disable-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="8" />`)}
                  ${field(words(l, 'orPassword'), html`<input type="password" id="f-disable-password" name="password" autocomplete="current-password" />`)}
                  <button type="submit" class="danger" id="totp-disable">${words(l, 'totpDisable')}</button>
                </form>`
              : html`<p id="totp-status">${words(l, 'totpOff')}</p>
                <form method="post" action="/account/security/totp" class="inline">
                  ${csrfField(ctx)}<button type="submit" class="primary" id="totp-start">${words(l, 'totpStart')}</button>
                </form>`
          }
        </section>
        ${
          secondFactor
            ? html`<h2 id="recovery">${words(l, 'recoveryCodes')}</h2>
              <section class="card" aria-labelledby="recovery">
                <p>${words(l, 'recoveryHelp')}</p>
                <p>${words(l, 'recoveryLeft')}: <strong id="recovery-left">${status.recoveryCodesLeft}</strong></p>
                <form method="post" action="/account/security/recovery-codes" class="inline" data-confirm="${words(l, 'recoveryRenewConfirm')}">
                  ${csrfField(ctx)}<button type="submit" id="recovery-renew">${words(l, 'recoveryRenew')}</button>
                </form>
              </section>`
            : ''
        }
        <h2 id="passkeys">${words(l, 'passkeys')}</h2>
        <section class="card" aria-labelledby="passkeys">
          <p>${words(l, 'passkeysHelp')}</p>
          ${
            passkeys.length === 0
              ? html`<p id="no-passkeys">${words(l, 'noPasskeys')}</p>`
              : html`<ul class="passkeys" id="passkey-list">
                ${passkeys.map(
                  (p) => html`<li>
                    <strong>${p.name}</strong>
                    <small>${words(l, 'added')} ${dateTime(p.createdAt, l)} · ${words(l, 'lastUsed')}:
                      ${p.lastUsedAt ? dateTime(p.lastUsedAt, l) : words(l, 'never')}</small>
                    <form method="post" action="/account/security/passkeys/${p.id}/delete" class="inline" data-confirm="${words(l, 'passkeyRemoveConfirm')}">
                      ${csrfField(ctx)}<button type="submit" class="danger">${words(l, 'passkeyRemove')}</button>
                    </form>
                  </li>`,
                )}
              </ul>`
          }
          <form method="post" action="/account/security/passkeys" id="passkey-form" data-passkey-register="/account/security/passkeys/options">
            ${csrfField(ctx)}<input type="hidden" name="response" value="" />
            <p class="alert" role="alert" data-passkey-error${errors.passkey ? '' : html` hidden`}>${errors.passkey ?? words(l, 'passkeyFailed')}</p>
            ${field(
              words(l, 'passkeyName'),
              html`<input type="text" id="f-passkey-name" name="name" maxlength="100" required placeholder="${words(l, 'passkeyNameHint')}" />`,
            )}
            <button type="submit" id="passkey-add">${words(l, 'passkeyAdd')}</button>
          </form>
        </section>
        ${PASSKEY_SCRIPTS}`,
    );
  }

  /** Setting up TOTP: the QR code (an inline SVG, no script or style), the key, the first code. */
  private enrolPage(ctx: PageContext, enrolment?: TotpEnrolmentDto, error?: string): Html {
    const l = ctx.locale;
    // The SVG is made by qrcode from our own URI: paths and colours only, no script.
    const qr = enrolment
      ? raw(
          enrolment.qrSvg.replace(
            '<svg ',
            `<svg role="img" aria-label="${words(l, 'qrCode')}" class="qr-code" id="totp-qr" `,
          ),
        )
      : '';
    return titledPage(
      ctx,
      words(l, 'totpStart'),
      html`${error ? html`<p class="alert" role="alert" id="totp-error">${error}</p>` : ''}
        <section class="card enrol">
          ${
            enrolment
              ? html`<p>${words(l, 'totpScan')}</p>
                <div class="qr">${qr}</div>
                <p>${words(l, 'secretKey')}: <code id="totp-secret" class="secret">${enrolment.secret}</code></p>`
              : ''
          }
          <form method="post" action="/account/security/totp/confirm" id="totp-confirm-form">
            ${csrfField(ctx)}
            ${field(words(l, 'code'), html`<input type="text" id="f-code" name="code" inputmode="numeric" pattern="[0-9 ]*" autocomplete="one-time-code" maxlength="8" required autofocus />`)}
            <button type="submit" class="primary" id="totp-confirm">${words(l, 'confirm')}</button>
          </form>
          ${
            enrolment
              ? ''
              : html`<form method="post" action="/account/security/totp" class="inline">
                ${csrfField(ctx)}<button type="submit">${words(l, 'startAgain')}</button>
              </form>`
          }
        </section>`,
    );
  }

  /** Recovery codes, shown once. */
  private codesPage(ctx: PageContext, codes: string[], notice?: string): Html {
    const l = ctx.locale;
    return titledPage(
      ctx,
      words(l, 'recoveryCodes'),
      html`${notice ? html`<div class="flash" role="status" id="flash"><span>${notice}</span></div>` : ''}
        <section class="card">
          <p><strong>${words(l, 'recoveryShown')}</strong></p>
          <p>${words(l, 'recoveryHelp')}</p>
          <ol class="recovery-codes" id="recovery-codes">
            ${codes.map((c) => html`<li><code>${c}</code></li>`)}
          </ol>
          <p><a class="button primary" href="/account/security" id="codes-done">${words(l, 'done')}</a></p>
        </section>`,
    );
  }
}

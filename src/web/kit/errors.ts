import { Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, MfaRequired, SignInRequired } from '../../common/errors';
import { toProblem } from '../../common/problem';
import { html } from './html';
import { maskToken } from '../../auth/csrf-mask';
import { t } from './i18n';
import { titledPage } from './layout';
import { redirect, sendPage } from './respond';
import { ApiError } from './web-api';
import { WebRequest } from '../../auth/browser-session';

/** The status a page answers with: the API's, or what the API would answer for the same error. */
export function statusOf(error: unknown): number {
  return error instanceof ApiError ? error.status : toProblem(error).problem.status;
}

const logger = new Logger('Pages');

/** Errors on browser pages: sign-in redirect, or a page in the user's language. */
export function sendErrorPage(error: unknown, request: WebRequest, reply: FastifyReply): void {
  if (error instanceof ApiError ? error.status === 500 : toProblem(error).unexpected)
    logger.error({ err: error, requestId: request.id, url: request.url }, 'page failed');
  if (error instanceof SignInRequired || (error instanceof ApiError && error.status === 401)) {
    redirect(request, reply, `/login?next=${encodeURIComponent(request.url)}`);
    return;
  }
  if (error instanceof MfaRequired) {
    redirect(request, reply, '/account/security?required=1');
    return;
  }
  const status = statusOf(error);
  const locale = request.webUser?.locale ?? 'de';
  const ctx = {
    user: request.webUser,
    locale,
    csrf: request.csrfToken ? maskToken(request.csrfToken) : '',
    path: request.url,
    query: {},
  };
  const [title, text] =
    status === 404
      ? [t(locale, 'notFound'), t(locale, 'notFoundText')]
      : status === 403
        ? [
            t(locale, 'forbidden'),
            error instanceof DomainError && /expired/.test(error.message)
              ? t(locale, 'formExpired')
              : t(locale, 'forbiddenText'),
          ]
        : status === 503
          ? [t(locale, 'unavailableTitle'), t(locale, 'unavailableText')]
          : status >= 500
            ? [t(locale, 'errorTitle'), `${t(locale, 'errorText')}: ${String(request.id)}`]
            : status === 409
              ? [t(locale, 'errorTitle'), t(locale, 'stillReferenced')]
              : [t(locale, 'errorTitle'), t(locale, 'invalidField')];
  if (status === 503) void reply.header('Retry-After', '5');
  sendPage(
    reply,
    titledPage(
      ctx,
      title,
      html`
        <p>${text}</p>
        <p><a href="/">${t(locale, 'dashboard')}</a></p>`,
    ),
    status,
  );
}

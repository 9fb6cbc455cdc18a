import { HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, SignInRequired } from '../../common/errors';
import { html } from './html';
import { t } from './i18n';
import { titledPage } from './layout';
import { redirect, sendPage } from './respond';
import { ApiError } from './web-api';
import { WebRequest } from '../../auth/browser-session';

export function statusOf(error: unknown): number {
  if (error instanceof ApiError) return error.status;
  if (error instanceof DomainError) return error.status;
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: number })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

const logger = new Logger('Pages');

/** Errors on browser pages: sign-in redirect, or a page in the user's language. */
export function sendErrorPage(error: unknown, request: WebRequest, reply: FastifyReply): void {
  if (statusOf(error) >= 500)
    logger.error({ err: error, requestId: request.id, url: request.url }, 'page failed');
  if (error instanceof SignInRequired || (error instanceof ApiError && error.status === 401)) {
    redirect(request, reply, `/login?next=${encodeURIComponent(request.url)}`);
    return;
  }
  const status = statusOf(error);
  const locale = request.webUser?.locale ?? 'de';
  const ctx = {
    user: request.webUser,
    locale,
    csrf: request.csrfToken ?? '',
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
        : status >= 500
          ? [t(locale, 'errorTitle'), `${t(locale, 'errorText')}: ${String(request.id)}`]
          : status === 409
            ? [t(locale, 'errorTitle'), t(locale, 'stillReferenced')]
            : [t(locale, 'errorTitle'), t(locale, 'invalidField')];
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

import type { FastifyReply, FastifyRequest } from 'fastify';
import { CALENDAR_FEED_PATH } from '../../calendar-feeds/feed-token';
import { Html } from './html';

/** A page; its security headers are every answer's (src/security-headers.ts). */
export function sendPage(reply: FastifyReply, page: Html, status = 200): void {
  // How long the server took to build the page, for the browser's developer tools and our tests.
  void reply.header('Server-Timing', `app;dur=${reply.elapsedTime.toFixed(1)}`);
  void reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

/** After a successful form post: 303 See Other, so a reload does not post again. */
export function redirect(request: FastifyRequest, reply: FastifyReply, location: string): void {
  if (request.headers['hx-request']) {
    void reply.header('HX-Redirect', location).code(200).send('');
    return;
  }
  void reply.redirect(location, 303);
}

/** Only local paths are followed after sign-in (no open redirect). */
export const safeNext = (next: unknown): string =>
  typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : '/';

/** A kept mail's HTML in the outbox page's frame (src/security-headers.ts gives it `MAIL_CSP`). */
export const isMailPreview = (path: string): boolean =>
  /^\/admin\/outbox\/[0-9a-fA-F-]{36}\/html$/.test(path);

/** A calendar feed (`/calendar/…`) is data, not a page: its 404 is a problem, not a page. */
export const isPageRequest = (url: string): boolean =>
  !url.startsWith('/api/') &&
  !url.startsWith('/health') &&
  !url.startsWith('/assets/') &&
  !url.startsWith(CALENDAR_FEED_PATH);

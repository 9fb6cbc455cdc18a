import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CALENDAR_FEED_PATH } from '../../calendar-feeds/feed-token';
import { Html } from './html';

/** Smaller pages are sent as they are: compressing them would save less than it costs. */
const COMPRESS_FROM_BYTES = 1024;

/**
 * The encoding a page is sent in, of those the browser accepts: Brotli, else gzip, else none.
 * `q=0` refuses an encoding.
 */
export function pageEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((x) => x.trim());
    const q = params.find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) accepted.add(name);
  }
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : undefined;
}

/**
 * Brotli's quality for pages: at 1 a leads board of 200 KB is 19.9 KB in 0.2 ms, at 4 (before)
 * 17.7 KB in 0.8 ms — a twentieth of the board's whole time on the server for 2 KB.
 */
const PAGE_BROTLI_QUALITY = 1;

/**
 * A page; its security headers are every answer's (src/security-headers.ts). Compressed when the
 * browser accepts it — a leads board of 200 KB is 20 KB in Brotli, which matters on a phone
 * abroad and costs the server less than writing the whole page out. The CSRF
 * token in it is masked anew on every page (src/auth/csrf-mask.ts), so compression reveals it
 * not (BREACH).
 */
export function sendPage(reply: FastifyReply, page: Html, status = 200): void {
  // How long the server took to build the page, for the browser's developer tools and our tests.
  void reply.header('Server-Timing', `app;dur=${reply.elapsedTime.toFixed(1)}`);
  void reply.code(status).type('text/html; charset=utf-8');
  const body = Buffer.from(page.value);
  const encoding =
    body.length >= COMPRESS_FROM_BYTES
      ? pageEncoding(reply.request.headers['accept-encoding'])
      : undefined;
  void reply.header('Vary', 'Accept-Encoding');
  if (!encoding) {
    void reply.send(body);
    return;
  }
  void reply.header('Content-Encoding', encoding).send(
    encoding === 'br'
      ? brotliCompressSync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: PAGE_BROTLI_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        })
      : gzipSync(body, { level: 4 }),
  );
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

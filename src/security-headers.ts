import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CALENDAR_FEED_PATH } from './calendar-feeds/feed-token';
import { isMailPreview, isPageRequest } from './web/kit/respond';

/** A document of this site: its own scripts only, nothing from elsewhere, no framing. */
const documentCsp = (styleSrc: string) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    `style-src ${styleSrc}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');

/** Pages: no inline script or style. */
export const PAGE_CSP = documentCsp("'self'");

/**
 * The Swagger UI at /api/docs: the inline styles its page and React components are written
 * with, and the data: images of its stylesheet.
 */
export const DOCS_CSP = documentCsp("'self' 'unsafe-inline'");

/**
 * A kept mail's HTML, shown to admins in a sandboxed frame of the outbox page: the inline styles
 * mails are written with and data: images, no script, nothing loaded from elsewhere, no form
 * sent, framed only by our own pages; `sandbox` also when it is opened on its own.
 */
export const MAIL_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox";

/** Everything else is data, never a document to run or frame: JSON, problems, downloads, assets. */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

export const HSTS = 'max-age=31536000; includeSubDomains';

const isDocsUi = (path: string) => path === '/api/docs' || path.startsWith('/api/docs/');

/**
 * A calendar feed is polled by calendar programs (and their providers' servers, Google's among
 * them): kept a few minutes by the one who fetched it, never by a shared cache on the way.
 */
export const FEED_CACHE_CONTROL = 'private, max-age=300';

/**
 * A photo of a business card (a contact's, a scan's) does not change under its address while
 * the card is kept: the browser that showed it may keep it a few minutes, no shared cache.
 */
export const CARD_IMAGE_CACHE_CONTROL = 'private, max-age=300';
const CARD_IMAGE =
  /^(\/api\/v1)?\/(contacts\/[^/]+\/card|card-scans\/[^/]+|scans\/[^/]+\/photo)\/(front|back)$/;

/**
 * Static files keep the caching they set: the pages' assets (public, an hour) and the Swagger
 * UI's own files; a calendar feed is cached briefly and privately. Every other answer is about
 * someone's data or session: never stored.
 */
function cacheControl(path: string, status: number): string | undefined {
  if (status >= 400) return 'no-store';
  if (path.startsWith('/assets/') || (path.startsWith('/api/docs/') && path !== '/api/docs/'))
    return undefined;
  if (path.startsWith(CALENDAR_FEED_PATH)) return FEED_CACHE_CONTROL;
  if (CARD_IMAGE.test(path)) return CARD_IMAGE_CACHE_CONTROL;
  return 'no-store';
}

/**
 * The security headers of every answer, set in one place as it is sent, so that an error, a 404
 * of an unknown route, a download and the OpenAPI document carry them like any other answer.
 */
export function securityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0];
  const mail = isMailPreview(path);
  const csp = isDocsUi(path)
    ? DOCS_CSP
    : mail
      ? MAIL_CSP
      : isPageRequest(path)
        ? PAGE_CSP
        : DATA_CSP;
  void reply
    .header('Content-Security-Policy', csp)
    .header('X-Frame-Options', mail ? 'SAMEORIGIN' : 'DENY')
    .header('X-Content-Type-Options', 'nosniff')
    // Not no-referrer: under it a browser sends `Origin: null` on a same-origin form post, which
    // the pages refuse as from another site (src/auth/browser-session.ts).
    .header('Referrer-Policy', 'same-origin');
  const caching = cacheControl(path, reply.statusCode);
  if (caching) void reply.header('Cache-Control', caching);
  // Only what arrived over HTTPS (X-Forwarded-Proto counts only with TRUST_PROXY=true): an
  // answer over plain HTTP cannot vouch for HTTPS.
  if (request.protocol === 'https') void reply.header('Strict-Transport-Security', HSTS);
}

export function useSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    securityHeaders(request, reply);
    done(null, payload);
  });
}

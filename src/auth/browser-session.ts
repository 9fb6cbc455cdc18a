import type {} from '@fastify/cookie';
import { createHmac, randomBytes } from 'node:crypto';
import { SetMetadata } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from './actor';
import { sameToken } from './csrf-mask';
import { SECOND_FACTOR_SQL } from './mfa-state';
import type { Role } from './permissions';
import { hashToken, REFRESH_TOKEN_TTL_SECONDS, touchSession } from './sessions';

export const SESSION_COOKIE = 'liaison_session';
export const CSRF_COOKIE = 'liaison_csrf';
export const CSRF_FIELD = '_csrf';
/** The key CSRF tokens are made with, derived from the app's one secret (app.module.ts). */
export const CSRF_KEY = Symbol('CSRF_KEY');

/** Marks a controller as browser pages: cookie sign-in, CSRF checks, HTML errors. */
export const WEB_KEY = 'liaison:web';
export const WebPages = () => SetMetadata(WEB_KEY, true);

/** What pages know of the signed-in user beyond the actor. */
export interface WebUser extends Actor {
  displayName: string;
  email: string;
  locale: 'de' | 'en';
  /** Unread notifications, for the header's bell (read with the session, one statement). */
  unread?: number;
}

export type WebRequest = FastifyRequest & { actor?: Actor; webUser?: WebUser; csrfToken?: string };

export async function openWebSession(
  manager: EntityManager,
  userId: string,
  meta: { ip: string; userAgent?: string },
): Promise<{ sessionId: string; token: string }> {
  const token = randomBytes(32).toString('base64url');
  const [row] = (await manager.query(
    `INSERT INTO sessions (user_id, expires_at, user_agent, ip, web_token_hash)
     VALUES ($1, now() + make_interval(secs => $2), $3, $4, $5) RETURNING id`,
    [
      userId,
      REFRESH_TOKEN_TTL_SECONDS,
      meta.userAgent?.slice(0, 300) ?? null,
      meta.ip,
      hashToken(token),
    ],
  )) as { id: string }[];
  return { sessionId: row.id, token };
}

/** The signed-in user of a session cookie, read fresh on every request (revocation is immediate). */
export async function webUserFor(
  db: DataSource,
  token: string | undefined,
): Promise<WebUser | undefined> {
  if (!token || token.length > 100) return undefined;
  const [row] = (await db.query(
    `${touchSession('s2.web_token_hash = $1')}
     SELECT s.id AS session_id, u.id, u.role, u.company_id, u.display_name, u.email, u.locale,
            (SELECT count(*)::int FROM notifications n
             WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread,
            ${SECOND_FACTOR_SQL} AS second_factor
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.web_token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
    [hashToken(token)],
  )) as {
    session_id: string;
    id: string;
    role: Role;
    company_id: string | null;
    display_name: string;
    email: string;
    locale: 'de' | 'en';
    unread: number;
    second_factor: boolean;
  }[];
  if (!row) return undefined;
  return {
    userId: row.id,
    role: row.role,
    companyId: row.company_id,
    sessionId: row.session_id,
    displayName: row.display_name,
    email: row.email,
    locale: row.locale,
    unread: row.unread,
    secondFactor: row.second_factor,
  };
}

const cookieBase = (request: FastifyRequest) => ({
  path: '/',
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: request.protocol === 'https',
});

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    ...cookieBase(request),
    maxAge: REFRESH_TOKEN_TTL_SECONDS,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, cookieBase(request));
}

/**
 * The CSRF token of a page's forms (and of htmx's request header): an HMAC, under a key only the
 * server has, of what the request is bound to. Signed in, that is the session, so a token works
 * only with the session it was made for: another session's token, or a cookie and token planted
 * together, are refused. Signed out (the sign-in form), a random nonce kept in a strict cookie.
 */
export function ensureCsrfToken(
  request: WebRequest,
  reply: FastifyReply,
  key: Buffer,
  sessionId: string | undefined,
): string {
  if (sessionId) return (request.csrfToken = csrfToken(key, `session:${sessionId}`));
  let nonce = request.cookies?.[CSRF_COOKIE];
  if (!nonce || !/^[A-Za-z0-9_-]{32,64}$/.test(nonce)) {
    nonce = randomBytes(24).toString('base64url');
    void reply.setCookie(CSRF_COOKIE, nonce, { ...cookieBase(request), sameSite: 'strict' });
  }
  return (request.csrfToken = csrfToken(key, `nonce:${nonce}`));
}

const csrfToken = (key: Buffer, binding: string): string =>
  createHmac('sha256', key).update(binding).digest('base64url');

/** Whether a form post repeats the token ensureCsrfToken() made for this request (masked or not). */
export function csrfValid(request: WebRequest): boolean {
  const expected = request.csrfToken;
  const body = request.body as Record<string, unknown> | undefined;
  const sent =
    (typeof body?.[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : undefined) ??
    request.headers['x-csrf-token'];
  if (!expected || typeof sent !== 'string') return false;
  return sameToken(expected, sent);
}

/**
 * A post a browser sent from another site: `Sec-Fetch-Site: cross-site`, or an `Origin` that is
 * not this host (`null` included: a sandboxed frame, a redirect across origins). Pages send
 * `Referrer-Policy: same-origin`, under which a browser names the page's own origin on a post.
 */
export function fromAnotherSite(request: FastifyRequest): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== request.host.toLowerCase();
  } catch {
    return true;
  }
}

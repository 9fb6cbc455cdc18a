import type {} from '@fastify/cookie';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SetMetadata } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from './actor';
import type { Role } from './permissions';
import { hashToken, REFRESH_TOKEN_TTL_SECONDS } from './sessions';

export const SESSION_COOKIE = 'liaison_session';
export const CSRF_COOKIE = 'liaison_csrf';
export const CSRF_FIELD = '_csrf';

/** Marks a controller as browser pages: cookie sign-in, CSRF checks, HTML errors. */
export const WEB_KEY = 'liaison:web';
export const WebPages = () => SetMetadata(WEB_KEY, true);

/** What pages know of the signed-in user beyond the actor. */
export interface WebUser extends Actor {
  displayName: string;
  email: string;
  locale: 'de' | 'en';
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
    `SELECT s.id AS session_id, u.id, u.role, u.company_id, u.display_name, u.email, u.locale
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
 * Double-submit CSRF token: a random value in a strict cookie, repeated in every form (and in
 * htmx's request header). A cross-site page can neither read the cookie nor guess the value.
 */
export function ensureCsrfToken(request: WebRequest, reply: FastifyReply): string {
  const existing = request.cookies?.[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{32,64}$/.test(existing)) return (request.csrfToken = existing);
  const token = randomBytes(24).toString('base64url');
  void reply.setCookie(CSRF_COOKIE, token, { ...cookieBase(request), sameSite: 'strict' });
  return (request.csrfToken = token);
}

export function csrfValid(request: WebRequest): boolean {
  const cookie = request.cookies?.[CSRF_COOKIE];
  const body = request.body as Record<string, unknown> | undefined;
  const sent =
    (typeof body?.[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : undefined) ??
    request.headers['x-csrf-token'];
  if (typeof cookie !== 'string' || typeof sent !== 'string' || cookie.length !== sent.length)
    return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(sent));
}

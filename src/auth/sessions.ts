import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { markSessionsChanged } from '../common/request-context';

/** Refresh tokens live 30 days; each use replaces the token, the session (family) stays. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();
export const newRefreshToken = (): string => randomBytes(32).toString('base64url');

export async function openSession(
  manager: EntityManager,
  userId: string,
  meta: { userAgent?: string; ip?: string },
): Promise<{ sessionId: string; refreshToken: string }> {
  const [session] = (await manager.query(
    `INSERT INTO sessions (user_id, expires_at, user_agent, ip)
     VALUES ($1, now() + make_interval(secs => $2), $3, $4) RETURNING id`,
    [userId, REFRESH_TOKEN_TTL_SECONDS, meta.userAgent?.slice(0, 300) ?? null, meta.ip ?? null],
  )) as { id: string }[];
  const refreshToken = await issueRefreshToken(manager, session.id);
  return { sessionId: session.id, refreshToken };
}

export async function issueRefreshToken(
  manager: EntityManager,
  sessionId: string,
): Promise<string> {
  const token = newRefreshToken();
  await manager.query(
    `INSERT INTO refresh_tokens (session_id, token_hash, expires_at)
     VALUES ($1, $2, now() + make_interval(secs => $3))`,
    [sessionId, hashToken(token), REFRESH_TOKEN_TTL_SECONDS],
  );
  return token;
}

export async function revokeSession(
  manager: EntityManager,
  sessionId: string,
  reason: string,
): Promise<void> {
  markSessionsChanged();
  await manager.query(
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
    [sessionId, reason],
  );
}

/** Ends every sign-in of a user at once: the next request with any of its tokens is refused. */
export async function revokeAllSessions(
  manager: EntityManager,
  userId: string,
  reason: string,
): Promise<number> {
  markSessionsChanged();
  // TypeORM answers an UPDATE with [rows, rowCount].
  const [, count] = (await manager.query(
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
     WHERE user_id = $1 AND revoked_at IS NULL`,
    [userId, reason],
  )) as [unknown[], number];
  return count;
}

/**
 * Put before a session check (`${touchSession('s2.id = $1')} SELECT …`): records the session's
 * last use in the same statement, and only when the recorded one is more than a minute old, so a
 * burst of requests writes once a minute, not once a request. `where` picks the session in the
 * `touched` CTE's own alias `s2`.
 */
export const touchSession = (where: string): string =>
  `WITH touched AS (
     UPDATE sessions s2 SET last_used_at = now()
     WHERE ${where} AND s2.revoked_at IS NULL AND s2.last_used_at < now() - interval '1 minute'
   )`;

import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/**
 * The single-use links that let someone set a password without knowing the old one: a reset the
 * user asked for, an invitation an admin sent. The token itself is only in the mail; the table
 * `password_tokens` keeps its SHA-256, so a copy of the database opens no account.
 */
export type PasswordTokenPurpose = 'reset' | 'invitation';

/** How long a link works: a reset half an hour, an invitation a week. */
export const PASSWORD_TOKEN_TTL_SECONDS: Record<PasswordTokenPurpose, number> = {
  reset: 30 * 60,
  invitation: 7 * 24 * 3600,
};

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * A new token of `purpose` for the user; the user's earlier unused ones of the same purpose end
 * (marked used), so only the newest mail works.
 */
export async function issuePasswordToken(
  em: EntityManager,
  userId: string,
  purpose: PasswordTokenPurpose,
): Promise<{ token: string; expiresAt: Date }> {
  await em.query(
    `UPDATE password_tokens SET used_at = now()
     WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
    [userId, purpose],
  );
  const token = randomBytes(32).toString('base64url');
  const [row] = (await em.query(
    `INSERT INTO password_tokens (user_id, purpose, token_hash, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
    [userId, purpose, hashOf(token), PASSWORD_TOKEN_TTL_SECONDS[purpose]],
  )) as { expires_at: Date }[];
  return { token, expiresAt: row.expires_at };
}

/**
 * Uses a token, in one statement: it must be unused, unexpired and its user active. Two requests
 * with the same token cannot both succeed. Undefined when it does not (or no longer) work.
 */
export async function usePasswordToken(
  em: EntityManager,
  token: string,
): Promise<{ userId: string; purpose: PasswordTokenPurpose } | undefined> {
  const [rows] = (await em.query(
    `UPDATE password_tokens t SET used_at = now()
     FROM users u
     WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > now()
       AND u.id = t.user_id AND u.active
     RETURNING t.user_id, t.purpose`,
    [hashOf(token)],
  )) as [{ user_id: string; purpose: PasswordTokenPurpose }[], number];
  return rows[0] && { userId: rows[0].user_id, purpose: rows[0].purpose };
}

/** Ends every unused token of the user: its password was just set, older links must not work. */
export async function endPasswordTokens(em: EntityManager, userId: string): Promise<number> {
  const [, count] = (await em.query(
    `UPDATE password_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`,
    [userId],
  )) as [unknown[], number];
  return count;
}

/** Whether each user's newest invitation is still open ('pending'), lapsed ('expired') or neither. */
export type InvitationState = 'pending' | 'expired' | null;

export async function invitationStates(
  em: EntityManager,
  userIds: string[],
): Promise<Map<string, InvitationState>> {
  if (userIds.length === 0) return new Map();
  const rows = (await em.query(
    `SELECT DISTINCT ON (user_id) user_id, used_at IS NULL AND expires_at > now() AS open,
            used_at IS NULL AND expires_at <= now() AS lapsed
     FROM password_tokens WHERE purpose = 'invitation' AND user_id = ANY($1)
     ORDER BY user_id, created_at DESC, id`,
    [userIds],
  )) as { user_id: string; open: boolean; lapsed: boolean }[];
  return new Map(
    rows.map((r) => [r.user_id, r.open ? 'pending' : r.lapsed ? 'expired' : null] as const),
  );
}

import type { EntityManager } from 'typeorm';

/**
 * Whether user `u` has a second factor: a confirmed TOTP or a passkey. A fragment of the session
 * queries (actorFor, webUserFor), so the guard knows it without another round trip.
 */
export const SECOND_FACTOR_SQL = `(EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
              OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id))`;

/** Recovery codes stand in for a second factor: when the last one goes, they go too. */
export async function dropRecoveryCodesWithoutFactor(
  em: EntityManager,
  userId: string,
): Promise<void> {
  await em.query(
    `DELETE FROM recovery_codes WHERE user_id = $1
       AND NOT EXISTS (SELECT 1 FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1)`,
    [userId],
  );
}

import { EntityManager } from 'typeorm';
import { normalizeEmail } from '../users/email';

/** Events counted per window before the key is locked for the lock time. */
export interface ThrottleRule {
  /** Prefix of its keys in `login_throttle`, so two rules never count against each other. */
  prefix: string;
  windowSeconds: number;
  lockSeconds: number;
  perAccount: number;
  perAddress: number;
}

/** Failed sign-ins. */
export const THROTTLE = {
  prefix: '',
  windowSeconds: 15 * 60,
  lockSeconds: 15 * 60,
  perAccount: 5,
  perAddress: 30,
} as const satisfies ThrottleRule;

/**
 * Password reset requests: each may send a mail to someone's inbox, so few per address asked
 * about (known or not, the same count) and per client address; beyond, no mail and the same answer.
 */
export const RESET_THROTTLE = {
  prefix: 'reset:',
  windowSeconds: 60 * 60,
  lockSeconds: 60 * 60,
  perAccount: 3,
  perAddress: 20,
} as const satisfies ThrottleRule;

/**
 * Second-factor codes at sign-in and while setting one up: per account (the user's id; the
 * password was right, so the account is known) and per client address.
 */
export const MFA_THROTTLE = {
  prefix: 'mfa:',
  windowSeconds: 15 * 60,
  lockSeconds: 15 * 60,
  perAccount: 5,
  perAddress: 30,
} as const satisfies ThrottleRule;

/** The keys of MFA_THROTTLE: the account's, and the address's when there is a client address. */
export const mfaKeys = (userId: string, ip?: string): string[] => [
  `${MFA_THROTTLE.prefix}account:${userId}`,
  ...(ip ? [`${MFA_THROTTLE.prefix}address:${ip}`] : []),
];

/** Every spelling that finds an account counts against the one key of that account. */
export const accountKey = (email: string, rule: ThrottleRule = THROTTLE) =>
  `${rule.prefix}account:${normalizeEmail(email)}`;
export const addressKey = (ip: string, rule: ThrottleRule = THROTTLE) =>
  `${rule.prefix}address:${ip}`;

/** Seconds until the longest lock among these keys ends, or 0 when none is locked. */
export async function lockedFor(manager: EntityManager, keys: string[]): Promise<number> {
  const [row] = (await manager.query(
    `SELECT coalesce(max(extract(epoch FROM locked_until - now())), 0)::float8 AS seconds
     FROM login_throttle WHERE key = ANY($1) AND locked_until > now()`,
    [keys],
  )) as { seconds: number }[];
  return row.seconds;
}

/** Counts one failure (or one event of another rule) against a key, in one atomic statement; locks it at the limit. */
export async function countFailure(
  manager: EntityManager,
  key: string,
  limit: number,
  rule: ThrottleRule = THROTTLE,
): Promise<void> {
  await manager.query(
    `INSERT INTO login_throttle AS t (key, failures, window_started_at)
     VALUES ($1, 1, now())
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t.window_started_at < now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END,
       window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => $2) THEN now() ELSE t.window_started_at END,
       locked_until = CASE
         WHEN t.window_started_at >= now() - make_interval(secs => $2) AND t.failures + 1 >= $3
         THEN now() + make_interval(secs => $4)
         ELSE t.locked_until END`,
    [key, rule.windowSeconds, limit, rule.lockSeconds],
  );
}

export async function clearFailures(manager: EntityManager, key: string): Promise<void> {
  await manager.query('DELETE FROM login_throttle WHERE key = $1', [key]);
}

import { resolve } from 'node:path';
import { ROLES, type Role } from '../auth/permissions';

/** The process's whole configuration, read once at boot from the environment. */
export interface AppConfig {
  port: number;
  host: string;
  /** External PostgreSQL; undefined means the embedded one in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Undefined only with the embedded database: then it is generated and kept in `dataDir`. */
  jwtSecret: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  seedDemo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logPretty: boolean;
  trustProxy: boolean;
  /** Answers serialised by their DTO's schema (fast-json-stringify); off only to compare. */
  responseSchemas: boolean;
  shutdownGraceMs: number;
  db: { poolMax: number; connectTimeoutMs: number; statementTimeoutMs: number };
  /** Requests per minute; 0 turns a limit off. */
  rateLimits: { userPerMinute: number; addressPerMinute: number };
  /** Where users reach the app: the links in mails and calendar feeds (no trailing slash). */
  publicUrl: string;
  /** Outgoing mail: SMTP, or undefined to keep every mail in the outbox (an admin page). */
  mail: { smtpUrl: string | undefined; from: string; retryLimit: number };
  /** Background jobs: how many a worker runs at once per queue; 0 runs no worker (enqueue only). */
  jobs: {
    concurrency: number;
    /** How often pg-boss checks its schedules (seconds; a test shortens it to see a tick soon). */
    cronCheckSeconds: number;
  };
  /** When the daily digest of due follow-ups goes out: five cron fields in Europe/Berlin. */
  digestCron: string;
  /** The retention review: contacts without activity for `months` are listed for a decision. */
  retention: { months: number; cron: string };
  /** The largest file an import takes (bytes). */
  importMaxBytes: number;
  /** Roles that must have a second factor (TOTP or a passkey) before they reach anything else. */
  mfaRequiredRoles: readonly Role[];
  /** How long an instance keeps a session check's answer (seconds; 0 reads it on every request). */
  sessionCacheSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export const MIN_JWT_SECRET_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

/** The range of each of a cron expression's five fields: minute, hour, day, month, weekday. */
const CRON_FIELDS: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/** Five fields of numbers, `*`, lists, ranges and steps (`0 7 * * 1-5`, every 15 minutes `0-59/15 * * * *`). */
export function isCron(value: string): boolean {
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  return fields.every((field, i) => {
    const [min, max] = CRON_FIELDS[i];
    const inRange = (n: string) => /^\d{1,2}$/.test(n) && Number(n) >= min && Number(n) <= max;
    return field.split(',').every((part) => {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m) return false;
      if (m[4] !== undefined && !(/^\d{1,2}$/.test(m[4]) && Number(m[4]) >= 1)) return false;
      if (m[1] === '*') return true;
      if (!inRange(m[2])) return false;
      return m[3] === undefined || (inRange(m[3]) && Number(m[3]) >= Number(m[2]));
    });
  });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads and validates the environment; every bad value is reported by its variable's name. Only
 * a process that signs tokens (the app, not the CLI) needs JWT_SECRET with an external database.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  { signsTokens = true } = {},
): AppConfig {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = text(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const databaseUrl = text('DATABASE_URL');
  if (databaseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(databaseUrl);
    } catch {
      url = undefined;
    }
    if (!url || !['postgres:', 'postgresql:'].includes(url.protocol)) {
      problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
  }

  const jwtSecret = text('JWT_SECRET');
  if (jwtSecret === undefined && databaseUrl !== undefined && signsTokens) {
    problems.push('JWT_SECRET is required when DATABASE_URL is set');
  } else if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    problems.push(`JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters long`);
  }

  const adminEmail = text('ADMIN_EMAIL');
  const adminPassword = env.ADMIN_PASSWORD === '' ? undefined : env.ADMIN_PASSWORD;
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (adminEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(adminEmail)) {
    problems.push('ADMIN_EMAIL must be an email address');
  }
  if (
    adminPassword !== undefined &&
    (adminPassword.length < MIN_PASSWORD_LENGTH || adminPassword.length > MAX_PASSWORD_LENGTH)
  ) {
    problems.push(
      `ADMIN_PASSWORD must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
    );
  }

  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !protocols.includes(parsed.protocol) || !parsed.hostname) {
      problems.push(`${name} must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL`);
      return undefined;
    }
    return raw;
  };
  const port = int('PORT', 3000, 0, 65535);
  const publicUrl = (
    url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port || 3000}`
  ).replace(/\/+$/, '');
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  const mailFrom = text('MAIL_FROM') ?? 'Liaison <liaison@localhost>';
  if (!/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(mailFrom)) {
    problems.push('MAIL_FROM must be an address, e.g. Liaison <liaison@example.org>');
  }

  const digestCron = text('DIGEST_CRON') ?? '0 7 * * *';
  if (!isCron(digestCron)) {
    problems.push(
      `DIGEST_CRON must be five cron fields, minute hour day month weekday (got "${digestCron}")`,
    );
  }

  const retentionCron = text('RETENTION_CRON') ?? '30 2 * * *';
  if (!isCron(retentionCron)) {
    problems.push(
      `RETENTION_CRON must be five cron fields, minute hour day month weekday (got "${retentionCron}")`,
    );
  }

  const logLevel = (text('LOG_LEVEL') ?? 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }

  // Empty means no role: said explicitly (MFA_REQUIRED_ROLES=), unlike an unset variable.
  const mfaRoles = (env.MFA_REQUIRED_ROLES ?? 'admin')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const unknownRoles = mfaRoles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknownRoles.length > 0) {
    problems.push(
      `MFA_REQUIRED_ROLES must be a comma list of ${ROLES.join(', ')} (got "${unknownRoles.join(', ')}")`,
    );
  }

  const config: AppConfig = {
    port,
    host: text('HOST') ?? '0.0.0.0',
    databaseUrl,
    dataDir: resolve(text('DATA_DIR') ?? '.data'),
    jwtSecret,
    adminEmail: adminEmail?.toLowerCase(),
    adminPassword,
    seedDemo: bool('SEED_DEMO', databaseUrl === undefined),
    logLevel,
    logPretty: bool('LOG_PRETTY', false),
    trustProxy: bool('TRUST_PROXY', false),
    responseSchemas: bool('RESPONSE_SCHEMAS', true),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 1000, 0, 60_000),
    db: {
      poolMax: int('DB_POOL_MAX', 10, 1, 200),
      connectTimeoutMs: int('DB_CONNECT_TIMEOUT_MS', 5000, 100, 60_000),
      statementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 15_000, 100, 600_000),
    },
    rateLimits: {
      userPerMinute: int('RATE_LIMIT_USER_PER_MINUTE', 1200, 0, 1_000_000_000),
      addressPerMinute: int('RATE_LIMIT_ADDRESS_PER_MINUTE', 3000, 0, 1_000_000_000),
    },
    publicUrl,
    mail: { smtpUrl, from: mailFrom, retryLimit: int('MAIL_RETRY_LIMIT', 8, 0, 20) },
    jobs: {
      concurrency: int('JOB_CONCURRENCY', 5, 0, 50),
      cronCheckSeconds: int('JOB_CRON_CHECK_SECONDS', 30, 1, 45),
    },
    digestCron: digestCron.trim().replace(/\s+/g, ' '),
    retention: {
      months: int('RETENTION_MONTHS', 36, 1, 600),
      cron: retentionCron.trim().replace(/\s+/g, ' '),
    },
    importMaxBytes: int('IMPORT_MAX_BYTES', 50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    mfaRequiredRoles: [...new Set(mfaRoles)] as Role[],
    // At most a minute: a cached check does not record the session's last use (once a minute).
    sessionCacheSeconds: int('SESSION_CACHE_SECONDS', 30, 0, 60),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The config as a Nest provider token. */
export const APP_CONFIG = Symbol('APP_CONFIG');

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  randomInt,
  randomUUID,
} from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { Secret, TOTP } from 'otpauth';
import { toString as qrSvg } from 'qrcode';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { BadInput, Conflict, TooManyRequests, Unauthorized } from '../common/errors';
import { markSessionsChanged } from '../common/request-context';
import { transaction } from '../common/transaction';
import { User } from '../users/user.entity';
import type { Actor } from './actor';
import { JWT_ISSUER } from './auth.service';
import { dropRecoveryCodesWithoutFactor } from './mfa-state';
import { verifyPassword } from './passwords';
import { PasskeyAnswer, Passkeys, RelyingParty } from './passkeys.service';
import { clearFailures, countFailure, lockedFor, MFA_THROTTLE, mfaKeys } from './throttle';

/** The key TOTP secrets and recovery codes are sealed with, derived from the app's one secret. */
export const MFA_KEY = Symbol('MFA_KEY');

export const MFA_TOKEN_TTL_SECONDS = 5 * 60;
const MFA_AUDIENCE = 'liaison-mfa';
const TOTP_PERIOD = 30;
const COMPLETED = 'This sign-in was already completed. Sign in with your password again.';
const RECOVERY_CODE_COUNT = 10;
/** Without 0/o, 1/l/i: a code is read off paper. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export type MfaMethod = 'totp' | 'recoveryCode' | 'passkey';

export interface MfaStatus {
  totp: boolean;
  recoveryCodesLeft: number;
  passkeys: number;
  /** The user's role must have a second factor (MFA_REQUIRED_ROLES). */
  required: boolean;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

/** The second step of a sign-in: one of these. */
export interface SecondFactor {
  code?: string;
  recoveryCode?: string;
  passkey?: PasskeyAnswer;
}

const totpOf = (secret: string, label: string) =>
  new TOTP({
    issuer: 'Liaison',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD,
    secret: Secret.fromBase32(secret),
  });

const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Second factors of sign-in: TOTP (secret sealed at rest, each time step accepted once),
 * single-use recovery codes (kept as keyed hashes), passkeys (src/auth/passkeys.service.ts), and
 * the short-lived token between the password and the second step.
 */
@Injectable()
export class Mfa {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(MFA_KEY) private readonly key: Buffer,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly passkeys: Passkeys,
  ) {}

  async status(actor: Actor, required: boolean): Promise<MfaStatus> {
    const [row] = (await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL) AS totp,
              (SELECT count(*)::int FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL) AS codes,
              (SELECT count(*)::int FROM passkeys WHERE user_id = $1) AS passkeys`,
      [actor.userId],
    )) as { totp: boolean; codes: number; passkeys: number }[];
    return { totp: row.totp, recoveryCodesLeft: row.codes, passkeys: row.passkeys, required };
  }

  /** The second factors a user can sign in with; empty means the password alone. */
  async methodsOf(userId: string): Promise<MfaMethod[]> {
    const [row] = (await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL) AS totp,
              EXISTS (SELECT 1 FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL) AS codes,
              EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1) AS passkeys`,
      [userId],
    )) as { totp: boolean; codes: boolean; passkeys: boolean }[];
    const methods: MfaMethod[] = [];
    if (row.totp) methods.push('totp');
    if (row.passkeys) methods.push('passkey');
    if (methods.length > 0 && row.codes) methods.push('recoveryCode');
    return methods;
  }

  /** Starts (or restarts) setting up TOTP: a new secret, unconfirmed until a first code. */
  async startTotp(actor: Actor): Promise<TotpEnrolment> {
    const user = await this.db.manager.findOneByOrFail(User, { id: actor.userId });
    const secret = new Secret({ size: 20 }).base32;
    const enrolled = await transaction(this.db, async (em) => {
      const rows = (await em.query(
        `INSERT INTO user_totp AS t (user_id, secret_encrypted) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = EXCLUDED.secret_encrypted,
           last_used_step = NULL, created_at = now()
         WHERE t.confirmed_at IS NULL
         RETURNING user_id`,
        [actor.userId, this.seal(secret)],
      )) as unknown[];
      if (rows.length === 0) return false;
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'mfa.totp_started',
        entity: 'user',
        entityId: actor.userId,
      });
      return true;
    });
    if (!enrolled) {
      throw new Conflict('TOTP is already set up. Turn it off first to set it up again.');
    }
    const otpauthUri = totpOf(secret, user.email).toString();
    return { secret, otpauthUri, qrSvg: await qrSvg(otpauthUri, { type: 'svg', margin: 1 }) };
  }

  /** Confirms the TOTP being set up with a first code; answers the new recovery codes. */
  async confirmTotp(actor: Actor, code: string): Promise<string[]> {
    const secret = await this.secretOf(actor.userId, false);
    if (!secret)
      throw new Conflict('There is no TOTP being set up. Start with POST /api/v1/me/mfa/totp.');
    await this.checkTotp(actor.userId, secret, code, 'code');
    return transaction(this.db, async (em) => {
      markSessionsChanged();
      await em.query('UPDATE user_totp SET confirmed_at = now() WHERE user_id = $1', [
        actor.userId,
      ]);
      const codes = await this.replaceRecoveryCodes(em, actor.userId);
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'mfa.totp_enabled',
        entity: 'user',
        entityId: actor.userId,
      });
      return codes;
    });
  }

  /** Turns TOTP off, with a current code or the password. */
  async disableTotp(actor: Actor, proof: { code?: string; password?: string }): Promise<void> {
    const secret = await this.secretOf(actor.userId, true);
    if (!secret) throw new Conflict('TOTP is not set up.');
    if (proof.code) await this.checkTotp(actor.userId, secret, proof.code, 'code');
    else if (proof.password) await this.checkPassword(actor.userId, proof.password);
    else throw BadInput.field('code', 'required', 'code or password is required');
    await transaction(this.db, async (em) => {
      markSessionsChanged();
      await em.query('DELETE FROM user_totp WHERE user_id = $1', [actor.userId]);
      await dropRecoveryCodesWithoutFactor(em, actor.userId);
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'mfa.totp_disabled',
        entity: 'user',
        entityId: actor.userId,
        changes: { proof: proof.code ? 'code' : 'password' },
      });
    });
  }

  /** New recovery codes; the old ones stop working. Only with a second factor to recover. */
  async regenerateRecoveryCodes(actor: Actor): Promise<string[]> {
    if ((await this.methodsOf(actor.userId)).length === 0) {
      throw new Conflict('Set up TOTP or a passkey first: recovery codes stand in for one.');
    }
    return transaction(this.db, async (em) => {
      const codes = await this.replaceRecoveryCodes(em, actor.userId);
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'mfa.recovery_codes_renewed',
        entity: 'user',
        entityId: actor.userId,
      });
      return codes;
    });
  }

  /** The token between the password and the second step: 5 minutes, for nothing else. */
  issueMfaToken(userId: string): string {
    return this.jwt.sign(
      { sub: userId, typ: 'mfa', jti: randomUUID() },
      {
        algorithm: 'HS256',
        issuer: JWT_ISSUER,
        audience: MFA_AUDIENCE,
        expiresIn: MFA_TOKEN_TTL_SECONDS,
      },
    );
  }

  /** The user a second-step token stands for; 401 when it is not one, or expired. */
  userOfMfaToken(token: string): string {
    return this.readMfaToken(token).userId;
  }

  private readMfaToken(token: string): { userId: string; jti: string; exp: number } {
    try {
      const claims = this.jwt.verify<{
        sub?: unknown;
        typ?: unknown;
        jti?: unknown;
        exp?: unknown;
      }>(token, { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: MFA_AUDIENCE });
      if (
        claims.typ === 'mfa' &&
        typeof claims.sub === 'string' &&
        typeof claims.jti === 'string' &&
        /^[0-9a-f-]{36}$/.test(claims.jti) &&
        typeof claims.exp === 'number'
      )
        return { userId: claims.sub, jti: claims.jti, exp: claims.exp };
    } catch {
      // fall through
    }
    throw new Unauthorized(
      'The sign-in has expired (5 minutes). Sign in with your password again.',
    );
  }

  /** The WebAuthn request of the second step with a passkey, for the user of the token. */
  passkeyOptions(mfaToken: string, rp: RelyingParty) {
    return this.passkeys.authenticationOptions(this.userOfMfaToken(mfaToken), rp);
  }

  /**
   * The second step of a sign-in: checks one factor for the user of the token (throttled per
   * account), audits the outcome, and answers the user and the method that passed.
   */
  async verifySecondStep(
    mfaToken: string,
    factor: SecondFactor,
    client: { ip: string; rp: RelyingParty },
  ): Promise<{ user: User; method: MfaMethod }> {
    const { userId, jti, exp } = this.readMfaToken(mfaToken);
    const [spent] = (await this.db.query('SELECT 1 FROM used_mfa_tokens WHERE jti = $1', [
      jti,
    ])) as unknown[];
    if (spent) throw new Unauthorized(COMPLETED);
    const user = await this.db.manager.findOneBy(User, { id: userId, active: true });
    if (!user) throw new Unauthorized('The sign-in has expired. Sign in with your password again.');
    const given = [factor.code, factor.recoveryCode, factor.passkey].filter(
      (f) => f !== undefined && f !== null && f !== '',
    );
    if (given.length !== 1) {
      throw BadInput.field(
        'code',
        'required',
        'exactly one of code, recoveryCode or passkey is required',
      );
    }
    const method: MfaMethod = factor.code
      ? 'totp'
      : factor.recoveryCode
        ? 'recoveryCode'
        : 'passkey';
    if (method === 'totp') {
      const secret = await this.secretOf(userId, true);
      if (!secret) throw await this.failed(userId, client.ip, method, 'notSetUp');
      await this.checkTotp(userId, secret, factor.code!, 'code', client.ip);
    } else if (method === 'recoveryCode') {
      await this.throttled(userId, client.ip);
      const [used] = (await this.db.query(
        `UPDATE recovery_codes SET used_at = now()
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
        [userId, this.codeHash(userId, factor.recoveryCode!)],
      )) as [unknown[], number];
      if (used.length === 0) {
        throw await this.failed(
          userId,
          client.ip,
          method,
          'wrong',
          'recoveryCode',
          'The recovery code is wrong or was already used.',
        );
      }
    } else {
      await this.throttled(userId, client.ip);
      const ok = await this.passkeys.verifyAuthentication(userId, client.rp, factor.passkey!);
      if (!ok) {
        throw await this.failed(
          userId,
          client.ip,
          method,
          'wrong',
          'passkey',
          'The passkey was not accepted. Try again.',
        );
      }
    }
    await this.db.transaction(async (em) => {
      // Each token signs in once: the first to record it wins, a second use is refused.
      const recorded = (await em.query(
        `WITH swept AS (DELETE FROM used_mfa_tokens WHERE expires_at < now())
         INSERT INTO used_mfa_tokens (jti, expires_at) VALUES ($1, to_timestamp($2))
         ON CONFLICT (jti) DO NOTHING RETURNING jti`,
        [jti, exp],
      )) as unknown[];
      if (recorded.length === 0) throw new Unauthorized(COMPLETED);
      await clearFailures(em, mfaKeys(userId, client.ip)[0]);
      await this.audit.record(em, {
        actorId: userId,
        action: 'login.mfa',
        entity: 'user',
        entityId: userId,
        changes: { method, ip: client.ip },
      });
    });
    return { user, method };
  }

  /** A TOTP code: within ±1 step, each step accepted once per user, attempts throttled. */
  private async checkTotp(
    userId: string,
    secret: string,
    code: string,
    field: string,
    /** The client's address at sign-in; none while setting up or turning off (a bad field then). */
    ip?: string,
  ): Promise<void> {
    await this.throttled(userId, ip);
    const token = code.replace(/\s/g, '');
    const now = Date.now();
    const delta = /^\d{6}$/.test(token)
      ? totpOf(secret, '').validate({ token, timestamp: now, window: 1 })
      : null;
    if (delta === null) {
      throw await this.failed(
        userId,
        ip,
        'totp',
        'wrong',
        field,
        `${field} is wrong. Enter the current code of your authenticator app.`,
      );
    }
    const step = Math.floor(now / 1000 / TOTP_PERIOD) + delta;
    const [rows] = (await this.db.query(
      `UPDATE user_totp SET last_used_step = $2
       WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2) RETURNING user_id`,
      [userId, step],
    )) as [unknown[], number];
    if (rows.length === 0) {
      throw await this.failed(
        userId,
        ip,
        'totp',
        'reused',
        field,
        `${field} was already used. Wait for the next code of your authenticator app.`,
      );
    }
  }

  private async throttled(userId: string, ip?: string): Promise<void> {
    const wait = await lockedFor(this.db.manager, mfaKeys(userId, ip));
    if (wait > 0) throw new TooManyRequests(wait, 'Too many wrong codes. Try again later.');
  }

  /** Counts and audits a refused factor; answers the error to throw. */
  private async failed(
    userId: string,
    ip: string | undefined,
    method: MfaMethod,
    reason: string,
    field = 'code',
    message = 'The code is wrong.',
  ): Promise<Error> {
    const [account, address] = mfaKeys(userId, ip);
    await this.db.transaction(async (em) => {
      await countFailure(em, account, MFA_THROTTLE.perAccount, MFA_THROTTLE);
      if (address) await countFailure(em, address, MFA_THROTTLE.perAddress, MFA_THROTTLE);
      await this.audit.record(em, {
        actorId: userId,
        action: 'login.mfa_failed',
        entity: 'user',
        entityId: userId,
        changes: { method, reason, ...(ip ? { ip } : {}) },
      });
    });
    // A wrong code at sign-in is a failed sign-in (401); while setting up, a bad field (400).
    return ip ? new Unauthorized(message) : BadInput.field(field, 'invalidToken', message);
  }

  private async checkPassword(userId: string, password: string): Promise<void> {
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id: userId })
      .getOneOrFail();
    if (!(await verifyPassword(user.passwordHash, password))) {
      throw BadInput.field('password', 'wrongPassword', 'password is wrong');
    }
  }

  private async secretOf(userId: string, confirmed: boolean): Promise<string | undefined> {
    const [row] = (await this.db.query(
      `SELECT secret_encrypted FROM user_totp
       WHERE user_id = $1 AND (confirmed_at IS NOT NULL) = $2`,
      [userId, confirmed],
    )) as { secret_encrypted: Buffer }[];
    return row ? this.unseal(row.secret_encrypted) : undefined;
  }

  private async replaceRecoveryCodes(em: EntityManager, userId: string): Promise<string[]> {
    await em.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
      const chars = Array.from(
        { length: 10 },
        () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)],
      );
      return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
    });
    await em.query(
      `INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])`,
      [userId, codes.map((c) => this.codeHash(userId, c))],
    );
    return codes;
  }

  /** Keyed, so a copy of the database alone does not let anyone try codes offline. */
  private codeHash(userId: string, code: string): Buffer {
    return createHmac('sha256', this.key)
      .update(`recovery:${userId}:${normalizeRecoveryCode(code)}`)
      .digest();
  }

  /** AES-256-GCM: iv (12) | tag (16) | ciphertext. */
  private seal(secret: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  private unseal(sealed: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  }
}

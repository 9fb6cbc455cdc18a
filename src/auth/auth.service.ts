import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { BadInput, TooManyRequests, Unauthorized } from '../common/errors';
import { normalizeEmail } from '../users/email';
import { User } from '../users/user.entity';
import type { Actor } from './actor';
import { SECOND_FACTOR_SQL } from './mfa-state';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { SessionListener } from './session-listener';
import type { Role } from './permissions';
import {
  hashToken,
  issueRefreshToken,
  openSession,
  revokeAllSessions,
  revokeSession,
  touchSession,
} from './sessions';
import {
  accountKey,
  addressKey,
  clearFailures,
  countFailure,
  lockedFor,
  THROTTLE,
} from './throttle';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const JWT_ISSUER = 'liaison';
export const JWT_AUDIENCE = 'liaison-api';
export const JWT_SECRET = Symbol('JWT_SECRET');

/** What the access token carries; the guard re-reads role and company from the database. */
export interface AccessClaims {
  sub: string;
  sid: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: Pick<User, 'id' | 'email' | 'displayName' | 'role' | 'companyId' | 'locale'>;
}

export interface ClientMeta {
  ip: string;
  userAgent?: string;
}

const INVALID_CREDENTIALS = 'Email or password is wrong.';

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly sessions: SessionListener,
  ) {}

  /**
   * Checks a sign-in. Unknown and known emails cost the same argon2 verification and get the
   * same answer; failures count per account and per address and lock both for a while. The
   * account is found and counted by the same spelling of its email (normalizeEmail).
   */
  async verifyCredentials(email: string, password: string, client: ClientMeta): Promise<User> {
    const address = normalizeEmail(email);
    const keys = [accountKey(address), addressKey(client.ip)];
    const wait = await lockedFor(this.db.manager, keys);
    if (wait > 0) throw new TooManyRequests(wait, 'Too many failed sign-ins. Try again later.');

    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: address })
      .getOne();
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    if (!user || !valid || !user.active) {
      await this.db.transaction(async (em) => {
        await countFailure(em, keys[0], THROTTLE.perAccount);
        await countFailure(em, keys[1], THROTTLE.perAddress);
        await this.audit.record(em, {
          actorId: null,
          action: 'login.failed',
          entity: 'user',
          entityId: user?.id ?? null,
          changes: {
            email: address,
            ip: client.ip,
            reason: !user ? 'unknown' : !valid ? 'password' : 'inactive',
          },
        });
      });
      throw new Unauthorized(INVALID_CREDENTIALS);
    }
    return user;
  }

  /** Opens a session; `secondFactor` names the second step passed, when there was one. */
  async login(user: User, client: ClientMeta, secondFactor?: string): Promise<TokenPair> {
    return this.db.transaction(async (em) => {
      await clearFailures(em, accountKey(user.email));
      const { sessionId, refreshToken } = await openSession(em, user.id, client);
      // Not an edit of the user: no version bump, so nobody's ETag goes stale by a sign-in.
      await em.query('UPDATE users SET last_login_at = now() WHERE id = $1', [user.id]);
      await this.audit.record(em, {
        actorId: user.id,
        action: 'login',
        entity: 'user',
        entityId: user.id,
        changes: { ip: client.ip, sessionId, ...(secondFactor ? { secondFactor } : {}) },
      });
      return this.pair(user, sessionId, refreshToken);
    });
  }

  /**
   * Rotates a refresh token. A token can be used once; a used one presented again means it was
   * copied, so the whole family (the session) is revoked and every token of it dies.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const tokenHash = hashToken(refreshToken);
    const outcome = await this.db.transaction(async (em) => {
      const used = (await em.query(
        `UPDATE refresh_tokens SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING session_id`,
        [tokenHash],
      )) as [{ session_id: string }[], number];
      const sessionId = used[0][0]?.session_id;
      if (!sessionId) {
        const [known] = (await em.query(
          `SELECT t.session_id, s.user_id FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
           WHERE t.token_hash = $1 AND t.used_at IS NOT NULL`,
          [tokenHash],
        )) as { session_id: string; user_id: string }[];
        if (known) {
          await revokeSession(em, known.session_id, 'refresh_token_reuse');
          await this.audit.record(em, {
            actorId: known.user_id,
            action: 'refresh.reuse',
            entity: 'user',
            entityId: known.user_id,
            changes: { sessionId: known.session_id },
          });
        }
        return undefined;
      }
      const [row] = (await em.query(
        `SELECT u.id FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
        [sessionId],
      )) as { id: string }[];
      if (!row) return undefined;
      await em.query('UPDATE sessions SET last_used_at = now() WHERE id = $1', [sessionId]);
      const user = await em.findOneByOrFail(User, { id: row.id });
      return this.pair(user, sessionId, await issueRefreshToken(em, sessionId));
    });
    // The revocation above must commit, so the refusal is thrown after the transaction.
    if (!outcome)
      throw new Unauthorized('The refresh token is invalid, expired or was already used.');
    return outcome;
  }

  async logout(actor: Actor): Promise<void> {
    await this.db.transaction(async (em) => {
      await revokeSession(em, actor.sessionId, 'logout');
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'logout',
        entity: 'user',
        entityId: actor.userId,
      });
    });
  }

  async me(actor: Actor): Promise<User> {
    return this.db.manager.findOneByOrFail(User, { id: actor.userId });
  }

  /** Changing one's own password ends every session, this one included: sign in again. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id: actor.userId })
      .getOneOrFail();
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw BadInput.field('currentPassword', 'wrongPassword', 'currentPassword is wrong');
    }
    const passwordHash = await hashPassword(newPassword);
    await this.db.transaction(async (em) => {
      await em.query(
        `UPDATE users SET password_hash = $2, password_changed_at = now(), version = version + 1, updated_at = now()
         WHERE id = $1`,
        [actor.userId, passwordHash],
      );
      const ended = await revokeAllSessions(em, actor.userId, 'password_change');
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'password.change',
        entity: 'user',
        entityId: actor.userId,
        changes: { sessionsEnded: ended },
      });
    });
  }

  /**
   * The caller behind an access token, read from the database or, for SESSION_CACHE_SECONDS,
   * from this instance's cache of that read, which every change to a session or its user drops
   * on every instance (src/auth/session-listener.ts): a revoked session or a deactivated user is
   * refused at once, and a role change applies at once.
   */
  async actorFor(claims: AccessClaims): Promise<Actor | undefined> {
    const cache = this.sessions.cache;
    const cached = cache.get(claims.sid, claims.sub);
    if (cached) return { ...cached };
    const ticket = cache.begin();
    const [row] = (await this.db.query(
      `${touchSession('s2.id = $1 AND s2.user_id = $2')}
       SELECT u.id, u.role, u.company_id, s.expires_at,
              ${SECOND_FACTOR_SQL} AS second_factor
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
      [claims.sid, claims.sub],
    )) as {
      id: string;
      role: Role;
      company_id: string | null;
      expires_at: Date;
      second_factor: boolean;
    }[];
    if (!row) return undefined;
    const actor: Actor = {
      userId: row.id,
      role: row.role,
      companyId: row.company_id,
      sessionId: claims.sid,
      secondFactor: row.second_factor,
    };
    cache.store(ticket, claims.sid, claims.sub, actor, row.expires_at.getTime());
    return { ...actor };
  }

  /** An access token bound to an existing session (the web pages use it to call the API). */
  accessTokenFor(userId: string, sessionId: string): string {
    const claims: AccessClaims = { sub: userId, sid: sessionId };
    return this.jwt.sign(claims, {
      algorithm: 'HS256',
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    });
  }

  private pair(user: User, sessionId: string, refreshToken: string): TokenPair {
    return {
      accessToken: this.accessTokenFor(user.id, sessionId),
      refreshToken,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      user: {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        role: user.role,
        companyId: user.companyId,
        locale: user.locale,
      },
    };
  }
}

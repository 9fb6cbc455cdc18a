import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy as JwtStrategyBase } from 'passport-jwt';
import { Strategy as LocalStrategyBase } from 'passport-local';
import { Unauthorized } from '../common/errors';
import { User } from '../users/user.entity';
import type { Actor } from './actor';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  AccessClaims,
  AuthService,
  JWT_AUDIENCE,
  JWT_ISSUER,
  JWT_SECRET,
} from './auth.service';

/** How far the clocks of two instances may differ: one signs, another checks. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * jsonwebtoken checks `exp` only when a token has one. A token without it, or with longer to
 * live than the lifetime this app gives, was not made by its sign-in (a script, another service
 * with the secret): refused, so that no token outlives ACCESS_TOKEN_TTL_SECONDS from now.
 */
function expiresInTime(exp: unknown, now = Date.now() / 1000): boolean {
  return (
    typeof exp === 'number' &&
    Number.isFinite(exp) &&
    exp <= now + ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS
  );
}

/** passport-local: `{email, password}` → the user, or 401 / 429 from the service. */
@Injectable()
export class LocalStrategy extends PassportStrategy(LocalStrategyBase, 'local') {
  constructor(private readonly auth: AuthService) {
    super({
      usernameField: 'email',
      passwordField: 'password',
      passReqToCallback: true,
      session: false,
    });
  }

  async validate(request: FastifyRequest, email: string, password: string): Promise<User> {
    return this.auth.verifyCredentials(email, password, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
  }
}

/**
 * passport-jwt: HS256 only, issuer, audience and expiry checked (an expiry is required, within
 * the lifetime); then the session must be live.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(JwtStrategyBase, 'jwt') {
  constructor(
    private readonly auth: AuthService,
    @Inject(JWT_SECRET) secret: string,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a
      // PEM public key on every request (and fails), which cost a sixth of a list request's CPU.
      // The types of passport-jwt predate KeyObject; jsonwebtoken takes it as it is.
      secretOrKey: createSecretKey(Buffer.from(secret, 'utf8')) as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessClaims & { exp?: unknown }): Promise<Actor> {
    if (
      !expiresInTime(claims?.exp) ||
      typeof claims?.sub !== 'string' ||
      typeof claims?.sid !== 'string' ||
      !/^[0-9a-f-]{36}$/.test(claims.sid) ||
      !/^[0-9a-f-]{36}$/.test(claims.sub)
    ) {
      throw new Unauthorized('The access token is invalid.');
    }
    const actor = await this.auth.actorFor(claims);
    if (!actor) throw new Unauthorized('The session has ended. Sign in again.');
    return actor;
  }
}

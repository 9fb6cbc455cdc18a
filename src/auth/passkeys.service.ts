import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { BadInput, NotFound } from '../common/errors';
import { markSessionsChanged } from '../common/request-context';
import { transaction } from '../common/transaction';
import { User } from '../users/user.entity';
import type { Actor } from './actor';
import { dropRecoveryCodesWithoutFactor } from './mfa-state';

type WebAuthn = typeof import('@simplewebauthn/server');
let loaded: WebAuthn | undefined;
/** @simplewebauthn/server, loaded at the first passkey step rather than at every start of the app. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const webauthn = (): WebAuthn => (loaded ??= require('@simplewebauthn/server') as WebAuthn);

/** What a browser answers to a WebAuthn request (startAuthentication / startRegistration). */
export type PasskeyAnswer = AuthenticationResponseJSON;

/** Who the passkeys are for: this site as the browser sees it. */
export interface RelyingParty {
  rpId: string;
  origin: string;
}

/** The site of a request (behind a proxy as TRUST_PROXY lets it tell): host without port. */
export const relyingPartyOf = (request: FastifyRequest): RelyingParty => ({
  rpId: request.hostname,
  origin: `${request.protocol}://${request.host}`,
});

/** A challenge is answered within this time, once. */
const CHALLENGE_TTL_SECONDS = 5 * 60;

export interface PasskeyRow {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

interface StoredPasskey {
  id: string;
  credential_id: string;
  public_key: Buffer;
  counter: string;
  transports: string[];
}

/** The challenge a WebAuthn answer signed, read from its client data (base64url JSON). */
function challengeOf(answer: { response?: { clientDataJSON?: unknown } }): string | undefined {
  const data = answer?.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    return typeof parsed.challenge === 'string' ? parsed.challenge : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Passkeys as a second factor (WebAuthn, @simplewebauthn/server): register, list, remove, and
 * check one at sign-in. Challenges live in the database for a few minutes and are used once, so
 * the answer may reach another instance than the one that asked.
 */
@Injectable()
export class Passkeys {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor): Promise<PasskeyRow[]> {
    const rows = (await this.db.query(
      `SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = $1
       ORDER BY created_at, id`,
      [actor.userId],
    )) as { id: string; name: string; created_at: Date; last_used_at: Date | null }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  async registrationOptions(
    actor: Actor,
    rp: RelyingParty,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const user = await this.db.manager.findOneByOrFail(User, { id: actor.userId });
    const existing = await this.stored(actor.userId);
    const options = await webauthn().generateRegistrationOptions({
      rpName: 'Liaison',
      rpID: rp.rpId,
      userName: user.email,
      userDisplayName: user.displayName,
      userID: Buffer.from(user.id, 'utf8'),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({
        id: p.credential_id,
        transports: p.transports as AuthenticatorTransport[],
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      timeout: CHALLENGE_TTL_SECONDS * 1000,
    });
    await this.keepChallenge(actor.userId, 'register', options.challenge);
    return options;
  }

  async register(
    actor: Actor,
    rp: RelyingParty,
    name: string,
    answer: RegistrationResponseJSON,
  ): Promise<PasskeyRow> {
    const challenge = await this.takeChallenge(actor.userId, 'register', answer);
    const refused = () =>
      BadInput.field('response', 'invalidToken', 'The passkey could not be registered. Try again.');
    if (!challenge) throw refused();
    let verification: Awaited<ReturnType<WebAuthn['verifyRegistrationResponse']>>;
    try {
      verification = await webauthn().verifyRegistrationResponse({
        response: answer,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        requireUserVerification: false,
      });
    } catch {
      throw refused();
    }
    if (!verification.verified || !verification.registrationInfo) throw refused();
    const { credential } = verification.registrationInfo;
    return transaction(this.db, async (em) => {
      markSessionsChanged();
      const [row] = (await em.query(
        `INSERT INTO passkeys (user_id, credential_id, public_key, counter, transports, name)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, name, created_at, last_used_at`,
        [
          actor.userId,
          credential.id,
          Buffer.from(credential.publicKey),
          credential.counter,
          credential.transports ?? [],
          name,
        ],
      )) as { id: string; name: string; created_at: Date; last_used_at: Date | null }[];
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'mfa.passkey_added',
        entity: 'user',
        entityId: actor.userId,
        changes: { passkeyId: row.id, name },
      });
      return {
        id: row.id,
        name: row.name,
        createdAt: row.created_at,
        lastUsedAt: row.last_used_at,
      };
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await transaction(this.db, async (em) => {
      markSessionsChanged();
      const [rows] = (await em.query(
        'DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING name',
        [id, actor.userId],
      )) as [{ name: string }[], number];
      if (rows.length === 0) throw new NotFound('passkey', id);
      await dropRecoveryCodesWithoutFactor(em, actor.userId);
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'mfa.passkey_removed',
        entity: 'user',
        entityId: actor.userId,
        changes: { passkeyId: id, name: rows[0].name },
      });
    });
  }

  /** The request a browser answers with one of the user's passkeys, at sign-in. */
  async authenticationOptions(
    userId: string,
    rp: RelyingParty,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const existing = await this.stored(userId);
    const options = await webauthn().generateAuthenticationOptions({
      rpID: rp.rpId,
      allowCredentials: existing.map((p) => ({
        id: p.credential_id,
        transports: p.transports as AuthenticatorTransport[],
      })),
      userVerification: 'preferred',
      timeout: CHALLENGE_TTL_SECONDS * 1000,
    });
    await this.keepChallenge(userId, 'authenticate', options.challenge);
    return options;
  }

  /** Whether the answer is a valid signature of one of the user's passkeys over a live challenge. */
  async verifyAuthentication(
    userId: string,
    rp: RelyingParty,
    answer: PasskeyAnswer,
  ): Promise<boolean> {
    const challenge = await this.takeChallenge(userId, 'authenticate', answer);
    if (!challenge || typeof answer?.id !== 'string') return false;
    const passkey = (await this.stored(userId)).find((p) => p.credential_id === answer.id);
    if (!passkey) return false;
    try {
      const { verified, authenticationInfo } = await webauthn().verifyAuthenticationResponse({
        response: answer,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        credential: {
          id: passkey.credential_id,
          publicKey: new Uint8Array(passkey.public_key),
          counter: Number(passkey.counter),
          transports: passkey.transports as AuthenticatorTransport[],
        },
        requireUserVerification: false,
      });
      if (!verified) return false;
      await this.db.query('UPDATE passkeys SET counter = $2, last_used_at = now() WHERE id = $1', [
        passkey.id,
        authenticationInfo.newCounter,
      ]);
      return true;
    } catch {
      return false;
    }
  }

  private async stored(userId: string): Promise<StoredPasskey[]> {
    return (await this.db.query(
      `SELECT id, credential_id, public_key, counter, transports FROM passkeys WHERE user_id = $1`,
      [userId],
    )) as StoredPasskey[];
  }

  private async keepChallenge(userId: string, purpose: string, challenge: string): Promise<void> {
    await this.db.query(
      `WITH swept AS (DELETE FROM webauthn_challenges WHERE expires_at < now())
       INSERT INTO webauthn_challenges (challenge, user_id, purpose, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [challenge, userId, purpose, CHALLENGE_TTL_SECONDS],
    );
  }

  /** The live challenge the answer signed, taken so that it cannot be answered again. */
  private async takeChallenge(
    userId: string,
    purpose: string,
    answer: { response?: { clientDataJSON?: unknown } },
  ): Promise<string | undefined> {
    const challenge = challengeOf(answer);
    if (!challenge) return undefined;
    const [rows] = (await this.db.query(
      `DELETE FROM webauthn_challenges
       WHERE challenge = $1 AND user_id = $2 AND purpose = $3 AND expires_at > now()
       RETURNING challenge`,
      [challenge, userId, purpose],
    )) as [{ challenge: string }[], number];
    return rows[0]?.challenge;
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Second factors of sign-in (src/auth/mfa.service.ts, passkeys.service.ts): a user's TOTP
 * secret (encrypted; unconfirmed until a first code) with the last time step used, so a code is
 * accepted once; recovery codes (hashed, each used once); passkeys (WebAuthn credentials); and
 * the WebAuthn challenges in flight, in the database so any instance can check an answer; the
 * second-step tokens already used (each signs in once), until they would have expired anyway.
 */
export class Mfa1764300000000 implements MigrationInterface {
  name = 'Mfa1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_totp (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret_encrypted bytea NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash bytea NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE UNIQUE INDEX recovery_codes_user_code_idx ON recovery_codes (user_id, code_hash)',
    );
    await q.query(`
      CREATE TABLE passkeys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        credential_id text NOT NULL,
        public_key bytea NOT NULL,
        counter bigint NOT NULL DEFAULT 0,
        transports text[] NOT NULL DEFAULT '{}',
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )`);
    await q.query('CREATE UNIQUE INDEX passkeys_credential_idx ON passkeys (credential_id)');
    await q.query('CREATE INDEX passkeys_user_idx ON passkeys (user_id, created_at)');
    await q.query(`
      CREATE TABLE webauthn_challenges (
        challenge text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('register', 'authenticate')),
        expires_at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX webauthn_challenges_user_idx ON webauthn_challenges (user_id)');
    await q.query(
      'CREATE INDEX webauthn_challenges_expires_idx ON webauthn_challenges (expires_at)',
    );
    await q.query(`
      CREATE TABLE used_mfa_tokens (
        jti uuid PRIMARY KEY,
        expires_at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX used_mfa_tokens_expires_idx ON used_mfa_tokens (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE used_mfa_tokens');
    await q.query('DROP TABLE webauthn_challenges');
    await q.query('DROP TABLE passkeys');
    await q.query('DROP TABLE recovery_codes');
    await q.query('DROP TABLE user_totp');
  }
}

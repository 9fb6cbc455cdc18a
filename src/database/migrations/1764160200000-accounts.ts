import { MigrationInterface, QueryRunner } from 'typeorm';

export class Accounts1764160200000 implements MigrationInterface {
  name = 'Accounts1764160200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email citext NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'staff', 'viewer', 'company')),
        company_id uuid REFERENCES companies (id),
        locale text NOT NULL DEFAULT 'de' CHECK (locale IN ('de', 'en')),
        active boolean NOT NULL DEFAULT true,
        password_hash text NOT NULL,
        password_changed_at timestamptz(3) NOT NULL DEFAULT now(),
        last_login_at timestamptz(3),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT users_email_key UNIQUE (email),
        CONSTRAINT users_company_only_for_company_role CHECK ((role = 'company') = (company_id IS NOT NULL))
      )`);
    await db.query('CREATE INDEX users_company_id_idx ON users (company_id)');
    await db.query('CREATE INDEX users_role_idx ON users (role)');
    await db.query('CREATE INDEX users_created_at_idx ON users (created_at, id)');
    await db.query('CREATE INDEX users_display_name_idx ON users (lower(display_name), id)');

    // One session per sign-in: the family of its refresh tokens. Revoking it ends the sign-in,
    // and the access guard checks it on every request.
    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_used_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz(3) NOT NULL,
        revoked_at timestamptz(3),
        revoked_reason text,
        user_agent text,
        ip text
      )`);
    await db.query('CREATE INDEX sessions_user_id_idx ON sessions (user_id)');
    await db.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz(3) NOT NULL,
        used_at timestamptz(3),
        CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
      )`);
    await db.query('CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id)');

    // Failed sign-ins per account and per address; in the database so that every instance
    // behind a load balancer counts the same.
    await db.query(`
      CREATE TABLE login_throttle (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        window_started_at timestamptz(3) NOT NULL,
        locked_until timestamptz(3)
      )`);

    await db.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        actor_id uuid,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id uuid,
        changes jsonb NOT NULL DEFAULT '{}',
        request_id text
      )`);
    await db.query(
      'CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id, at, id)',
    );
    await db.query('CREATE INDEX audit_events_actor_id_idx ON audit_events (actor_id)');
    await db.query('CREATE INDEX audit_events_at_idx ON audit_events (at, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_events');
    await db.query('DROP TABLE login_throttle');
    await db.query('DROP TABLE refresh_tokens');
    await db.query('DROP TABLE sessions');
    await db.query('DROP TABLE users');
  }
}

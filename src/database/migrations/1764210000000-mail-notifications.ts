import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What Liaison tells people who are not looking at it: every mail it writes (the outbox, sent or
 * kept), the notifications of the web app's header, the kinds of mail a user turned off, and the
 * single-use tokens of password resets and invitations. The job queue itself is pg-boss's own
 * schema (`pgboss`), created and migrated by pg-boss when the app starts.
 */
export class MailNotifications1764210000000 implements MigrationInterface {
  name = 'MailNotifications1764210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mails (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        recipient text NOT NULL,
        locale text NOT NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        dedupe_key text,
        state text NOT NULL DEFAULT 'queued'
          CONSTRAINT mails_state_check CHECK (state IN ('queued', 'sent', 'kept', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        message_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    // The outbox page: newest first, by state; a user's mails; one digest per user and day.
    await q.query('CREATE INDEX mails_created_idx ON mails (created_at DESC, id DESC)');
    await q.query(
      'CREATE INDEX mails_state_created_idx ON mails (state, created_at DESC, id DESC)',
    );
    await q.query('CREATE INDEX mails_user_idx ON mails (user_id)');
    await q.query(
      'CREATE UNIQUE INDEX mails_dedupe_idx ON mails (kind, user_id, dedupe_key) WHERE dedupe_key IS NOT NULL',
    );

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL,
        record_kind text NOT NULL,
        record_id uuid NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      )`);
    await q.query(
      'CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC, id DESC)',
    );
    await q.query(
      'CREATE INDEX notifications_user_unread_idx ON notifications (user_id) WHERE read_at IS NULL',
    );
    await q.query('CREATE INDEX notifications_record_idx ON notifications (record_id)');

    // The kinds of mail a user turned off; every kind is on until then.
    await q.query(`ALTER TABLE users ADD COLUMN mail_off text[] NOT NULL DEFAULT '{}'`);

    await q.query(`
      CREATE TABLE password_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose text NOT NULL CONSTRAINT password_tokens_purpose_check
          CHECK (purpose IN ('reset', 'invitation')),
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX password_tokens_hash_idx ON password_tokens (token_hash)');
    await q.query('CREATE INDEX password_tokens_user_idx ON password_tokens (user_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE password_tokens');
    await q.query('ALTER TABLE users DROP COLUMN mail_off');
    await q.query('DROP TABLE notifications');
    await q.query('DROP TABLE mails');
  }
}

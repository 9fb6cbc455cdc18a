import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first answer to a POST sent with an Idempotency-Key, per user and key, written in the same
 * transaction as what the request wrote: a retry gets it back instead of writing again.
 */
export class IdempotencyKeys1764165000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764165000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        key text NOT NULL,
        request_hash text NOT NULL,
        status smallint NOT NULL,
        body text,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key)
      )`);
    await q.query('CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
  }
}

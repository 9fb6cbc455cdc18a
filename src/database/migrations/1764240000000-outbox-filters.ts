import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admins' outbox filters (GET /admin/outbox): by kind, newest first, and words of the
 * recipient or subject (`?q=`, ILIKE over a trigram index). The state filter has its index since
 * the mails table was made. Its instants become `timestamptz(3)` like every record's
 * (src/database/columns.ts): a keyset cursor holds milliseconds, and must compare equal to the
 * row it was made from.
 */
export class OutboxFilters1764240000000 implements MigrationInterface {
  name = 'OutboxFilters1764240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE mails ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN sent_at TYPE timestamptz(3)',
    );
    await q.query('CREATE INDEX mails_kind_created_idx ON mails (kind, created_at DESC, id DESC)');
    await q.query(
      `CREATE INDEX mails_search_idx ON mails USING gin ((recipient || ' ' || subject) gin_trgm_ops)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX mails_search_idx');
    await q.query('DROP INDEX mails_kind_created_idx');
    await q.query(
      'ALTER TABLE mails ALTER COLUMN created_at TYPE timestamptz, ALTER COLUMN sent_at TYPE timestamptz',
    );
  }
}

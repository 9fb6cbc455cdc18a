import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One calendar subscription per user (src/calendar-feeds): the row's id is what its secret URL
 * signs, so a new id (rotation) or no row (revocation) ends the old URL at once. The URL itself
 * is never stored: a copy of the table alone does not open anyone's calendar.
 */
export class CalendarFeeds1764200000000 implements MigrationInterface {
  name = 'CalendarFeeds1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_feeds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_used_at timestamptz(3),
        CONSTRAINT calendar_feeds_user_id_key UNIQUE (user_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE calendar_feeds');
  }
}

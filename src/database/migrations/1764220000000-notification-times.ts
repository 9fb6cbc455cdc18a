import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notification's times in milliseconds, like every other instant Liaison keeps: the list of
 * notifications pages by `created_at`, and a cursor holds what a JS Date holds, so a value read
 * back must compare equal to the stored one (with microseconds, rows of the same millisecond
 * would be skipped).
 */
export class NotificationTimes1764220000000 implements MigrationInterface {
  name = 'NotificationTimes1764220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notifications
        ALTER COLUMN created_at TYPE timestamptz(3),
        ALTER COLUMN read_at TYPE timestamptz(3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notifications
        ALTER COLUMN created_at TYPE timestamptz,
        ALTER COLUMN read_at TYPE timestamptz`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The request counts the instances share (src/auth/rate-limits.ts), in the table shape of
 * rate-limiter-flexible's PostgreSQL store: `expire` in epoch milliseconds.
 */
export class RateLimits1764165100000 implements MigrationInterface {
  name = 'RateLimits1764165100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
    await q.query('CREATE INDEX rate_limits_expire_idx ON rate_limits (expire)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rate_limits');
  }
}

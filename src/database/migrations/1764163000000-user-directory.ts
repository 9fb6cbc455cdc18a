import { MigrationInterface, QueryRunner } from 'typeorm';

/** GET /users/directory: the active admin and staff users by name, in keyset order. */
export class UserDirectory1764163000000 implements MigrationInterface {
  name = 'UserDirectory1764163000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX users_directory_idx ON users (lower(display_name), id) WHERE active AND role IN ('admin', 'staff')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX users_directory_idx');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Browser sign-ins live in the same session store as API sign-ins, so revoking ends both. */
export class WebSessions1764161000000 implements MigrationInterface {
  name = 'WebSessions1764161000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE sessions ADD COLUMN web_token_hash bytea');
    await db.query(
      'CREATE UNIQUE INDEX sessions_web_token_hash_key ON sessions (web_token_hash) WHERE web_token_hash IS NOT NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE sessions DROP COLUMN web_token_hash');
  }
}

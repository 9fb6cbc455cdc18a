import { MigrationInterface, QueryRunner } from 'typeorm';

export class Extensions1764160000000 implements MigrationInterface {
  name = 'Extensions1764160000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await db.query('CREATE EXTENSION IF NOT EXISTS unaccent');
    await db.query('CREATE EXTENSION IF NOT EXISTS citext');
    // unaccent() is only STABLE (its dictionary could change), so it cannot back an index.
    // This wrapper names the dictionary explicitly and is declared IMMUTABLE, the usual way to
    // index accent-insensitive search keys.
    await db.query(`
      CREATE FUNCTION immutable_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION IF EXISTS immutable_unaccent(text)');
    await db.query('DROP EXTENSION IF EXISTS citext');
    await db.query('DROP EXTENSION IF EXISTS unaccent');
    await db.query('DROP EXTENSION IF EXISTS pg_trgm');
  }
}

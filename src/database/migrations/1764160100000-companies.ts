import { MigrationInterface, QueryRunner } from 'typeorm';

export class Companies1764160100000 implements MigrationInterface {
  name = 'Companies1764160100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE companies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        legal_name text,
        industry text,
        city text,
        country char(2) NOT NULL DEFAULT 'DE',
        website text,
        description text,
        branch_countries char(2)[] NOT NULL DEFAULT '{}',
        search_key text NOT NULL DEFAULT '',
        search_prefixes text[] NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3)
      )`);
    await db.query('CREATE INDEX companies_name_idx ON companies (lower(name), id)');
    await db.query('CREATE INDEX companies_created_at_idx ON companies (created_at, id)');
    await db.query('CREATE INDEX companies_updated_at_idx ON companies (updated_at, id)');
    await db.query('CREATE INDEX companies_country_idx ON companies (country)');
    await db.query('CREATE INDEX companies_deleted_at_idx ON companies (deleted_at)');
    // Filled by the service (see common/search.ts): accent-free words, pinyin, and word prefixes
    // for terms too short for trigrams.
    await db.query(
      'CREATE INDEX companies_search_key_idx ON companies USING gin (search_key gin_trgm_ops)',
    );
    await db.query(
      'CREATE INDEX companies_search_prefixes_idx ON companies USING gin (search_prefixes)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE companies');
  }
}

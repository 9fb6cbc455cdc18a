import { MigrationInterface, QueryRunner } from 'typeorm';

export class PartnersContacts1764160300000 implements MigrationInterface {
  name = 'PartnersContacts1764160300000';

  async up(db: QueryRunner): Promise<void> {
    // Accent-free lowercase names plus pinyin (for Chinese script), filled by the services.
    // search_prefixes holds the first one and two letters of every word: terms too short for
    // trigrams are still found by an indexed array lookup.
    await db.query(`
      CREATE TABLE partners (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        native_name text,
        kind text NOT NULL DEFAULT 'other' CHECK (kind IN ('technology_park', 'campus', 'university', 'chamber', 'government', 'association', 'company', 'other')),
        country char(2) NOT NULL,
        city text,
        address text,
        website text,
        description text,
        search_key text NOT NULL DEFAULT '',
        search_prefixes text[] NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3)
      )`);
    await db.query('CREATE INDEX partners_name_idx ON partners (lower(name), id)');
    await db.query('CREATE INDEX partners_created_at_idx ON partners (created_at, id)');
    await db.query('CREATE INDEX partners_country_idx ON partners (country)');
    await db.query('CREATE INDEX partners_kind_idx ON partners (kind)');
    await db.query('CREATE INDEX partners_deleted_at_idx ON partners (deleted_at)');
    await db.query(
      'CREATE INDEX partners_search_key_idx ON partners USING gin (search_key gin_trgm_ops)',
    );
    await db.query(
      'CREATE INDEX partners_search_prefixes_idx ON partners USING gin (search_prefixes)',
    );

    await db.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        family_name text NOT NULL,
        given_name text,
        native_name text,
        salutation text,
        position text,
        company_id uuid REFERENCES companies (id),
        partner_id uuid REFERENCES partners (id),
        email citext,
        phone text,
        wechat_id text,
        languages text[] NOT NULL DEFAULT '{}',
        country char(2),
        city text,
        notes text,
        tags text[] NOT NULL DEFAULT '{}',
        owner_id uuid REFERENCES users (id),
        legal_basis text CHECK (legal_basis IN ('public_task', 'consent', 'legitimate_interest', 'contract')),
        legal_basis_recorded_at timestamptz(3),
        legal_basis_source text,
        search_key text NOT NULL DEFAULT '',
        search_prefixes text[] NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3),
        CONSTRAINT contacts_one_organisation CHECK (company_id IS NULL OR partner_id IS NULL)
      )`);
    await db.query('CREATE INDEX contacts_company_id_idx ON contacts (company_id)');
    await db.query('CREATE INDEX contacts_partner_id_idx ON contacts (partner_id)');
    await db.query('CREATE INDEX contacts_owner_id_idx ON contacts (owner_id)');
    await db.query('CREATE INDEX contacts_country_idx ON contacts (country)');
    await db.query('CREATE INDEX contacts_deleted_at_idx ON contacts (deleted_at)');
    await db.query(
      `CREATE INDEX contacts_name_idx ON contacts (lower(family_name || ' ' || coalesce(given_name, '')), id)`,
    );
    await db.query('CREATE INDEX contacts_created_at_idx ON contacts (created_at, id)');
    await db.query('CREATE INDEX contacts_updated_at_idx ON contacts (updated_at, id)');
    await db.query('CREATE INDEX contacts_email_idx ON contacts (email)');
    await db.query('CREATE INDEX contacts_tags_idx ON contacts USING gin (tags)');
    await db.query(
      'CREATE INDEX contacts_search_key_idx ON contacts USING gin (search_key gin_trgm_ops)',
    );
    await db.query(
      'CREATE INDEX contacts_search_prefixes_idx ON contacts USING gin (search_prefixes)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE contacts');
    await db.query('DROP TABLE partners');
  }
}

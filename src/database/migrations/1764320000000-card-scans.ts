import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Business cards (src/cards/): a scan as it is read and confirmed (`card_scans`: its photos, the
 * fields read with the records they match, who scanned it; the photos leave it when it is saved)
 * and the photos kept with a contact (`contact_cards`, at most one per side, deleted with the
 * contact by its foreign key, so an erasure removes them).
 */
export class CardScans1764320000000 implements MigrationInterface {
  name = 'CardScans1764320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE card_scans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        created_by uuid NOT NULL REFERENCES users (id),
        status text NOT NULL CHECK (status IN ('queued', 'reading', 'read', 'failed', 'saved')),
        front bytea,
        front_type text,
        back bytea,
        back_type text,
        proposal jsonb,
        error text,
        read_ms integer,
        contact_id uuid REFERENCES contacts (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1
      )`);
    await q.query(
      'CREATE INDEX card_scans_created_by_idx ON card_scans (created_by, created_at DESC, id DESC)',
    );
    await q.query('CREATE INDEX card_scans_created_idx ON card_scans (created_at DESC, id DESC)');
    await q.query(
      'CREATE INDEX card_scans_contact_idx ON card_scans (contact_id) WHERE contact_id IS NOT NULL',
    );
    await q.query(`
      CREATE TABLE contact_cards (
        contact_id uuid NOT NULL REFERENCES contacts (id),
        side text NOT NULL CHECK (side IN ('front', 'back')),
        image bytea NOT NULL,
        media_type text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (contact_id, side)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE contact_cards');
    await q.query('DROP TABLE card_scans');
  }
}

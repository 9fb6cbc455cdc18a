import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GDPR rights on contacts: the restriction of processing (art. 18) and the objection (art. 21)
 * as columns of `contacts`; the retention review's findings in `retention_reviews` (one open row
 * per contact, extensions kept as decided). The indexes the retention job's rule of "last
 * activity" reads (src/retention/activity.ts) exist already: by time contacts_updated_at_idx,
 * interactions_occurred_at_idx, interactions_updated_at_idx, leads_updated_at_idx,
 * follow_ups_updated_at_idx; by contact interaction_contacts_contact_id_idx,
 * leads_contact_id_idx, follow_ups_contact_id_idx.
 */
export class PrivacyRetention1764290000000 implements MigrationInterface {
  name = 'PrivacyRetention1764290000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE contacts
        ADD COLUMN restricted_at timestamptz(3),
        ADD COLUMN restriction_reason text,
        ADD COLUMN objected_at timestamptz(3),
        ADD COLUMN objection_note text`);
    // The admins' filter `?restricted=true`: few rows, so a partial index.
    await q.query(
      'CREATE INDEX contacts_restricted_idx ON contacts (restricted_at, id) WHERE restricted_at IS NOT NULL',
    );
    await q.query(`
      CREATE TABLE retention_reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        found_at timestamptz(3) NOT NULL DEFAULT now(),
        last_activity_at timestamptz(3) NOT NULL,
        decision text NOT NULL DEFAULT 'open' CHECK (decision IN ('open', 'extended')),
        extended_until date,
        reason text,
        decided_by uuid REFERENCES users (id),
        decided_at timestamptz(3),
        CHECK ((decision = 'extended') = (extended_until IS NOT NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX retention_reviews_open_idx ON retention_reviews (contact_id) WHERE decision = 'open'`,
    );
    await q.query(
      `CREATE INDEX retention_reviews_list_idx ON retention_reviews (last_activity_at, id) WHERE decision = 'open'`,
    );
    await q.query(
      `CREATE INDEX retention_reviews_extended_idx ON retention_reviews (contact_id, extended_until) WHERE decision = 'extended'`,
    );
    await q.query(
      'CREATE INDEX retention_reviews_decided_by_idx ON retention_reviews (decided_by)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE retention_reviews');
    await q.query('DROP INDEX contacts_restricted_idx');
    await q.query(`
      ALTER TABLE contacts
        DROP COLUMN restricted_at,
        DROP COLUMN restriction_reason,
        DROP COLUMN objected_at,
        DROP COLUMN objection_note`);
  }
}

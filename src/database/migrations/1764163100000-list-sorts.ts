import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sorts a table header offers that the lists lacked: by title or subject, by the dates each
 * record has, by a follow-up's priority and a lead's stage in their own order (not the
 * alphabet's). Every sort key has its keyset index, the expression exactly as the service sorts.
 */
const INDEXES: [name: string, table: string, key: string][] = [
  ['interactions_subject_idx', 'interactions', 'lower(subject), id'],
  ['interactions_updated_at_idx', 'interactions', 'updated_at, id'],
  ['follow_ups_title_idx', 'follow_ups', 'lower(title), id'],
  [
    'follow_ups_priority_rank_idx',
    'follow_ups',
    `(CASE priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 END), id`,
  ],
  [
    'follow_ups_completed_at_idx',
    'follow_ups',
    `(coalesce(completed_at, '-infinity'::timestamptz)), id`,
  ],
  ['follow_ups_updated_at_idx', 'follow_ups', 'updated_at, id'],
  [
    'leads_stage_rank_idx',
    'leads',
    `(CASE stage WHEN 'new' THEN 0 WHEN 'contacted' THEN 1 WHEN 'qualified' THEN 2 WHEN 'proposal' THEN 3 WHEN 'won' THEN 4 WHEN 'lost' THEN 5 END), id`,
  ],
  ['trips_title_idx', 'trips', 'lower(title), id'],
  ['trips_ends_on_idx', 'trips', 'ends_on, id'],
  ['trips_updated_at_idx', 'trips', 'updated_at, id'],
  ['agreements_title_idx', 'agreements', 'lower(title), id'],
  ['agreements_valid_until_idx', 'agreements', `(coalesce(valid_until, '9999-12-31'::date)), id`],
  ['agreements_review_on_sort_idx', 'agreements', `(coalesce(review_on, '9999-12-31'::date)), id`],
  ['agreements_updated_at_idx', 'agreements', 'updated_at, id'],
];

export class ListSorts1764163100000 implements MigrationInterface {
  name = 'ListSorts1764163100000';

  async up(db: QueryRunner): Promise<void> {
    for (const [name, table, key] of INDEXES)
      await db.query(`CREATE INDEX ${name} ON ${table} (${key})`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const [name] of INDEXES) await db.query(`DROP INDEX ${name}`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';
import { organisationMatchKeys } from '../../common/organisation-keys';

/**
 * What finds one company or partner entered twice (src/common/organisation-keys.ts): the keys of
 * its names without legal form (a partner's native name also as pinyin) and of its website's
 * domain, kept by the services in `match_keys`, with an index of the live records for the
 * duplicate list's self-join. Pairs someone marked "not a duplicate" are kept in `not_duplicates`
 * (the lower id first) and left out of the list.
 */
export class OrganisationMatchKeys1764260000000 implements MigrationInterface {
  name = 'OrganisationMatchKeys1764260000000';

  async up(q: QueryRunner): Promise<void> {
    const tables = [
      { table: 'companies', otherName: 'legal_name' },
      { table: 'partners', otherName: 'native_name' },
    ];
    for (const { table, otherName } of tables) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN match_keys text[] NOT NULL DEFAULT '{}'`);
      const rows = (await q.query(
        `SELECT id, name, ${otherName} AS other_name, website FROM ${table}`,
      )) as { id: string; name: string; other_name: string | null; website: string | null }[];
      for (let i = 0; i < rows.length; i += 1000) {
        const batch = rows.slice(i, i + 1000);
        await q.query(
          `UPDATE ${table} t SET match_keys = ARRAY(SELECT jsonb_array_elements_text(k.keys))
           FROM unnest($1::uuid[], $2::jsonb[]) AS k (id, keys) WHERE t.id = k.id`,
          [
            batch.map((r) => r.id),
            batch.map((r) =>
              JSON.stringify(
                organisationMatchKeys({ names: [r.name, r.other_name], website: r.website }),
              ),
            ),
          ],
        );
      }
      await q.query(
        `CREATE INDEX ${table}_match_keys_idx ON ${table} USING gin (match_keys) WHERE deleted_at IS NULL`,
      );
    }
    await q.query(`
      CREATE TABLE not_duplicates (
        kind text NOT NULL,
        a uuid NOT NULL,
        b uuid NOT NULL,
        marked_by uuid REFERENCES users (id) ON DELETE SET NULL,
        marked_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT not_duplicates_pkey PRIMARY KEY (kind, a, b),
        CONSTRAINT not_duplicates_order CHECK (a < b)
      )`);
    await q.query('CREATE INDEX not_duplicates_marked_by_idx ON not_duplicates (marked_by)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE not_duplicates');
    for (const table of ['companies', 'partners']) {
      await q.query(`DROP INDEX ${table}_match_keys_idx`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN match_keys`);
    }
  }
}

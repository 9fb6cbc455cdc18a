import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The erasure of a person (src/privacy/): `erase_matches(value, pattern)` replaces what matches
 * the pattern (case-insensitive) by `[erased]` in every string of a JSON value, and only in its
 * strings, so that an audit event's, a notification's or an import row's JSON stays well formed
 * whatever the matched text was (a replace on the JSON's text could cut an escape in two).
 * Keys are left as they are: they are field names. The erasure finds what names a person by
 * indexes: the import rows that matched one (`duplicate_of`) and the pairs marked "not a
 * duplicate" by their second record (`b`; the first is the primary key's).
 */
export class Erasure1764280000000 implements MigrationInterface {
  name = 'Erasure1764280000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION erase_matches(value jsonb, pattern text) RETURNS jsonb
      LANGUAGE plpgsql IMMUTABLE STRICT AS $$
      BEGIN
        CASE jsonb_typeof(value)
          WHEN 'string' THEN
            RETURN to_jsonb(regexp_replace(value #>> '{}', pattern, '[erased]', 'gi'));
          WHEN 'array' THEN
            RETURN (SELECT coalesce(jsonb_agg(erase_matches(e, pattern) ORDER BY i), '[]'::jsonb)
                    FROM jsonb_array_elements(value) WITH ORDINALITY AS a (e, i));
          WHEN 'object' THEN
            RETURN (SELECT coalesce(jsonb_object_agg(k, erase_matches(v, pattern)), '{}'::jsonb)
                    FROM jsonb_each(value) AS o (k, v));
          ELSE
            RETURN value;
        END CASE;
      END
      $$`);
    await q.query(
      'CREATE INDEX import_rows_duplicate_of_idx ON import_rows (duplicate_of) WHERE duplicate_of IS NOT NULL',
    );
    await q.query('CREATE INDEX not_duplicates_b_idx ON not_duplicates (kind, b)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX not_duplicates_b_idx');
    await q.query('DROP INDEX import_rows_duplicate_of_idx');
    await q.query('DROP FUNCTION erase_matches(jsonb, text)');
  }
}

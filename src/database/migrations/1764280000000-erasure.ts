import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The erasure of a person (src/privacy/): `erase_matches(value, pattern)` replaces what matches
 * the pattern (case-insensitive) by `[erased]` in every string of a JSON value, and only in its
 * strings, so that an audit event's, a notification's or an import row's JSON stays well formed
 * whatever the matched text was (a replace on the JSON's text could cut an escape in two).
 * Keys are left as they are: they are field names.
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION erase_matches(jsonb, text)');
  }
}

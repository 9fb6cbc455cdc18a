import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Imports of contacts, companies and partners from files (src/imports/): the upload with its
 * mapping, options, counts and progress; the file itself (bytea, so every instance reads it);
 * one row per line of the file with its values, errors, duplicate and outcome (and the values
 * an update replaced, for undo); the organisations an import created; the mapping a user chose
 * for the same headers, suggested again next time.
 */
export class Imports1764270000000 implements MigrationInterface {
  name = 'Imports1764270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        file_name text NOT NULL,
        format text NOT NULL,
        encoding text,
        delimiter text,
        header_row integer NOT NULL,
        headers jsonb NOT NULL,
        mapping jsonb NOT NULL,
        sample jsonb NOT NULL,
        status text NOT NULL,
        file_error jsonb,
        options jsonb NOT NULL,
        counts jsonb NOT NULL,
        progress_done integer NOT NULL DEFAULT 0,
        progress_total integer NOT NULL DEFAULT 0,
        cancel_requested boolean NOT NULL DEFAULT false,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        undone_at timestamptz,
        version integer NOT NULL DEFAULT 1
      )`);
    await q.query('CREATE INDEX imports_created_idx ON imports (created_at DESC, id DESC)');
    await q.query(
      'CREATE INDEX imports_created_by_idx ON imports (created_by, created_at DESC, id DESC)',
    );
    await q.query(`
      CREATE TABLE import_files (
        import_id uuid PRIMARY KEY REFERENCES imports (id) ON DELETE CASCADE,
        bytes bytea NOT NULL
      )`);
    await q.query(`
      CREATE TABLE import_rows (
        import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        row integer NOT NULL,
        values jsonb NOT NULL,
        errors jsonb,
        duplicate_of uuid,
        duplicate_row integer,
        duplicate_name text,
        duplicate_reason text,
        decision text,
        outcome text,
        record_id uuid,
        record_version integer,
        before jsonb,
        undo text,
        PRIMARY KEY (import_id, row)
      )`);
    await q.query(
      'CREATE INDEX import_rows_problem_idx ON import_rows (import_id, row) WHERE errors IS NOT NULL OR duplicate_reason IS NOT NULL',
    );
    await q.query(
      'CREATE INDEX import_rows_record_idx ON import_rows (record_id) WHERE record_id IS NOT NULL',
    );
    await q.query(`
      CREATE TABLE import_organisations (
        import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        name_key text NOT NULL,
        entity text NOT NULL,
        record_id uuid NOT NULL,
        undo text,
        PRIMARY KEY (import_id, name_key)
      )`);
    await q.query(`
      CREATE TABLE import_mappings (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL,
        headers_hash text NOT NULL,
        mapping jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, kind, headers_hash)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE import_mappings');
    await q.query('DROP TABLE import_organisations');
    await q.query('DROP TABLE import_rows');
    await q.query('DROP TABLE import_files');
    await q.query('DROP TABLE imports');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every foreign key has an index that begins with its column: deleting a referenced row (an
 * import's undo deletes the contacts it created; ON DELETE SET NULL then looks for the rows
 * merged into each) otherwise scans the whole referencing table once per deleted row. These four
 * had none; test/list-queries.e2e-spec.ts keeps it so for every foreign key.
 */
const COLUMNS: [table: string, column: string][] = [
  ['contacts', 'merged_into_id'],
  ['companies', 'merged_into_id'],
  ['partners', 'merged_into_id'],
  ['notifications', 'actor_id'],
];

export class ForeignKeyIndexes1764360000000 implements MigrationInterface {
  name = 'ForeignKeyIndexes1764360000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of COLUMNS) {
      await q.query(
        `CREATE INDEX ${table}_${column}_idx ON ${table} (${column}) WHERE ${column} IS NOT NULL`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of COLUMNS) await q.query(`DROP INDEX ${table}_${column}_idx`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Partners are listed by `?sort=updatedAt`; every sorted column has its keyset index. */
export class PartnersUpdatedAt1764160631000 implements MigrationInterface {
  name = 'PartnersUpdatedAt1764160631000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX partners_updated_at_idx ON partners (updated_at, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX partners_updated_at_idx');
  }
}

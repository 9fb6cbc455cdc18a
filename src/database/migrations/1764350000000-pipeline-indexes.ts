import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pipeline's sums without reading the leads' rows (src/leads/leads.service.ts, `pipeline`):
 * the board's totals per stage (`by=stage`) and the dashboard's companies with the most open
 * value (`top=`), each an index-only scan of the live leads, whatever the agency's size.
 */
export class PipelineIndexes1764350000000 implements MigrationInterface {
  name = 'PipelineIndexes1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX leads_stage_value_idx ON leads (stage) INCLUDE (value_eur) WHERE deleted_at IS NULL',
    );
    await q.query(
      'CREATE INDEX leads_company_stage_value_idx ON leads (company_id, stage) INCLUDE (value_eur) WHERE deleted_at IS NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX leads_company_stage_value_idx');
    await q.query('DROP INDEX leads_stage_value_idx');
  }
}

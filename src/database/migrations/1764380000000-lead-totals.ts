import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pipeline's sums kept as the leads change, so the dashboard and the leads board read a few
 * rows per company instead of aggregating every lead on each view (src/leads/leads.service.ts,
 * `pipeline`): at 50,000 leads the totals per stage took 37 ms and the chart's top companies 63 ms
 * a view. `lead_totals` holds, per company and stage, the count and summed value of its live leads
 * (`deleted_at IS NULL`). Statement triggers with transition tables keep it: one INSERT … ON
 * CONFLICT per statement, its rows in key order (so two writers lock them in the same order), and
 * nothing at all for a change that moves no lead between companies or stages and no value (a
 * title edited). A row whose count has fallen to 0 stays, read as nothing.
 *
 * It is derived data: a backup leaves it out (src/backup/schema.ts) and a restore's loading of the
 * leads fills it again through the same triggers.
 *
 * Also the indexes a start page and a board read by: a user's open follow-ups by due date (the
 * dashboard's "my open follow-ups" walked the due-date index of every follow-up, 38 ms), a company
 * user's open follow-ups (theirs or their company's), and the leads of one stage by last change,
 * all or a company's (a board's column; it walked every lead by last change and skipped the
 * other stages: 27 ms for a company's, 8–11 ms for the agency's rarer stages).
 */
export class LeadTotals1764380000000 implements MigrationInterface {
  name = 'LeadTotals1764380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lead_totals (
        company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
        stage text NOT NULL,
        count integer NOT NULL,
        value_eur numeric NOT NULL,
        PRIMARY KEY (company_id, stage)
      )`);
    await q.query(`
      INSERT INTO lead_totals (company_id, stage, count, value_eur)
      SELECT company_id, stage, count(*), coalesce(sum(value_eur), 0)
      FROM leads WHERE deleted_at IS NULL GROUP BY company_id, stage`);
    const live = (table: string, sign: '' | '-') =>
      `SELECT company_id, stage, ${sign}1 AS n, ${sign}coalesce(value_eur, 0) AS v
       FROM ${table} WHERE deleted_at IS NULL`;
    const add = (change: string) => `
      INSERT INTO lead_totals AS t (company_id, stage, count, value_eur)
      SELECT company_id, stage, sum(n), sum(v) FROM (${change}) change
      GROUP BY company_id, stage HAVING sum(n) <> 0 OR sum(v) <> 0
      ORDER BY company_id, stage
      ON CONFLICT (company_id, stage) DO UPDATE
      SET count = t.count + excluded.count, value_eur = t.value_eur + excluded.value_eur;`;
    // Each branch names only the transition tables its event has.
    await q.query(`
      CREATE FUNCTION lead_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${add(live('new_leads', ''))}
        ELSIF TG_OP = 'DELETE' THEN
          ${add(live('old_leads', '-'))}
        ELSE
          ${add(`${live('new_leads', '')} UNION ALL ${live('old_leads', '-')}`)}
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER lead_totals_insert AFTER INSERT ON leads
      REFERENCING NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION lead_totals_apply()`);
    await q.query(`
      CREATE TRIGGER lead_totals_update AFTER UPDATE ON leads
      REFERENCING OLD TABLE AS old_leads NEW TABLE AS new_leads
      FOR EACH STATEMENT EXECUTE FUNCTION lead_totals_apply()`);
    await q.query(`
      CREATE TRIGGER lead_totals_delete AFTER DELETE ON leads
      REFERENCING OLD TABLE AS old_leads FOR EACH STATEMENT EXECUTE FUNCTION lead_totals_apply()`);
    await q.query(`
      CREATE FUNCTION lead_totals_clear() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM lead_totals;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER lead_totals_truncate AFTER TRUNCATE ON leads
      FOR EACH STATEMENT EXECUTE FUNCTION lead_totals_clear()`);

    await q.query(`
      CREATE INDEX follow_ups_assignee_open_due_idx
      ON follow_ups (assignee_id, coalesce(due_on, '9999-12-31'::date), id)
      WHERE status = 'open' AND deleted_at IS NULL`);
    await q.query(`
      CREATE INDEX follow_ups_company_open_due_idx
      ON follow_ups (company_id, coalesce(due_on, '9999-12-31'::date), id)
      WHERE status = 'open' AND deleted_at IS NULL`);
    await q.query(`
      CREATE INDEX leads_company_stage_updated_idx
      ON leads (company_id, stage, updated_at, id) WHERE deleted_at IS NULL`);
    await q.query(`
      CREATE INDEX leads_stage_updated_idx ON leads (stage, updated_at, id) WHERE deleted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX leads_stage_updated_idx');
    await q.query('DROP INDEX leads_company_stage_updated_idx');
    await q.query('DROP INDEX follow_ups_company_open_due_idx');
    await q.query('DROP INDEX follow_ups_assignee_open_due_idx');
    await q.query('DROP TRIGGER lead_totals_truncate ON leads');
    await q.query('DROP TRIGGER lead_totals_delete ON leads');
    await q.query('DROP TRIGGER lead_totals_update ON leads');
    await q.query('DROP TRIGGER lead_totals_insert ON leads');
    await q.query('DROP FUNCTION lead_totals_clear()');
    await q.query('DROP FUNCTION lead_totals_apply()');
    await q.query('DROP TABLE lead_totals');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pipeline's sums kept as the leads change, so the dashboard and the leads board read a few
 * rows instead of aggregating every lead on each view (src/leads/leads.service.ts, `pipeline`):
 * at 50,000 leads the totals per stage took 37 ms and the chart's top companies 63 ms a view.
 * Of the live leads (`deleted_at IS NULL`): `lead_totals` the count and value per company and
 * stage (a company's board, a chart's companies), `lead_stage_totals` per stage (the agency's
 * board and dashboard), `lead_company_totals` each company's count and value still open (which
 * companies a chart shows, off an index). Statement triggers with transition tables keep them:
 * one statement per change, each table's rows in key order (so two writers lock them in the same
 * order), and nothing at all for a change that moves no lead between companies or stages and no
 * value (a title edited). A row whose count has fallen to 0 stays, read as nothing. A stage's row
 * of `lead_stage_totals` is shared by every writer of a lead in that stage: each waits for the
 * one before to commit (a lead's write is a few milliseconds; leads are not written in bulk).
 *
 * Derived data (src/database/derived.ts): a backup leaves the tables out and a restore's loading
 * of the leads fills them again through the same triggers.
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
      CREATE TABLE lead_stage_totals (
        stage text PRIMARY KEY,
        count integer NOT NULL,
        value_eur numeric NOT NULL
      )`);
    await q.query(`
      CREATE TABLE lead_company_totals (
        company_id uuid PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
        count integer NOT NULL,
        open_value_eur numeric NOT NULL
      )`);
    await q.query(`
      CREATE INDEX lead_company_totals_open_idx
      ON lead_company_totals (open_value_eur DESC, company_id) WHERE count > 0`);
    const live = (table: string, sign: '' | '-') =>
      `SELECT company_id, stage, ${sign}1 AS n, ${sign}coalesce(value_eur, 0) AS v
       FROM ${table} WHERE deleted_at IS NULL`;
    const open = `coalesce(sum(v) FILTER (WHERE stage NOT IN ('won', 'lost')), 0)`;
    // One statement for the three tables, each in key order; a change that nets to nothing
    // touches no row (and so waits for no other writer).
    const add = (change: string) => `
      WITH summed AS (
        SELECT company_id, stage, sum(n) AS n, sum(v) AS v FROM (${change}) change
        GROUP BY company_id, stage HAVING sum(n) <> 0 OR sum(v) <> 0
      ), by_company_and_stage AS (
        INSERT INTO lead_totals AS t (company_id, stage, count, value_eur)
        SELECT company_id, stage, n, v FROM summed ORDER BY company_id, stage
        ON CONFLICT (company_id, stage) DO UPDATE
        SET count = t.count + excluded.count, value_eur = t.value_eur + excluded.value_eur
      ), by_stage AS (
        INSERT INTO lead_stage_totals AS t (stage, count, value_eur)
        SELECT stage, sum(n), sum(v) FROM summed
        GROUP BY stage HAVING sum(n) <> 0 OR sum(v) <> 0 ORDER BY stage
        ON CONFLICT (stage) DO UPDATE
        SET count = t.count + excluded.count, value_eur = t.value_eur + excluded.value_eur
      )
      INSERT INTO lead_company_totals AS t (company_id, count, open_value_eur)
      SELECT company_id, sum(n), ${open} FROM summed
      GROUP BY company_id HAVING sum(n) <> 0 OR ${open} <> 0 ORDER BY company_id
      ON CONFLICT (company_id) DO UPDATE
      SET count = t.count + excluded.count, open_value_eur = t.open_value_eur + excluded.open_value_eur;`;
    await q.query(`
      CREATE FUNCTION lead_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Each branch names only the transition tables its event has.
        IF TG_OP = 'INSERT' THEN
          ${add(live('new_leads', ''))}
        ELSIF TG_OP = 'DELETE' THEN
          ${add(live('old_leads', '-'))}
        ELSE
          ${add(`${live('new_leads', '')} UNION ALL ${live('old_leads', '-')}`)}
        END IF;
        RETURN NULL;
      END $$`);
    // The leads there are now, as one insert of them all would add them.
    await q.query(`
      CREATE FUNCTION lead_totals_fill() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        ${add(live('leads', ''))}
      END $$`);
    await q.query('SELECT lead_totals_fill()');
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
        DELETE FROM lead_stage_totals;
        DELETE FROM lead_company_totals;
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
    await q.query('DROP FUNCTION lead_totals_fill()');
    await q.query('DROP FUNCTION lead_totals_apply()');
    await q.query('DROP TABLE lead_company_totals');
    await q.query('DROP TABLE lead_stage_totals');
    await q.query('DROP TABLE lead_totals');
  }
}

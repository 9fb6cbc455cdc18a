/**
 * Tables the database keeps from others by triggers, which no code writes: the pipeline's sums
 * per company and stage, per stage and per company (migration 1764380000000). Whatever reads the catalogue's
 * foreign keys to act on every link leaves them out — a merge moves the leads and the triggers
 * move their sums; a link to one is no use of the record (an import's undo); a backup does not
 * hold them, and a restore's loading of the leads fills them again.
 */
export const DERIVED_TABLES: readonly string[] = [
  'lead_totals',
  'lead_stage_totals',
  'lead_company_totals',
];

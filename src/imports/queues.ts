import type { ImportCountsDto } from './imports.dto';

/** The jobs of an import: the dry run, the import itself, its undo. */
export const IMPORT_CHECK = 'import-check';
export const IMPORT_RUN = 'import-run';
export const IMPORT_UNDO = 'import-undo';

/** Rows read, checked, written or undone in one statement and (run, undo) one transaction. */
export const BATCH_ROWS = 1000;

export const ZERO_COUNTS: ImportCountsDto = {
  rows: 0,
  valid: 0,
  errors: 0,
  duplicates: 0,
  created: 0,
  updated: 0,
  skipped: 0,
  failed: 0,
  undone: 0,
  kept: 0,
};

/** What a job of an import is given. */
export interface ImportJob {
  importId: string;
}

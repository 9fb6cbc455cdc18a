import { writeFile } from 'node:fs/promises';
import type { DataSource } from 'typeorm';
import type { DuplicateDecision, ImportRecord, ImportRowDto, RowOutcome } from './imports.dto';
import { scratchFile } from './upload';

/** A row's error: the column of the file (its header), the field it fills, the API's rule. */
export interface RowError {
  column: string;
  field: string;
  code: string;
  message: string;
}

/** A row of `import_rows` as the routes read it. */
export interface RowRecord {
  row: number;
  values: Record<string, unknown>;
  errors: RowError[] | null;
  duplicate_of: string | null;
  duplicate_row: number | null;
  duplicate_name: string | null;
  duplicate_reason: string | null;
  decision: DuplicateDecision | null;
  outcome: RowOutcome | null;
  record_id: string | null;
  undo: string | null;
}

export const ROW_COLUMNS =
  'r.row, r.values, r.errors, r.duplicate_of, r.duplicate_row, r.duplicate_name, r.duplicate_reason, r.decision, r.outcome, r.record_id, r.undo';

export const toImportRowDto = (r: RowRecord, _record: ImportRecord): ImportRowDto => ({
  row: r.row,
  values: r.values,
  errors: r.errors ?? [],
  duplicateOf: r.duplicate_reason
    ? {
        id: r.duplicate_of,
        row: r.duplicate_row,
        name: r.duplicate_name ?? '',
        reason: r.duplicate_reason,
      }
    : null,
  decision: r.decision,
  outcome: r.outcome,
  recordId: r.record_id,
  undo: r.undo,
});

/**
 * Runs `work` with the import's file at a path (the readers take a path): the stored bytes
 * written to a temporary file, removed afterwards.
 */
export async function importFile<T>(
  db: DataSource,
  importId: string,
  fileName: string,
  work: (path: string) => Promise<T>,
): Promise<T> {
  const [file] = (await db.query('SELECT bytes FROM import_files WHERE import_id = $1', [
    importId,
  ])) as { bytes: Buffer }[];
  const scratch = await scratchFile(fileName.replace(/[^\w.-]/g, '_') || 'import');
  try {
    await writeFile(scratch.path, file?.bytes ?? Buffer.alloc(0));
    return await work(scratch.path);
  } finally {
    await scratch.discard();
  }
}

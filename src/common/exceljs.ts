import type * as ExcelJS from 'exceljs';

let loaded: typeof ExcelJS | undefined;

/**
 * exceljs, loaded at the first spreadsheet read or written rather than at every start of the
 * app: loading it was a tenth of a start's CPU time (0.3 of 3 s), paid by every test file.
 */
export function exceljs(): typeof ExcelJS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('exceljs') as typeof ExcelJS);
}

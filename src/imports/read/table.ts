/** What every reader of an import file gives: the table's shape and its rows. */

export type ImportKind = 'contact' | 'company' | 'partner';
export type ImportFormat = 'csv' | 'xlsx' | 'vcard';
/** UTF-16 comes only with a byte order mark (Excel's "Unicode text"). */
export type ImportEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface SourceTable {
  format: ImportFormat;
  /** null for xlsx */
  encoding: ImportEncoding | null;
  /** null for xlsx and vcard */
  delimiter: ',' | ';' | '\t' | null;
  /** 1-based row number of the header line in the file (0 for vCard, which has none) */
  headerRow: number;
  /** as written in the file (trimmed) */
  headers: string[];
  /**
   * CSV in UTF-8 of which some lines are not UTF-8: those lines (physical, at most 1,000), read
   * as Windows-1252. The importer may warn about their rows.
   */
  windows1252Lines?: number[];
}

export interface SourceRow {
  /**
   * 1-based: CSV the physical line the record starts on; XLSX the sheet's row number; vCard the
   * card's number (1, 2, 3 …)
   */
  row: number;
  /** one string per header (missing → '') */
  cells: string[];
  /** The cells beyond the headers' width that were not empty (left out of `cells`), if any. */
  overflow?: string[];
}

export type ImportFileErrorCode = 'encoding' | 'quotes' | 'format' | 'empty' | 'too-many-columns';

/** A problem with the file itself (not a row's value): the import cannot go on. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
  constructor(
    readonly code: ImportFileErrorCode,
    message: string,
    readonly row?: number,
  ) {
    super(message);
  }
}

/** More columns than any contact list has: a file that is not one, or a table turned sideways. */
export const MAX_COLUMNS = 500;

/** A row with its cells cut or padded to the headers' width. */
export function sourceRow(row: number, cells: string[], width: number): SourceRow {
  if (cells.length === width) return { row, cells };
  if (cells.length < width)
    return { row, cells: [...cells, ...Array<string>(width - cells.length).fill('')] };
  const overflow = cells.slice(width).filter((cell) => cell.trim() !== '');
  return overflow.length
    ? { row, cells: cells.slice(0, width), overflow }
    : { row, cells: cells.slice(0, width) };
}

export const isBlankRow = (cells: readonly string[]): boolean =>
  cells.every((cell) => cell.trim() === '');

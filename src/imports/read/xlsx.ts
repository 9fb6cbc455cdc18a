import { exceljs } from '../../common/exceljs';
import { findHeaderRow, headerCells, HEADER_SEARCH_ROWS } from './header-row';
import {
  ImportFileError,
  isBlankRow,
  MAX_COLUMNS,
  sourceRow,
  type SourceRow,
  type SourceTable,
} from './table';

const pad = (n: number, length = 2) => String(n).padStart(length, '0');

/** A day as `YYYY-MM-DD`, with `THH:MM` (`:SS`) when it has a time of day (Excel's are UTC). */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const [h, m, s] = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  if (!h && !m && !s) return day;
  return `${day}T${pad(h)}:${pad(m)}${s ? `:${pad(s)}` : ''}`;
}

const PLAIN_NUMBER = new Intl.NumberFormat('en-US', {
  useGrouping: false,
  maximumFractionDigits: 20,
});

/** A number as written, never with an exponent (a phone typed as a number stays its digits). */
function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  const text = String(n);
  return text.includes('e') ? PLAIN_NUMBER.format(n) : text;
}

/** A cell's value as text: rich text joined, a link's text, a formula's result. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'object') {
    const cell = value as Record<string, unknown>;
    if (Array.isArray(cell.richText))
      return (cell.richText as { text?: unknown }[]).map((part) => cellText(part.text)).join('');
    if ('hyperlink' in cell || 'text' in cell) return cellText(cell.text);
    if ('formula' in cell || 'sharedFormula' in cell) return cellText(cell.result);
    if ('error' in cell) return '';
  }
  return String(value);
}

interface SheetRow {
  row: number;
  cells: string[];
}

/** The first worksheet's rows that hold something, streamed. */
async function* sheetRows(path: string): AsyncGenerator<SheetRow> {
  const workbook = new (exceljs().stream.xlsx.WorkbookReader)(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let sheets = 0;
  try {
    for await (const worksheet of workbook) {
      sheets++;
      for await (const row of worksheet) {
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let column = 1; column < values.length; column++)
          cells.push(cellText(values[column]).replace(/\r\n?/g, '\n'));
        if (!isBlankRow(cells)) yield { row: row.number, cells };
      }
      break;
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(
      'format',
      `The file cannot be read as an Excel workbook (.xlsx): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!sheets)
    throw new ImportFileError('format', 'The file is no Excel workbook: it holds no worksheet.');
}

/** An Excel workbook: its first worksheet, the header row found in its first rows. */
export async function openXlsx(
  path: string,
): Promise<{ table: SourceTable; rows: AsyncIterable<SourceRow> }> {
  const head: SheetRow[] = [];
  const reader = sheetRows(path);
  try {
    for await (const row of reader) {
      head.push(row);
      if (head.length >= HEADER_SEARCH_ROWS * 3) break;
    }
  } finally {
    await reader.return(undefined);
  }
  if (!head.length) throw new ImportFileError('empty', 'The first worksheet is empty.');
  const header = head[findHeaderRow(head.map((row) => row.cells))];
  const headers = headerCells(header.cells);
  if (headers.length > MAX_COLUMNS)
    throw new ImportFileError(
      'too-many-columns',
      `The header row (row ${header.row}) has ${headers.length} columns; at most ${MAX_COLUMNS} can be read.`,
      header.row,
    );
  return {
    table: { format: 'xlsx', encoding: null, delimiter: null, headerRow: header.row, headers },
    rows: {
      async *[Symbol.asyncIterator]() {
        for await (const { row, cells } of sheetRows(path))
          if (row > header.row) yield sourceRow(row, cells, headers.length);
      },
    },
  };
}

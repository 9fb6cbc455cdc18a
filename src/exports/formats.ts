import { stringify } from 'csv-stringify/sync';
import type { PassThrough, Writable } from 'node:stream';
import { exceljs } from '../common/exceljs';
import type { Cell } from './kinds';

/**
 * The file formats an export writes into the answer, page by page: a page is written, then the
 * writer waits until the client has taken it (`drained`), so what is held is one page at most.
 */
export interface TableWriter {
  rows(rows: Cell[][]): Promise<void>;
  end(): Promise<void>;
}

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  vcard: 'text/vcard; charset=utf-8',
} as const;

export const EXTENSIONS = { csv: 'csv', xlsx: 'xlsx', vcard: 'vcf' } as const;

/** Resolves when the stream can take more, or is gone (the client left). */
export async function drained(out: Writable): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/** Writes text, then waits for the client. */
export async function writeText(out: PassThrough, text: string): Promise<void> {
  if (out.destroyed) return;
  out.write(text);
  await drained(out);
}

/**
 * A text a spreadsheet would run as a formula (`=`, `@`, `+` or `-` before a letter) starts with
 * an apostrophe in a CSV; phone numbers (`+49 …`) and negative numbers stay as they are.
 */
const FORMULA = /^(?:[=@\t\r]|[+-](?![\d\s(.]))/;
const csvCell = (value: Cell): Cell =>
  typeof value === 'string' && FORMULA.test(value) ? `'${value}` : value;

/** CSV in UTF-8 with a BOM (Excel reads the encoding from it), CRLF, `,` or `;` between fields. */
export function csvWriter(out: PassThrough, header: string[], delimiter: ',' | ';'): TableWriter {
  const csv = (rows: Cell[][]) =>
    stringify(
      rows.map((r) => r.map(csvCell)),
      {
        delimiter,
        record_delimiter: 'windows',
        cast: { boolean: (b: boolean) => (b ? 'true' : 'false') },
      },
    );
  out.write(`\uFEFF${csv([header])}`);
  return {
    rows: (rows) => writeText(out, csv(rows)),
    end: async () => {
      out.end();
    },
  };
}

/** XLSX through exceljs' streaming writer: each row is committed, so none stays in memory. */
export function xlsxWriter(out: PassThrough, header: string[], sheetName: string): TableWriter {
  const workbook = new (exceljs().stream.xlsx.WorkbookWriter)({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  const head = sheet.addRow(header);
  head.font = { bold: true };
  head.commit();
  // exceljs hands the sheet's XML on to the zip's compressor without waiting for it to be taken
  // (its StreamBuf ignores backpressure): rows would pile up before a compressor slower than they
  // come. So each page waits for the compressor too, whose output waits for the client.
  const compressor = () =>
    (sheet as unknown as { stream?: { pipes?: Writable[] } }).stream?.pipes?.[0];
  return {
    rows: async (rows) => {
      for (const row of rows) sheet.addRow(row).commit();
      const pending = compressor();
      if (pending) await drained(pending);
      await drained(out);
    },
    end: async () => {
      sheet.commit();
      await workbook.commit();
    },
  };
}

import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { headRecords, QuoteTracker, sniffDelimiter, type Delimiter } from './csv-structure';
import { findHeaderRow, headerCells, HEADER_SEARCH_ROWS } from './header-row';
import {
  byteOrderMark,
  decodeHead,
  decodeHeadAs,
  decoding,
  LineCounter,
  sniffEncoding,
  type TextEncoding,
} from './text';
import {
  ImportFileError,
  isBlankRow,
  MAX_COLUMNS,
  sourceRow,
  type SourceRow,
  type SourceTable,
} from './table';

/** A record longer than this is no contact: most likely a quote that swallowed the file. */
const MAX_RECORD_CHARS = 1_000_000;

/**
 * A CSV file: its encoding and delimiter sniffed, its quotes checked through to the end (so a
 * quote left open stops the import before any row is read), its header row found. `head` is
 * the file's first bytes, `complete` whether they are all of it.
 */
export async function openCsv(
  path: string,
  head: Buffer,
  complete: boolean,
): Promise<{ table: SourceTable; rows: AsyncIterable<SourceRow> }> {
  const bom = byteOrderMark(head);
  const start = bom?.length ?? 0;
  const headBytes = head.subarray(start);
  const asciiHead =
    bom && bom.encoding !== 'utf-8'
      ? decodeHead(headBytes, bom.encoding)
      : headBytes.toString('latin1');
  if (asciiHead.trim() === '') throw new ImportFileError('empty', 'The file is empty.');
  // Excel's own hint in a first line `sep=;` wins over sniffing.
  const hint = /^sep=([;,\t])\r?\n/i.exec(asciiHead)?.[1] as Delimiter | undefined;
  const delimiter = hint ?? sniffDelimiter(asciiHead, complete);
  const quotes = new QuoteTracker(delimiter);
  const text = await sniffEncoding(path, start, bom?.encoding ?? null, (text) => quotes.feed(text));
  quotes.end();

  const records = headRecords(
    decodeHeadAs(headBytes, text),
    delimiter,
    HEADER_SEARCH_ROWS * 3,
    complete,
  ).filter((record) => !isBlankRow(record.cells));
  if (!records.length) throw new ImportFileError('empty', 'The file holds no rows.');
  const headerIndex = findHeaderRow(records.map((record) => record.cells));
  const header = records[headerIndex];
  // csv-parse counts a line break inside quotes as a line of its own; above the header it can
  // start at the header's line only when no record there spans lines.
  const startLine = records.slice(0, headerIndex).every((record) => record.lastLine === record.line)
    ? header.line
    : 1;
  const headers = headerCells(header.cells);
  if (headers.length > MAX_COLUMNS)
    throw new ImportFileError(
      'too-many-columns',
      `The header row (line ${header.line}) has ${headers.length} columns; at most ${MAX_COLUMNS} can be read.`,
      header.line,
    );
  return {
    table: {
      format: 'csv',
      encoding: text.encoding,
      delimiter,
      headerRow: header.line,
      headers,
      ...(text.windows1252Lines?.length ? { windows1252Lines: text.windows1252Lines } : {}),
    },
    rows: {
      [Symbol.asyncIterator]: () =>
        csvRows(path, start, text, delimiter, startLine, header.line, headers.length),
    },
  };
}

interface ParsedRecord {
  record: string[];
  raw: string;
}

/** The rows below the header, each with the line it starts on; blank rows are left out. */
async function* csvRows(
  path: string,
  start: number,
  encoding: TextEncoding,
  delimiter: Delimiter,
  startLine: number,
  headerLine: number,
  width: number,
): AsyncGenerator<SourceRow> {
  // Parsing from the header on makes its width the one expected: csv-parse builds an error
  // (with its stack) for each record of another width than the first, if only to ignore it.
  const parser = parse({
    from_line: startLine,
    delimiter,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_CHARS,
  });
  const source = createReadStream(path, { start });
  pipeline(source, decoding(encoding), parser, () => undefined);
  const lines = new LineCounter(startLine);
  try {
    for await (const { record, raw } of parser as AsyncIterable<ParsedRecord>) {
      const row = lines.line;
      lines.advance(raw);
      if (row <= headerLine || isBlankRow(record)) continue;
      const cells = record.map((cell) =>
        cell.includes('\r') ? cell.replace(/\r\n?/g, '\n') : cell,
      );
      yield sourceRow(row, cells, width);
    }
  } catch (error) {
    if (
      error instanceof Error &&
      'code' in error &&
      typeof error.code === 'string' &&
      error.code.startsWith('CSV_')
    )
      throw new ImportFileError(
        error.code === 'CSV_MAX_RECORD_SIZE' ? 'format' : 'quotes',
        `The row starting on line ${lines.line} cannot be read: ${error.message}`,
        lines.line,
      );
    throw error;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

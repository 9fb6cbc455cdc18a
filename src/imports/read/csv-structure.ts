import { ImportFileError } from './table';

export type Delimiter = ',' | ';' | '\t';
export const DELIMITERS: readonly Delimiter[] = [';', ',', '\t'];

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Follows a CSV text's quotes chunk by chunk as csv-parse reads them (with `relax_quotes`): a
 * quote at a field's start opens a quoted field, which a quote followed by anything but a
 * second quote closes; a quote elsewhere is a character. Counts physical lines, so a quote
 * left open is reported with the line it opened on.
 */
export class QuoteTracker {
  private line = 1;
  private afterCr = false;
  private fieldStart = true;
  private quoted = false;
  /** In a quoted field, just after a quote: closing, or the first of a doubled quote. */
  private quoteSeen = false;
  private openedOn = 0;
  private readonly delimiter: number;

  constructor(delimiter: Delimiter) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) {
        if (!this.afterCr) this.line++;
        this.afterCr = false;
      } else if (c === CR) {
        this.line++;
        this.afterCr = true;
      } else this.afterCr = false;

      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === QUOTE) continue;
          this.quoted = false;
          // a closed field: what follows is a separator, a line break or text kept as it is
        } else {
          if (c === QUOTE) this.quoteSeen = true;
          continue;
        }
      }
      if (c === this.delimiter || c === CR || c === LF) this.fieldStart = true;
      else if (c === QUOTE && this.fieldStart) {
        this.quoted = true;
        this.openedOn = this.line;
        this.fieldStart = false;
      } else this.fieldStart = false;
    }
  }

  /** At the end of the file: throws when a quoted field was never closed. */
  end(): void {
    if (this.quoted && !this.quoteSeen)
      throw new ImportFileError(
        'quotes',
        `A quote (") opened on line ${this.openedOn} is never closed: everything after it would be one value. Close or remove it.`,
        this.openedOn,
      );
  }
}

/** A record of the file's head: the lines it starts and ends on, its cells (quotes resolved). */
export interface HeadRecord {
  line: number;
  lastLine: number;
  cells: string[];
}

/**
 * The first records of a text, split by the delimiter with CSV's quoting; the last record is
 * left out when the text may be cut inside it (`complete` false).
 */
export function headRecords(
  text: string,
  delimiter: Delimiter,
  limit: number,
  complete: boolean,
): HeadRecord[] {
  const records: HeadRecord[] = [];
  let line = 1;
  let start = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let fieldStart = true;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    records.push({ line: start, lastLine: line, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length && records.length < limit) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        if (!(ch === '\n' && text[i - 1] === '\r')) line++;
      }
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      i++;
      continue;
    }
    if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      fieldStart = true;
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      start = line;
      fieldStart = true;
      continue;
    }
    cell += ch;
    fieldStart = false;
    i++;
  }
  if (i >= text.length && complete && (cell !== '' || cells.length > 0)) endRecord();
  return records;
}

/**
 * The delimiter that splits the head's records most consistently: the one for which most
 * records have the same number of cells (above one); ties go to more cells, then `;` before
 * `,` before tab. A file of one column gets `,`.
 */
export function sniffDelimiter(text: string, complete: boolean): Delimiter {
  let best: { delimiter: Delimiter; agreeing: number; width: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const widths = new Map<number, number>();
    for (const { cells } of headRecords(text, delimiter, 50, complete)) {
      if (cells.length > 1) widths.set(cells.length, (widths.get(cells.length) ?? 0) + 1);
    }
    for (const [width, agreeing] of widths) {
      if (!best || agreeing > best.agreeing || (agreeing === best.agreeing && width > best.width))
        best = { delimiter, agreeing, width };
    }
  }
  return best?.delimiter ?? ',';
}

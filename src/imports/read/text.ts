import { createReadStream } from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';
import { ImportFileError, type ImportEncoding } from './table';

/** The byte order mark a file starts with, if any, and the encoding it says. */
export function byteOrderMark(head: Buffer): { encoding: ImportEncoding; length: number } | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
    return { encoding: 'utf-8', length: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** Control characters no text file holds (all below a space but tab, line feed and return). */
export const isForeignControl = (code: number): boolean =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;

/** Counts line breaks as a reader sees them: CR LF, CR alone and LF alone are one each. */
export class LineCounter {
  private afterCr = false;

  constructor(public line = 1) {}

  /** Advances over text (a line break split between two texts counts once). */
  advance(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        if (!this.afterCr) this.line++;
        this.afterCr = false;
      } else if (c === 0x0d) {
        this.line++;
        this.afterCr = true;
      } else this.afterCr = false;
    }
  }
}

export const encodingError = (line: number): ImportFileError =>
  new ImportFileError(
    'encoding',
    `The file is not text in a known encoding (UTF-8, UTF-16 or Windows-1252): line ${line} holds bytes no text has. Save it again as CSV (UTF-8) or as an Excel workbook.`,
    line,
  );

/** How a file's bytes become text: one encoding, or UTF-8 with some lines in Windows-1252. */
export interface TextEncoding {
  encoding: ImportEncoding;
  /**
   * Lines of a UTF-8 file whose bytes are not UTF-8 and are read as Windows-1252 (a row added
   * by a program that writes that): their numbers, at most `MAX_LISTED_LINES`.
   */
  windows1252Lines?: number[];
}

export const MAX_LISTED_LINES = 1000;

/**
 * Decides the encoding of a file that has no byte order mark by reading it once, in chunks:
 * UTF-8 when all of it is valid UTF-8; Windows-1252 (German Excel's "CSV
 * (Trennzeichen-getrennt)") when it is not and no more lines are UTF-8 than are not; else UTF-8
 * with the lines that are not read as Windows-1252. `visit` sees each chunk as text in which
 * the ASCII characters are right (line breaks, quotes and separators are ASCII in both).
 */
export async function sniffEncoding(
  path: string,
  start: number,
  bom: ImportEncoding | null,
  visit: (chunk: string) => void,
): Promise<TextEncoding> {
  const lines = new LineCounter();
  if (bom === 'utf-16le' || bom === 'utf-16be') {
    const decoder = new TextDecoder(bom, { fatal: true });
    for await (const chunk of createReadStream(path, { start })) {
      let text: string;
      try {
        text = decoder.decode(chunk as Buffer, { stream: true });
      } catch {
        throw encodingError(lines.line);
      }
      checkText(text, lines);
      visit(text);
    }
    try {
      visit(decoder.decode());
    } catch {
      throw encodingError(lines.line);
    }
    return { encoding: bom };
  }
  let utf8Lines = 0;
  const otherLines: number[] = [];
  let otherCount = 0;
  let lineNumber = 0;
  const classify = (line: Buffer) => {
    lineNumber++;
    if (isAscii(line)) return;
    if (isUtf8(line)) utf8Lines++;
    else {
      otherCount++;
      if (otherLines.length < MAX_LISTED_LINES) otherLines.push(lineNumber);
    }
  };
  const lineSplitter = new LineSplitter();
  for await (const chunk of createReadStream(path, { start })) {
    const bytes = chunk as Buffer;
    const text = bytes.toString('latin1');
    checkText(text, lines);
    visit(text);
    for (const line of lineSplitter.push(bytes)) classify(line);
  }
  const rest = lineSplitter.end();
  if (rest) classify(rest);
  if (!otherCount) return { encoding: 'utf-8' };
  if (bom === 'utf-8' || utf8Lines > otherCount)
    return { encoding: 'utf-8', windows1252Lines: otherLines };
  return { encoding: 'windows-1252' };
}

function checkText(text: string, lines: LineCounter): void {
  for (let i = 0; i < text.length; i++) {
    if (isForeignControl(text.charCodeAt(i))) {
      lines.advance(text.slice(0, i));
      throw encodingError(lines.line);
    }
  }
  lines.advance(text);
}

/** A transform from the file's bytes to text in its encoding. */
export function decoding({ encoding, windows1252Lines }: TextEncoding): Transform {
  if (windows1252Lines?.length) return lineByLine();
  const decoder = new TextDecoder(encoding);
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, done) {
      const text = decoder.decode(chunk, { stream: true });
      done(null, text || undefined);
    },
    flush(done) {
      const text = decoder.decode();
      done(null, text || undefined);
    },
  });
}

/** Bytes as text in the encoding, for the head of a file (a sequence cut at its end is dropped). */
export const decodeHead = (head: Buffer, encoding: ImportEncoding): string =>
  new TextDecoder(encoding).decode(head).replace(/\uFFFD+$/, '');

const utf8 = new TextDecoder('utf-8');
const windows1252 = new TextDecoder('windows-1252');
const decodeLine = (line: Buffer): string =>
  isUtf8(line) ? utf8.decode(line) : windows1252.decode(line);

/**
 * Cuts bytes into lines, each with its line feed (a line feed is never part of a UTF-8 sequence);
 * a line longer than a chunk is joined once it ends.
 */
class LineSplitter {
  private pending: Buffer[] = [];

  *push(bytes: Buffer): Generator<Buffer> {
    let from = 0;
    for (let lf = bytes.indexOf(0x0a); lf >= 0; lf = bytes.indexOf(0x0a, from)) {
      const line = bytes.subarray(from, lf + 1);
      if (this.pending.length) {
        yield Buffer.concat([...this.pending, line]);
        this.pending = [];
      } else yield line;
      from = lf + 1;
    }
    if (from < bytes.length) this.pending.push(bytes.subarray(from));
  }

  end(): Buffer | null {
    const rest = this.pending.length ? Buffer.concat(this.pending) : null;
    this.pending = [];
    return rest;
  }
}

/** Lines as text: all at once when they are UTF-8, else line by line. */
function decodeLines(block: Buffer): string {
  if (isUtf8(block)) return utf8.decode(block);
  const text: string[] = [];
  let from = 0;
  for (let lf = block.indexOf(0x0a); lf >= 0; lf = block.indexOf(0x0a, from)) {
    text.push(decodeLine(block.subarray(from, lf + 1)));
    from = lf + 1;
  }
  if (from < block.length) text.push(decodeLine(block.subarray(from)));
  return text.join('');
}

/** UTF-8, each line that is not read as Windows-1252. */
function lineByLine(): Transform {
  let pending: Buffer[] = [];
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, done) {
      const lf = chunk.lastIndexOf(0x0a);
      if (lf < 0) {
        pending.push(chunk);
        return done();
      }
      const lines = chunk.subarray(0, lf + 1);
      const block = pending.length ? Buffer.concat([...pending, lines]) : lines;
      pending = lf + 1 < chunk.length ? [chunk.subarray(lf + 1)] : [];
      done(null, decodeLines(block));
    },
    flush(done) {
      done(null, pending.length ? decodeLines(Buffer.concat(pending)) : undefined);
    },
  });
}

/** The head of a file as text, decoded as `decoding` does. */
export function decodeHeadAs(head: Buffer, { encoding, windows1252Lines }: TextEncoding): string {
  return windows1252Lines?.length ? decodeLines(head) : decodeHead(head, encoding);
}

import { createReadStream } from 'node:fs';
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
  line = 1;
  private afterCr = false;

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

/**
 * Decides the encoding of a file that has no byte order mark: UTF-8 when all of it is valid
 * UTF-8, else Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)"). Reads the whole file
 * once, in chunks; `visit` sees each chunk as text in which the ASCII characters are right
 * (line breaks, quotes and separators are ASCII in both encodings).
 */
export async function sniffEncoding(
  path: string,
  start: number,
  bom: ImportEncoding | null,
  visit: (chunk: string) => void,
): Promise<ImportEncoding> {
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
    return bom;
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let valid = true;
  for await (const chunk of createReadStream(path, { start })) {
    const bytes = chunk as Buffer;
    if (valid) {
      try {
        utf8.decode(bytes, { stream: true });
      } catch {
        valid = false;
      }
    }
    const text = bytes.toString('latin1');
    checkText(text, lines);
    visit(text);
  }
  if (valid) {
    try {
      utf8.decode();
    } catch {
      valid = false;
    }
  }
  if (!valid && bom === 'utf-8') throw encodingError(lines.line);
  return valid ? 'utf-8' : 'windows-1252';
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
export function decoding(encoding: ImportEncoding): Transform {
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

import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Sequence } from './schema';

/**
 * A Liaison backup is gzip-compressed UTF-8 text, read and written line by line:
 *
 *   {"format":"liaison-backup","version":1,"createdAt":…,"migrations":[…],"tables":[…],…}
 *   {"table":"companies","columns":["id","name",…]}
 *   the table's rows as `COPY … TO STDOUT` writes them (text format: one row a line, tab between
 *   columns, \N for null, backslash escapes)
 *   \.
 *   … every table of "tables" so, in that order …
 *   {"end":true,"rows":{"companies":12,…}}
 *
 * A row is never the line `\.` (COPY writes a backslash in a value as `\\`), so that line ends a
 * table's rows. The last line says the file is whole and how many rows each table has.
 */
export interface BackupHeader {
  format: typeof FORMAT;
  version: typeof VERSION;
  createdAt: string;
  /** The PostgreSQL it was taken from, for the reader's information. */
  postgres: string;
  /** The schema version: the migrations applied, in the order they ran. */
  migrations: string[];
  /** In the order of the file: each after the tables it refers to, as far as cycles allow. */
  tables: string[];
  sequences: Sequence[];
}

export interface TableHeader {
  table: string;
  columns: string[];
}

export interface BackupEnd {
  end: true;
  rows: Record<string, number>;
}

const FORMAT = 'liaison-backup';
const VERSION = 1;
export const END_OF_ROWS = Buffer.from('\\.\n');
const ROWS_THEN_END = Buffer.from('\n\\.\n');
/** A header line is a few kilobytes; a "line" longer than this is not one. */
const LONGEST_LINE = 16 * 1024 * 1024;

export const line = (value: BackupHeader | TableHeader | BackupEnd) =>
  Buffer.from(`${JSON.stringify(value)}\n`);

export function backupHeader(fields: Omit<BackupHeader, 'format' | 'version'>): BackupHeader {
  return { format: FORMAT, version: VERSION, ...fields };
}

/** Reads a backup from its start; every way a file can fail to be one is an error saying so. */
export class BackupReader {
  private buffer: Buffer = Buffer.alloc(0);
  private bytesRead = 0;
  private linesRead = 0;
  private readonly chunks: AsyncIterator<Buffer>;

  private constructor(private readonly file: string) {
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    // Errors reach the reader through the iterator; the callback keeps them from going unhandled.
    pipeline(createReadStream(file), gunzip, () => undefined);
    this.chunks = gunzip[Symbol.asyncIterator]();
  }

  /** Opens `file` and reads its first line: a file that is no backup at all fails here. */
  static async open(file: string): Promise<{ reader: BackupReader; header: BackupHeader }> {
    const reader = new BackupReader(file);
    try {
      return { reader, header: await reader.header() };
    } catch (error) {
      reader.close();
      throw error;
    }
  }

  /**
   * Reads the whole of `file` once, as a restore would, so that a damaged or cut-off file is
   * refused before anything is changed.
   */
  static async check(file: string): Promise<BackupHeader> {
    const { reader, header } = await BackupReader.open(file);
    try {
      const rows: Record<string, number> = {};
      for (const table of header.tables) {
        await reader.table(table);
        rows[table] = 0;
        for await (const chunk of reader.rows()) {
          for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) {
            rows[table]++;
          }
        }
      }
      await reader.end(rows);
      return header;
    } finally {
      reader.close();
    }
  }

  private async header(): Promise<BackupHeader> {
    const first = await this.json<BackupHeader>();
    if (first?.format !== FORMAT) throw this.notABackup();
    if (first.version !== VERSION) {
      throw new Error(
        `${this.file} is a backup of format ${String(first.version)}, written by a newer Liaison; this one reads format ${VERSION}`,
      );
    }
    if (
      !isStrings(first.migrations) ||
      !isStrings(first.tables) ||
      !Array.isArray(first.sequences)
    ) {
      throw this.damaged('its first line lacks the schema version or the tables');
    }
    return first as BackupHeader;
  }

  /** The line that opens the rows of table `name`, next in the file. */
  async table(name: string): Promise<TableHeader> {
    const table = await this.json<TableHeader>();
    if (table?.table !== name || !isStrings(table.columns)) {
      throw this.damaged(`the rows of table ${name} are not where the first line says`);
    }
    return { table: name, columns: table.columns };
  }

  /**
   * The last line, which must count as many rows per table as were read, and be followed by
   * nothing (reading to the end of the file also makes gunzip check the whole file's checksum).
   */
  async end(rows: Record<string, number>): Promise<void> {
    const end = await this.json<BackupEnd>();
    if (end?.end !== true || typeof end.rows !== 'object') {
      throw this.damaged('its last line is missing');
    }
    for (const [table, count] of Object.entries(rows)) {
      if (end.rows[table] !== count) {
        throw this.damaged(
          `table ${table} has ${count} rows, its last line says ${end.rows[table]}`,
        );
      }
    }
    if ((await this.line()) !== undefined) throw this.damaged('it goes on after its last line');
  }

  /** A table's rows as they were written, up to the line `\.`, in chunks of whole rows. */
  async *rows(): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.startsWith(END_OF_ROWS)) {
        this.buffer = this.buffer.subarray(END_OF_ROWS.length);
        return;
      }
      const end = this.buffer.indexOf(ROWS_THEN_END);
      if (end >= 0) {
        yield this.buffer.subarray(0, end + 1);
        this.buffer = this.buffer.subarray(end + ROWS_THEN_END.length);
        return;
      }
      const lastRow = this.buffer.lastIndexOf(0x0a);
      if (lastRow >= 0) {
        const rows = this.buffer.subarray(0, lastRow + 1);
        this.buffer = this.buffer.subarray(lastRow + 1);
        yield rows;
      }
      if (!(await this.fill())) throw this.damaged('it ends inside the rows of a table');
    }
  }

  close(): void {
    void this.chunks.return?.();
  }

  private damaged(why: string): Error {
    return new Error(`${this.file} is damaged or incomplete: ${why}`);
  }

  /** The next line as JSON, its fields still to be checked; undefined at the end of the file. */
  private async json<T>(): Promise<Partial<T> | undefined> {
    const text = await this.line();
    if (text === undefined) return undefined;
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null ? (value as Partial<T>) : {};
    } catch {
      throw this.linesRead === 1 ? this.notABackup() : this.damaged('a line is not JSON');
    }
  }

  private notABackup(): Error {
    return new Error(`${this.file} is not a Liaison backup`);
  }

  private startsWith(bytes: Buffer): boolean {
    return (
      this.buffer.length >= bytes.length && this.buffer.subarray(0, bytes.length).equals(bytes)
    );
  }

  private async line(): Promise<string | undefined> {
    for (;;) {
      const end = this.buffer.indexOf(0x0a);
      if (end >= 0) {
        const text = this.buffer.toString('utf8', 0, end);
        this.buffer = this.buffer.subarray(end + 1);
        this.linesRead++;
        return text;
      }
      if (this.buffer.length > LONGEST_LINE) {
        throw this.linesRead === 0 ? this.notABackup() : this.damaged('a line has no end');
      }
      if (!(await this.fill())) {
        if (this.buffer.length === 0) return undefined;
        throw this.damaged('it ends inside a line');
      }
    }
  }

  /** Appends the next chunk; false at the end of the file. */
  private async fill(): Promise<boolean> {
    let next: IteratorResult<Buffer>;
    try {
      next = await this.chunks.next();
    } catch (error) {
      throw this.unreadable(error);
    }
    if (next.done) return false;
    this.bytesRead += next.value.length;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, next.value]) : next.value;
    return true;
  }

  private unreadable(error: unknown): Error {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code?.startsWith('Z_')) {
      // zlib: not gzip at all, or a gzip stream cut short or corrupted.
      return this.bytesRead === 0 ? this.notABackup() : this.damaged(message);
    }
    return new Error(`cannot read ${this.file}: ${message}`);
  }
}

const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

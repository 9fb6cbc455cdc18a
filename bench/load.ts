import type { Client } from 'pg';

/** How a column's values travel: as an array of this type, cast on the way in when needed. */
export type ColumnType =
  | 'uuid'
  | 'text'
  | 'timestamptz'
  | 'date'
  | 'int'
  | 'bool'
  | 'numeric'
  | 'text[]'
  | 'char2[]'
  | 'jsonb';

const ARRAY_TYPE: Record<ColumnType, string> = {
  uuid: 'uuid[]',
  text: 'text[]',
  timestamptz: 'timestamptz[]',
  date: 'date[]',
  int: 'int[]',
  bool: 'bool[]',
  numeric: 'numeric[]',
  // unnest() flattens a two-dimensional array, so array columns travel as array literals.
  'text[]': 'text[]',
  'char2[]': 'text[]',
  jsonb: 'text[]',
};
const CAST: Partial<Record<ColumnType, string>> = {
  'text[]': '::text[]',
  'char2[]': '::char(2)[]',
  jsonb: '::jsonb',
};

/** A table and the columns the generator fills; one multi-row INSERT … SELECT FROM unnest(…). */
export class Table {
  readonly sql: string;

  constructor(
    readonly name: string,
    readonly columns: readonly (readonly [string, ColumnType])[],
  ) {
    const names = columns.map(([column]) => column);
    const args = columns.map(([, type], i) => `$${i + 1}::${ARRAY_TYPE[type]}`);
    const select = columns.map(([column, type]) => `u.${column}${CAST[type] ?? ''}`);
    this.sql = `INSERT INTO ${name} (${names.join(', ')}) SELECT ${select.join(', ')} FROM unnest(${args.join(', ')}) AS u(${names.join(', ')})`;
  }

  batch(): Batch {
    return new Batch(this);
  }
}

/** Rows of one table, kept column by column, ready to be sent as one array per column. */
export class Batch {
  readonly values: unknown[][];
  size = 0;

  constructor(readonly table: Table) {
    this.values = table.columns.map(() => []);
  }

  push(...row: unknown[]): void {
    if (row.length !== this.values.length) {
      throw new Error(`${this.table.name}: ${row.length} values for ${this.values.length} columns`);
    }
    for (let i = 0; i < row.length; i++) this.values[i].push(row[i]);
    this.size++;
  }
}

/** `{"a","b"}`: a PostgreSQL array literal, for array columns. */
export function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** Sends batches and counts what went in. */
export class Loader {
  readonly rowsByTable = new Map<string, number>();
  rows = 0;
  insertMs = 0;

  constructor(private readonly client: Client) {}

  /** Inserts the batches in order (a parent's rows before its children's). */
  async insert(...batches: Batch[]): Promise<void> {
    for (const batch of batches) {
      if (batch.size === 0) continue;
      const started = performance.now();
      await this.client.query(batch.table.sql, batch.values);
      this.insertMs += performance.now() - started;
      this.rows += batch.size;
      this.rowsByTable.set(
        batch.table.name,
        (this.rowsByTable.get(batch.table.name) ?? 0) + batch.size,
      );
    }
  }
}

/**
 * Overlaps making rows (CPU in this process) with inserting the previous chunk (the database):
 * at most one chunk is in flight, so the order of chunks, and of parents before children, holds.
 */
export class Pipeline {
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly loader: Loader) {}

  async send(...batches: Batch[]): Promise<void> {
    await this.inFlight;
    this.inFlight = this.loader.insert(...batches);
    // An error surfaces at the next send or at drain; keep it from being reported as unhandled.
    this.inFlight.catch(() => undefined);
  }

  async drain(): Promise<void> {
    await this.inFlight;
  }
}

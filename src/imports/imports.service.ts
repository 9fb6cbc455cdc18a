import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify/sync';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { staleOrMissing } from '../common/concurrency';
import { stripUndefined } from '../common/dto';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { BadInput, Conflict, FieldError, fieldError, NotFound } from '../common/errors';
import { CURSOR_KEY } from '../common/pagination';
import { OWN_LIST_SORT, ownNewestFirst } from '../common/own-list';
import { transaction } from '../common/transaction';
import { Jobs } from '../jobs/jobs.service';
import {
  DEFAULT_OPTIONS,
  DuplicateDecision,
  ImportDto,
  ImportListQuery,
  ImportPageDto,
  ImportRecord,
  ImportRowDto,
  ImportRowPageDto,
  ImportRowsQuery,
  ImportStatus,
  toImportDto,
  UpdateImportDto,
} from './imports.dto';
import { IMPORT_CHECK, IMPORT_RUN, IMPORT_UNDO, ZERO_COUNTS } from './queues';
import { ImportFileError, openTable, suggestMapping, TARGETS, type ImportKind } from './read';
import { importFile, ROW_COLUMNS, RowRecord, toImportRowDto } from './rows';
import type { Upload } from './upload';

/** How many rows of the file the answer shows, to check the mapping by. */
const SAMPLE_ROWS = 5;

const headersHash = (headers: string[]) =>
  createHash('sha256').update(JSON.stringify(headers)).digest('base64url');

/**
 * The mapping a user may save for a kind: one entry per header, each one of the kind's targets
 * or null (several columns may fill one target: the reader takes the first value and the
 * importer adds the others to the notes), and what a record needs:
 * a contact's family name (or the name in its own script, or the whole name), a company's or
 * partner's name.
 */
export function mappingProblems(
  kind: ImportKind,
  headers: string[],
  mapping: unknown[],
): FieldError[] {
  const targets = TARGETS[kind];
  const errors: FieldError[] = [];
  if (mapping.length !== headers.length)
    errors.push(
      fieldError(
        'mapping',
        'arrayLength',
        `mapping must have one entry per header (${headers.length})`,
      ),
    );
  const seen = new Set<string>();
  mapping.forEach((target, i) => {
    if (target === null) return;
    if (typeof target !== 'string' || !targets.includes(target))
      errors.push({
        field: `mapping.${i}`,
        code: 'isIn',
        message: `mapping.${i} must be null or one of ${targets.join(', ')}`,
      });
    else seen.add(target);
  });
  if (errors.length) return errors;
  const needs = kind === 'contact' ? ['familyName', 'nativeName', 'fullName'] : ['name'];
  if (!needs.some((field) => seen.has(field)))
    errors.push(
      fieldError(
        'mapping',
        'required',
        kind === 'contact'
          ? 'mapping must fill familyName (or nativeName, or fullName)'
          : 'mapping must fill name',
      ),
    );
  return errors;
}

@Injectable()
export class ImportsService {
  readonly maxBytes: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CURSOR_KEY) private readonly cursorKey: Buffer,
    private readonly jobs: Jobs,
  ) {
    this.maxBytes = config.importMaxBytes;
  }

  private dto(record: ImportRecord): ImportDto {
    return toImportDto(record, TARGETS[record.kind]);
  }

  /** The import as the caller may see it: its own, or any for an admin; else 404. */
  private async find(
    actor: Actor,
    id: string,
    manager: EntityManager = this.db.manager,
    lock = false,
  ): Promise<ImportRecord> {
    const [record] = (await manager.query(
      `SELECT * FROM imports WHERE id = $1 AND ($2 OR created_by = $3)${lock ? ' FOR UPDATE' : ''}`,
      [id, actor.role === 'admin', actor.userId],
    )) as ImportRecord[];
    if (!record) throw new NotFound('import', id);
    return record;
  }

  async create(actor: Actor, upload: Upload): Promise<ImportDto> {
    let table: Awaited<ReturnType<typeof openTable>>['table'] | undefined;
    const sample: { row: number; cells: string[] }[] = [];
    let fileError: { code: string; row: number | null; message: string } | null = null;
    try {
      const opened = await openTable(upload.path, upload.fileName);
      table = opened.table;
      for await (const row of opened.rows) {
        sample.push({ row: row.row, cells: row.cells });
        if (sample.length >= SAMPLE_ROWS) break;
      }
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      fileError = { code: error.code, row: error.row ?? null, message: error.message };
    }
    const headers = table?.headers ?? [];
    const bytes = await readFile(upload.path);
    return transaction(this.db, async (em) => {
      const [remembered] = (await em.query(
        'SELECT mapping FROM import_mappings WHERE user_id = $1 AND kind = $2 AND headers_hash = $3',
        [actor.userId, upload.kind, headersHash(headers)],
      )) as { mapping: (string | null)[] }[];
      const mapping =
        remembered && mappingProblems(upload.kind, headers, remembered.mapping).length === 0
          ? remembered.mapping
          : suggestMapping(upload.kind, headers);
      const [record] = (await em.query(
        `INSERT INTO imports (kind, file_name, format, encoding, delimiter, header_row, headers,
           mapping, sample, status, file_error, options, counts, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *`,
        [
          upload.kind,
          upload.fileName,
          table?.format ?? formatOf(upload.fileName),
          table?.encoding ?? null,
          table?.delimiter ?? null,
          table?.headerRow ?? 1,
          JSON.stringify(headers),
          JSON.stringify(mapping),
          JSON.stringify(sample),
          fileError ? 'failed' : 'mapping',
          fileError ? JSON.stringify(fileError) : null,
          JSON.stringify(DEFAULT_OPTIONS),
          JSON.stringify(ZERO_COUNTS),
          actor.userId,
        ],
      )) as ImportRecord[];
      await em.query('INSERT INTO import_files (import_id, bytes) VALUES ($1, $2)', [
        record.id,
        bytes,
      ]);
      return this.dto(record);
    });
  }

  async list(actor: Actor, query: ImportListQuery): Promise<ImportPageDto> {
    if (query.sort !== undefined && query.sort !== OWN_LIST_SORT)
      throw BadInput.field('sort', 'isIn', `sort must be ${OWN_LIST_SORT}`);
    const { rows, nextCursor } = await ownNewestFirst<ImportRecord>(
      this.db,
      this.cursorKey,
      actor,
      query,
      { table: 'imports', columns: '*' },
    );
    return { items: rows.map((r) => this.dto(r)), nextCursor };
  }

  async get(actor: Actor, id: string): Promise<ImportDto> {
    return this.dto(await this.find(actor, id));
  }

  /**
   * Moves the import from one of `from` to `to` when its version is `version` (if given),
   * with `set` beside; 412 on another version, 409 in another status, 404 when not seen.
   */
  private async transition(
    em: EntityManager,
    actor: Actor,
    id: string,
    from: readonly ImportStatus[],
    to: ImportStatus,
    options: { version?: number; set?: string; params?: unknown[]; why?: string } = {},
  ): Promise<ImportRecord> {
    const before = await this.find(actor, id, em, true);
    if (options.version !== undefined && before.version !== options.version)
      throw staleOrMissing(before.version, () => new NotFound('import', id));
    if (!from.includes(before.status))
      throw new Conflict(
        options.why ?? `The import is ${before.status}; this needs it to be ${from.join(' or ')}.`,
      );
    const params = [id, to, ...(options.params ?? [])];
    const [[after]] = (await em.query(
      `UPDATE imports SET status = $2, version = version + 1, updated_at = now()
         ${options.set ? `, ${options.set}` : ''}
       WHERE id = $1 RETURNING *`,
      params,
    )) as [ImportRecord[], number];
    return after;
  }

  async update(
    actor: Actor,
    id: string,
    version: number,
    dto: UpdateImportDto,
  ): Promise<ImportDto> {
    return transaction(this.db, async (em) => {
      const before = await this.find(actor, id, em, true);
      const mapping = dto.mapping ?? before.mapping;
      if (dto.mapping !== undefined) {
        const errors = mappingProblems(before.kind, before.headers, dto.mapping);
        if (errors.length) throw new BadInput(errors);
      }
      const options = { ...before.options, ...stripUndefined(dto.options ?? {}) };
      const after = await this.transition(em, actor, id, ['mapping', 'checked'], 'mapping', {
        version,
        set: 'mapping = $3, options = $4',
        params: [JSON.stringify(mapping), JSON.stringify(options)],
      });
      if (dto.mapping !== undefined)
        await em.query(
          `INSERT INTO import_mappings (user_id, kind, headers_hash, mapping) VALUES ($1, $2, $3, $4)
           ON CONFLICT (user_id, kind, headers_hash)
           DO UPDATE SET mapping = excluded.mapping, updated_at = now()`,
          [actor.userId, before.kind, headersHash(before.headers), JSON.stringify(mapping)],
        );
      return this.dto(after);
    });
  }

  async check(actor: Actor, id: string): Promise<ImportDto> {
    return transaction(this.db, async (em) => {
      const before = await this.find(actor, id, em, true);
      if (before.status === 'mapping' || before.status === 'checked') {
        const errors = mappingProblems(before.kind, before.headers, before.mapping);
        if (errors.length) throw new BadInput(errors);
      }
      const after = await this.transition(em, actor, id, ['mapping', 'checked'], 'checking', {
        set: `file_error = NULL, progress_done = 0, progress_total = 0, counts = $3`,
        params: [JSON.stringify(ZERO_COUNTS)],
      });
      await this.jobs.enqueue(em, IMPORT_CHECK, { importId: id });
      return this.dto(after);
    });
  }

  async rows(actor: Actor, id: string, query: ImportRowsQuery): Promise<ImportRowPageDto> {
    const record = await this.find(actor, id);
    const sort = `row:${query.problem ?? 'all'}`;
    const params: unknown[] = [id, query.limit + 1];
    let after = '';
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(this.cursorKey, query.cursor);
      if (!cursor || cursor.sort !== sort || cursor.id !== id || typeof cursor.value !== 'number')
        throw BadInput.field('cursor', 'cursor', 'cursor is not one this server issued');
      params.push(cursor.value);
      after = 'AND r.row > $3';
    }
    const problem =
      query.problem === 'error'
        ? 'AND r.errors IS NOT NULL'
        : query.problem === 'duplicate'
          ? 'AND r.duplicate_reason IS NOT NULL'
          : '';
    const rows = (await this.db.query(
      `SELECT ${ROW_COLUMNS} FROM import_rows r
       WHERE r.import_id = $1 ${problem} ${after} ORDER BY r.row LIMIT $2`,
      params,
    )) as RowRecord[];
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => toImportRowDto(r, record)),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor(this.cursorKey, { sort, value: last.row, id })
          : null,
    };
  }

  async decide(
    actor: Actor,
    id: string,
    row: number,
    decision: DuplicateDecision,
  ): Promise<ImportRowDto> {
    return transaction(this.db, async (em) => {
      const record = await this.find(actor, id, em, true);
      if (record.status !== 'checked')
        throw new Conflict(
          `The import is ${record.status}; decisions are made once it is checked.`,
        );
      const [[changed]] = (await em.query(
        `UPDATE import_rows r SET decision = $3 WHERE import_id = $1 AND row = $2
         RETURNING ${ROW_COLUMNS}`,
        [id, row, decision],
      )) as [RowRecord[], number];
      if (!changed) throw new NotFound('row', String(row));
      if (!changed.duplicate_reason)
        throw BadInput.field(
          'decision',
          'notDuplicate',
          'decision is only for a row that duplicates a record or an earlier row',
        );
      return toImportRowDto(changed, record);
    });
  }

  async run(actor: Actor, id: string): Promise<ImportDto> {
    return transaction(this.db, async (em) => {
      const before = await this.find(actor, id, em, true);
      if (before.file_error)
        throw new Conflict('The file could not be read, so it cannot be imported.', [
          {
            field: 'fileError',
            code: before.file_error.code,
            message: before.file_error.message,
          },
        ]);
      const after = await this.transition(em, actor, id, ['checked'], 'running', {
        set: 'progress_done = 0, progress_total = (counts->>$3)::int, cancel_requested = false',
        params: ['rows'],
        why: `The import is ${before.status}; it runs once checked.`,
      });
      await this.jobs.enqueue(em, IMPORT_RUN, { importId: id });
      return this.dto(after);
    });
  }

  async cancel(actor: Actor, id: string): Promise<ImportDto> {
    return transaction(this.db, async (em) => {
      const before = await this.find(actor, id, em, true);
      if (before.status !== 'running')
        throw new Conflict(`The import is ${before.status}; only a running import is cancelled.`);
      const [[after]] = (await em.query(
        `UPDATE imports SET cancel_requested = true, version = version + 1, updated_at = now()
         WHERE id = $1 RETURNING *`,
        [id],
      )) as [ImportRecord[], number];
      return this.dto(after);
    });
  }

  async undo(actor: Actor, id: string): Promise<ImportDto> {
    return transaction(this.db, async (em) => {
      const after = await this.transition(em, actor, id, ['done', 'cancelled'], 'undoing');
      await this.jobs.enqueue(em, IMPORT_UNDO, { importId: id });
      return this.dto(after);
    });
  }

  /**
   * The rows refused for their errors, as the file had them, with a last column of the errors
   * ("Spalte: Meldung", one per line): UTF-8 with a byte order mark and `;`, which Excel in
   * Germany opens as a table without asking.
   */
  async failedCsv(actor: Actor, id: string): Promise<{ fileName: string; body: string }> {
    const record = await this.find(actor, id);
    const failed = new Map<number, string>();
    const rows = (await this.db.query(
      `SELECT row, errors FROM import_rows WHERE import_id = $1 AND errors IS NOT NULL ORDER BY row`,
      [id],
    )) as { row: number; errors: { column: string; message: string }[] }[];
    for (const r of rows)
      failed.set(r.row, r.errors.map((e) => `${e.column}: ${e.message}`).join('\n'));
    const lines: string[][] = [[...record.headers, 'Fehler']];
    if (failed.size > 0)
      await importFile(this.db, id, record.file_name, async (path) => {
        const { rows: source } = await openTable(path, record.file_name);
        for await (const row of source) {
          const errors = failed.get(row.row);
          if (errors !== undefined) lines.push([...row.cells, errors]);
        }
      });
    const base = record.file_name.replace(/\.[^.]*$/, '') || 'import';
    return {
      fileName: `${base}-fehler.csv`.replace(/[^\w.\-äöüÄÖÜß ]/g, '_'),
      body: `\ufeff${stringify(lines, { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[\r\n]/ })}`,
    };
  }
}

function formatOf(fileName: string): string {
  const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return extension === 'xlsx' ? 'xlsx' : extension === 'vcf' ? 'vcard' : 'csv';
}

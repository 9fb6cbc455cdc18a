import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newContactNames } from '../contacts/names';
import { nameKey, phoneE164 } from '../contacts/match-keys';
import { Jobs } from '../jobs/jobs.service';
import type { ImportRecord } from './imports.dto';
import { Organisations } from './organisations';
import { BATCH_ROWS, IMPORT_CHECK, ImportJob, ZERO_COUNTS } from './queues';
import { ImportFileError, openTable, type SourceRow } from './read';
import { importFile, RowError } from './rows';
import { CheckedRow, organisationKey, RowChecker } from './values';

/** A row ready for `import_rows`. */
interface CheckedLine extends CheckedRow {
  row: number;
  duplicate_of: string | null;
  duplicate_row: number | null;
  duplicate_name: string | null;
  duplicate_reason: string | null;
}

/** The keys a row is found again by, strongest first: e-mail, phone, WeChat id, name. */
type MatchKeys = [reason: string, key: string][];

interface Existing {
  id: string;
  name: string;
  keys: MatchKeys;
}

const contactName = (c: { familyName?: unknown; givenName?: unknown; nativeName?: unknown }) =>
  [c.givenName, c.familyName].filter((p) => typeof p === 'string' && p).join(' ') ||
  String(c.nativeName ?? '');

/**
 * The dry run (`import-check`): every row of the file read, validated as the API would, and
 * compared with the live records and the rows before it; one `import_rows` row each, written
 * 1,000 at a time. Nothing else is written. Run again from the start when retried.
 */
@Injectable()
export class ImportCheck {
  private readonly logger = new Logger('ImportCheck');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    jobs: Jobs,
  ) {
    jobs.define<ImportJob>({
      name: IMPORT_CHECK,
      run: (data) => this.check(data.importId),
      watched: true,
      retryLimit: 2,
      expireInSeconds: 3600,
    });
  }

  async check(importId: string): Promise<void> {
    const [record] = (await this.db.query('SELECT * FROM imports WHERE id = $1', [
      importId,
    ])) as ImportRecord[];
    if (!record || record.status !== 'checking') return;
    await this.db.query('DELETE FROM import_rows WHERE import_id = $1', [importId]);
    const checker = new RowChecker(record.kind, record.headers, record.mapping);
    const organisations = await Organisations.load(this.db.manager);
    const earlier = new Map<string, { row: number; name: string }>();
    const counts = { ...ZERO_COUNTS };
    // A batch is written while the next is read and checked (PostgreSQL and Node at once).
    let writing: Promise<unknown> = Promise.resolve();
    try {
      await importFile(this.db, importId, record.file_name, async (path) => {
        const { rows } = await openTable(path, record.file_name);
        let batch: SourceRow[] = [];
        const flush = async () => {
          const lines = await this.lines(record, checker, organisations, earlier, batch);
          batch = [];
          for (const line of lines) {
            counts.rows++;
            if (line.errors) counts.errors++;
            else counts.valid++;
            if (line.duplicate_reason) counts.duplicates++;
          }
          await writing;
          writing = this.write(importId, lines, counts.rows);
          // Seen by the caller's await at once; the next batch waits for it to settle first.
          writing.catch(() => undefined);
        };
        for await (const row of rows) {
          batch.push(row);
          if (batch.length >= BATCH_ROWS) await flush();
        }
        if (batch.length) await flush();
        await writing;
      });
    } catch (error) {
      await writing.catch(() => undefined);
      if (!(error instanceof ImportFileError)) throw error;
      // The file breaks somewhere: nothing of it is kept, and it cannot run.
      await this.db.transaction(async (em) => {
        await em.query('DELETE FROM import_rows WHERE import_id = $1', [importId]);
        await em.query(
          `UPDATE imports SET status = 'failed', file_error = $2, counts = $3, progress_done = 0,
             progress_total = 0, version = version + 1, updated_at = now()
           WHERE id = $1 AND status = 'checking'`,
          [
            importId,
            JSON.stringify({ code: error.code, row: error.row ?? null, message: error.message }),
            JSON.stringify(ZERO_COUNTS),
          ],
        );
      });
      this.logger.log({ importId, code: error.code, row: error.row }, 'import file unreadable');
      return;
    }
    await this.db.query(
      `UPDATE imports SET status = 'checked', counts = $2, progress_done = $3, progress_total = $3,
         version = version + 1, updated_at = now()
       WHERE id = $1 AND status = 'checking'`,
      [importId, JSON.stringify(counts), counts.rows],
    );
  }

  /** A batch's rows into `import_rows`, and the progress. */
  private async write(importId: string, lines: CheckedLine[], done: number): Promise<void> {
    await this.db.query(
      `INSERT INTO import_rows (import_id, row, values, errors, duplicate_of, duplicate_row,
         duplicate_name, duplicate_reason)
       SELECT $1, t.row, t.values, t.errors, t.duplicate_of, t.duplicate_row, t.duplicate_name,
         t.duplicate_reason
       FROM jsonb_to_recordset($2::jsonb) AS t (row int, values jsonb, errors jsonb,
         duplicate_of uuid, duplicate_row int, duplicate_name text, duplicate_reason text)`,
      [importId, JSON.stringify(lines)],
    );
    await this.db.query(
      'UPDATE imports SET progress_done = $2, progress_total = $2 WHERE id = $1',
      [importId, done],
    );
  }

  /** A batch of rows checked, with the duplicates among the records and the earlier rows. */
  private async lines(
    record: ImportRecord,
    checker: RowChecker,
    organisations: Organisations,
    earlier: Map<string, { row: number; name: string }>,
    batch: SourceRow[],
  ): Promise<CheckedLine[]> {
    const checked: (CheckedRow & { row: number; keys: MatchKeys; name: string })[] = [];
    for (const source of batch) {
      const row = await checker.check(source.cells);
      const keys = row.errors ? [] : this.keysOf(record, row.values, organisations);
      checked.push({ ...row, row: source.row, keys, name: this.nameOf(record, row.values) });
    }
    const existing =
      record.kind === 'contact'
        ? await this.existing(checked.flatMap((c) => c.keys))
        : this.existingOrganisations(
            record,
            organisations,
            checked.flatMap((c) => c.keys),
          );
    return checked.map((c) => {
      const line: CheckedLine = {
        row: c.row,
        values: c.values,
        errors: c.errors as RowError[] | null,
        duplicate_of: null,
        duplicate_row: null,
        duplicate_name: null,
        duplicate_reason: null,
      };
      for (const [reason, key] of c.keys) {
        const found = existing.get(`${reason}\u0000${key}`);
        if (found) {
          Object.assign(line, {
            duplicate_of: found.id,
            duplicate_name: found.name,
            duplicate_reason: reason,
          });
          break;
        }
      }
      if (!line.duplicate_reason)
        for (const [reason, key] of c.keys) {
          const found = earlier.get(`${reason}\u0000${key}`);
          if (found) {
            Object.assign(line, {
              duplicate_row: found.row,
              duplicate_name: found.name,
              duplicate_reason: reason,
            });
            break;
          }
        }
      for (const [reason, key] of c.keys) {
        const id = `${reason}\u0000${key}`;
        if (!earlier.has(id)) earlier.set(id, { row: c.row, name: c.name });
      }
      return line;
    });
  }

  private nameOf(record: ImportRecord, values: Record<string, unknown>): string {
    return record.kind === 'contact' ? contactName(values) : String(values.name ?? '');
  }

  /**
   * A contact: its e-mail, its phone in E.164 (read in its country), its WeChat id, and its name
   * key at the organisation the row names (when that organisation exists, by its id; else by
   * its name, which only earlier rows can share). A company or partner: its normalised name.
   */
  private keysOf(
    record: ImportRecord,
    values: Record<string, unknown>,
    organisations: Organisations,
  ): MatchKeys {
    const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
    if (record.kind !== 'contact') {
      const name = text(values.name);
      return name ? [['name', organisationKey(name)]] : [];
    }
    const keys: MatchKeys = [];
    const email = text(values.email);
    if (email) keys.push(['email', email.toLowerCase()]);
    const phone = phoneE164(text(values.phone), text(values.country));
    if (phone) keys.push(['phone', phone]);
    const wechat = text(values.wechatId);
    if (wechat) keys.push(['wechatId', wechat]);
    const organisation = text(values.organisation);
    const names = newContactNames(values);
    const name = names && nameKey({ ...names, nativeName: text(values.nativeName) });
    if (organisation && name) {
      const known = organisations.find(organisation);
      keys.push(['name', `${name}\u0000${known?.id ?? organisationKey(organisation)}`]);
    }
    return keys;
  }

  /** The live companies or partners of the names (all of them are known to the job). */
  private existingOrganisations(
    record: ImportRecord,
    organisations: Organisations,
    keys: MatchKeys,
  ): Map<string, Existing> {
    const found = new Map<string, Existing>();
    for (const [reason, key] of keys) {
      const known = organisations.findOf(record.kind === 'company' ? 'company' : 'partner', key);
      if (known) found.set(`${reason}\u0000${key}`, { id: known.id, name: known.name, keys: [] });
    }
    return found;
  }

  /** The live contacts the keys find, one query per batch over the indexed keys. */
  private async existing(keys: MatchKeys): Promise<Map<string, Existing>> {
    const found = new Map<string, Existing>();
    const of = (reason: string) => [
      ...new Set(keys.filter(([r]) => r === reason).map(([, k]) => k)),
    ];
    const nameKeys = of('name').map((k) => k.split('\u0000'));
    const rows = (await this.db.query(
      `SELECT id, family_name, given_name, native_name, lower(email::text) AS email, phone_key,
         wechat_id, name_key, coalesce(company_id, partner_id) AS organisation_id
       FROM contacts
       WHERE deleted_at IS NULL AND (email = ANY($1::citext[]) OR phone_key = ANY($2::text[])
         OR wechat_id = ANY($3::text[])
         OR (name_key = ANY($4::text[])
             AND (company_id = ANY($5::uuid[]) OR partner_id = ANY($5::uuid[]))))
       ORDER BY created_at, id`,
      [
        of('email'),
        of('phone'),
        of('wechatId'),
        nameKeys.map(([name]) => name),
        nameKeys.map(([, org]) => org).filter((org) => /^[0-9a-f-]{36}$/.test(org)),
      ],
    )) as {
      id: string;
      family_name: string;
      given_name: string | null;
      native_name: string | null;
      email: string | null;
      phone_key: string | null;
      wechat_id: string | null;
      name_key: string | null;
      organisation_id: string | null;
    }[];
    for (const row of rows) {
      const existing: Existing = {
        id: row.id,
        name: contactName({
          familyName: row.family_name,
          givenName: row.given_name,
          nativeName: row.native_name,
        }),
        keys: [],
      };
      const keysOfRow: MatchKeys = [
        ['email', row.email ?? ''],
        ['phone', row.phone_key ?? ''],
        ['wechatId', row.wechat_id ?? ''],
        [
          'name',
          row.name_key && row.organisation_id ? `${row.name_key}\u0000${row.organisation_id}` : '',
        ],
      ];
      for (const [reason, key] of keysOfRow) {
        if (!key) continue;
        const id = `${reason}\u0000${key}`;
        if (!found.has(id)) found.set(id, existing);
      }
    }
    return found;
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEntry, AuditService, diff } from '../audit/audit.service';
import type { DuplicateDecision, ImportRecord, RowOutcome } from './imports.dto';
import { Jobs } from '../jobs/jobs.service';
import {
  Fields,
  fieldsOf,
  insertRecords,
  KindWriter,
  OrganisationNames,
  updateRecord,
  WRITERS,
} from './kinds';
import { KnownOrganisation, Organisations } from './organisations';
import { BATCH_ROWS, IMPORT_RUN, ImportJob } from './queues';
import { organisationKey } from './values';

interface RunRow {
  row: number;
  values: Fields;
  errors: unknown;
  duplicate_of: string | null;
  duplicate_row: number | null;
  decision: DuplicateDecision | null;
}

interface Outcome {
  row: number;
  outcome: RowOutcome;
  record_id: string | null;
  record_version: number | null;
  before: Fields | null;
}

interface Update {
  row: RunRow;
  values: Fields;
  organisation?: KnownOrganisation;
}

/** A batch ready to be written: what needs no database decided beforehand. */
interface Prepared {
  rows: RunRow[];
  outcomes: Outcome[];
  events: AuditEntry[];
  created: Fields[];
  updates: Update[];
  organisations: Record<'company' | 'partner', Fields[]>;
  organisationRows: { name_key: string; entity: string; record_id: string }[];
}

/** An audit event of the import: by its user, carrying its id. */
const eventOf =
  (record: ImportRecord) =>
  (action: string, entity: string, id: string, changes: Fields): AuditEntry => ({
    actorId: record.created_by,
    action,
    entity,
    entityId: id,
    changes: { importId: record.id, ...changes },
  });

/** What a batch wrote, for the import's counts. */
type Tally = Record<'created' | 'updated' | 'skipped' | 'failed', number>;

/**
 * The import itself (`import-run`): the checked rows in batches of 1,000, each batch one
 * transaction with its records, their audit events (each carrying the import's id), the rows'
 * outcomes and the import's counts and progress, so a retried or restarted job goes on with the
 * first row without an outcome and no row is imported twice. A cancel is seen between batches.
 */
@Injectable()
export class ImportRun {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    jobs: Jobs,
  ) {
    jobs.define<ImportJob>({
      name: IMPORT_RUN,
      run: (data) => this.run(data.importId),
      watched: true,
      retryLimit: 3,
      expireInSeconds: 3600,
    });
  }

  async run(importId: string): Promise<void> {
    const [record] = (await this.db.query('SELECT * FROM imports WHERE id = $1', [
      importId,
    ])) as ImportRecord[];
    if (!record || record.status !== 'running') return;
    const organisations = await Organisations.load(this.db.manager);
    let batch = this.prepare(record, await this.rowsAfter(importId, 0), organisations);
    for (;;) {
      const current = batch;
      const applying = this.db.transaction((em) => this.apply(em, record, current));
      // While PostgreSQL writes this batch, the next one is read and prepared.
      const last = current.rows[current.rows.length - 1]?.row;
      const next =
        last === undefined
          ? undefined
          : this.rowsAfter(importId, last).then((rows) =>
              this.prepare(record, rows, organisations),
            );
      next?.catch(() => undefined);
      if (!(await applying)) return;
      batch = await next!;
    }
  }

  /** The next rows to import, from the file's order on. */
  private async rowsAfter(importId: string, row: number): Promise<RunRow[]> {
    return (await this.db.query(
      `SELECT row, values, errors, duplicate_of, duplicate_row, decision FROM import_rows
       WHERE import_id = $1 AND outcome IS NULL AND row > $2 ORDER BY row LIMIT $3`,
      [importId, row, BATCH_ROWS],
    )) as RunRow[];
  }

  /**
   * One batch in one transaction: the import's state first (a cancel, or the end when no rows
   * are left); false when the import is over (done, cancelled, gone).
   */
  private async apply(em: EntityManager, record: ImportRecord, batch: Prepared): Promise<boolean> {
    const [now] = (await em.query(
      'SELECT status, cancel_requested FROM imports WHERE id = $1 FOR UPDATE',
      [record.id],
    )) as Pick<ImportRecord, 'status' | 'cancel_requested'>[];
    if (!now || now.status !== 'running') return false;
    const end = async (status: 'done' | 'cancelled') => {
      await em.query(
        `UPDATE imports SET status = $2, finished_at = now(), cancel_requested = false,
           version = version + 1, updated_at = now() WHERE id = $1`,
        [record.id, status],
      );
      return false;
    };
    if (now.cancel_requested) return end('cancelled');
    if (batch.rows.length === 0) return end('done');
    // Rows a crashed attempt wrote are not written again (the batch was read outside).
    const [{ pending }] = (await em.query(
      `SELECT count(*)::int AS pending FROM import_rows
       WHERE import_id = $1 AND row = ANY($2::int[]) AND outcome IS NULL`,
      [record.id, batch.rows.map((r) => r.row)],
    )) as { pending: number }[];
    if (pending !== batch.rows.length)
      throw new Error(`import ${record.id}: rows of the batch were written meanwhile`);
    const writer = WRITERS[record.kind];
    for (const [entity, records] of Object.entries(batch.organisations))
      await insertRecords(em, WRITERS[entity as 'company' | 'partner'].table, records);
    if (batch.organisationRows.length)
      await em.query(
        `INSERT INTO import_organisations (import_id, name_key, entity, record_id)
         SELECT $1, t.name_key, t.entity, t.record_id
         FROM jsonb_to_recordset($2::jsonb) AS t (name_key text, entity text, record_id uuid)`,
        [record.id, JSON.stringify(batch.organisationRows)],
      );
    await insertRecords(em, writer.table, batch.created);
    const outcomes = [...batch.outcomes];
    const events = [...batch.events];
    if (batch.updates.length)
      outcomes.push(...(await this.update(em, record, writer, batch.updates, events)));
    await this.audit.recordMany(em, events);
    const tally: Tally = { created: 0, updated: 0, skipped: 0, failed: 0 };
    for (const o of outcomes) tally[o.outcome]++;
    await em.query(
      `UPDATE import_rows r SET outcome = t.outcome, record_id = t.record_id,
         record_version = t.record_version, before = t.before
       FROM jsonb_to_recordset($2::jsonb)
         AS t (row int, outcome text, record_id uuid, record_version int, before jsonb)
       WHERE r.import_id = $1 AND r.row = t.row`,
      [record.id, JSON.stringify(outcomes)],
    );
    await em.query(
      `UPDATE imports SET counts = counts || jsonb_build_object(
           'created', (counts->>'created')::int + $2, 'updated', (counts->>'updated')::int + $3,
           'skipped', (counts->>'skipped')::int + $4, 'failed', (counts->>'failed')::int + $5),
         progress_done = progress_done + $6, updated_at = now()
       WHERE id = $1`,
      [record.id, tally.created, tally.updated, tally.skipped, tally.failed, batch.rows.length],
    );
    return true;
  }

  /**
   * What a batch's rows become, decided without the database: errors fail; a duplicate follows
   * its decision, else the import's option (skip, update the record it duplicates, create
   * anyway); a row repeating an earlier row of the file is created only when so decided, else
   * skipped (the earlier row is the one imported). The new records with their keys and audit
   * events, and the organisations rows name that match none, once per name and import (a
   * partner in the country of the first row naming it, else Germany).
   */
  private prepare(record: ImportRecord, rows: RunRow[], organisations: Organisations): Prepared {
    const writer = WRITERS[record.kind];
    const event = eventOf(record);
    const batch: Prepared = {
      rows,
      outcomes: [],
      events: [],
      created: [],
      updates: [],
      organisations: { company: [], partner: [] },
      organisationRows: [],
    };
    const organisationOf = (values: Fields): KnownOrganisation | undefined => {
      const name = typeof values.organisation === 'string' ? values.organisation : undefined;
      if (record.kind !== 'contact' || !name) return undefined;
      const known = organisations.find(name);
      if (known) return known;
      const entity = record.options.newOrganisations;
      const created: KnownOrganisation = { entity, id: randomUUID(), name, other: null };
      organisations.add(created);
      const orgWriter = WRITERS[entity];
      const fields = orgWriter.created(
        { name, ...(entity === 'partner' && { country: values.country ?? 'DE' }) },
        record.created_by,
      );
      batch.events.push(
        event('create', orgWriter.entity, created.id, diff({}, fields, orgWriter.audited)),
      );
      batch.organisations[entity].push({
        id: created.id,
        ...fields,
        ...orgWriter.keys(fields, []),
      });
      batch.organisationRows.push({
        name_key: organisationKey(name),
        entity,
        record_id: created.id,
      });
      return created;
    };
    const outcome = (row: RunRow, result: RowOutcome) =>
      batch.outcomes.push({
        row: row.row,
        outcome: result,
        record_id: null,
        record_version: null,
        before: null,
      });
    for (const row of rows) {
      if (row.errors) {
        outcome(row, 'failed');
        continue;
      }
      const decision = row.decision ?? record.options.duplicates;
      const duplicate = row.duplicate_of !== null || row.duplicate_row !== null;
      if (duplicate && decision === 'update' && row.duplicate_of) {
        batch.updates.push({ row, values: row.values, organisation: organisationOf(row.values) });
        continue;
      }
      if (duplicate && decision !== 'create') {
        outcome(row, 'skipped');
        continue;
      }
      const organisation = organisationOf(row.values);
      const fields = writer.created(
        {
          ...row.values,
          ...(organisation && {
            companyId: organisation.entity === 'company' ? organisation.id : null,
            partnerId: organisation.entity === 'partner' ? organisation.id : null,
          }),
        },
        record.created_by,
      );
      const id = randomUUID();
      const names: OrganisationNames = organisation ? [organisation.name, organisation.other] : [];
      batch.created.push({ id, ...fields, ...writer.keys(fields, names) });
      batch.events.push(event('create', writer.entity, id, diff({}, fields, writer.audited)));
      batch.outcomes.push({
        row: row.row,
        outcome: 'created',
        record_id: id,
        record_version: 1,
        before: null,
      });
    }
    return batch;
  }

  /**
   * Updates of the records rows duplicate: only the fields a row fills, the values they had kept
   * for undo, the version bumped, the search and match keys made again, an audit event each.
   */
  private async update(
    em: EntityManager,
    record: ImportRecord,
    writer: KindWriter,
    updates: Update[],
    events: AuditEntry[],
  ): Promise<Outcome[]> {
    const event = eventOf(record);
    const ids = [...new Set(updates.map((u) => u.row.duplicate_of!))];
    const organisationNames =
      writer.entity === 'contact'
        ? `, (SELECT ARRAY[o.name, o.legal_name] FROM companies o WHERE o.id = t.company_id) AS company_names,
             (SELECT ARRAY[o.name, o.native_name] FROM partners o WHERE o.id = t.partner_id) AS partner_names`
        : '';
    const current = new Map(
      (
        (await em.query(
          `SELECT t.* ${organisationNames} FROM ${writer.table} t
           WHERE t.id = ANY($1::uuid[]) AND t.deleted_at IS NULL FOR UPDATE OF t`,
          [ids],
        )) as Record<string, unknown>[]
      ).map((row) => [row.id as string, fieldsOf(row)]),
    );
    const done = new Set(
      (
        (await em.query(
          `SELECT record_id FROM import_rows
           WHERE import_id = $1 AND outcome = 'updated' AND record_id = ANY($2::uuid[])`,
          [record.id, ids],
        )) as { record_id: string }[]
      ).map((r) => r.record_id),
    );
    const outcomes: Outcome[] = [];
    for (const { row, values, organisation } of updates) {
      const id = row.duplicate_of!;
      const before = current.get(id);
      const fill = writer.filled({
        ...values,
        ...(organisation && {
          companyId: organisation.entity === 'company' ? organisation.id : null,
          partnerId: organisation.entity === 'partner' ? organisation.id : null,
        }),
      });
      const changes = before ? diff(before, fill, writer.audited) : {};
      if (!before || done.has(id) || Object.keys(changes).length === 0) {
        outcomes.push({
          row: row.row,
          outcome: 'skipped',
          record_id: null,
          record_version: null,
          before: null,
        });
        continue;
      }
      const changed = Object.fromEntries(Object.keys(changes).map((f) => [f, fill[f]]));
      const next = { ...before, ...changed };
      const names: OrganisationNames = organisation
        ? [organisation.name, organisation.other]
        : ((next.companyNames ?? next.partnerNames ?? []) as OrganisationNames);
      const version = await updateRecord(em, writer.table, id, {
        ...changed,
        ...writer.keys(next, names),
      });
      done.add(id);
      events.push(event('update', writer.entity, id, changes));
      outcomes.push({
        row: row.row,
        outcome: 'updated',
        record_id: id,
        record_version: version,
        before: Object.fromEntries(Object.keys(changed).map((f) => [f, before[f] ?? null])),
      });
    }
    return outcomes;
  }
}

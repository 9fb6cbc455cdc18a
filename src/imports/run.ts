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
      retryLimit: 3,
      expireInSeconds: 3600,
    });
  }

  async run(importId: string): Promise<void> {
    const organisations = await Organisations.load(this.db.manager);
    while (await this.db.transaction((em) => this.batch(em, importId, organisations))) {
      /* the next batch */
    }
  }

  /** One batch in one transaction; false when the import is over (done, cancelled, gone). */
  private async batch(
    em: EntityManager,
    importId: string,
    organisations: Organisations,
  ): Promise<boolean> {
    const [record] = (await em.query('SELECT * FROM imports WHERE id = $1 FOR UPDATE', [
      importId,
    ])) as ImportRecord[];
    if (!record || record.status !== 'running') return false;
    const end = async (status: 'done' | 'cancelled') => {
      await em.query(
        `UPDATE imports SET status = $2, finished_at = now(), cancel_requested = false,
           version = version + 1, updated_at = now() WHERE id = $1`,
        [importId, status],
      );
      return false;
    };
    if (record.cancel_requested) return end('cancelled');
    const rows = (await em.query(
      `SELECT row, values, errors, duplicate_of, duplicate_row, decision FROM import_rows
       WHERE import_id = $1 AND outcome IS NULL ORDER BY row LIMIT $2`,
      [importId, BATCH_ROWS],
    )) as RunRow[];
    if (rows.length === 0) return end('done');
    const outcomes = await this.write(em, record, rows, organisations);
    const tally: Tally = { created: 0, updated: 0, skipped: 0, failed: 0 };
    for (const o of outcomes) tally[o.outcome]++;
    await em.query(
      `UPDATE import_rows r SET outcome = t.outcome, record_id = t.record_id,
         record_version = t.record_version, before = t.before
       FROM jsonb_to_recordset($2::jsonb)
         AS t (row int, outcome text, record_id uuid, record_version int, before jsonb)
       WHERE r.import_id = $1 AND r.row = t.row`,
      [importId, JSON.stringify(outcomes)],
    );
    await em.query(
      `UPDATE imports SET counts = counts || jsonb_build_object(
           'created', (counts->>'created')::int + $2, 'updated', (counts->>'updated')::int + $3,
           'skipped', (counts->>'skipped')::int + $4, 'failed', (counts->>'failed')::int + $5),
         progress_done = progress_done + $6, updated_at = now()
       WHERE id = $1`,
      [importId, tally.created, tally.updated, tally.skipped, tally.failed, rows.length],
    );
    return true;
  }

  /**
   * A batch's rows written: errors fail; a duplicate follows its decision, else the import's
   * option (skip, update the record it duplicates, create anyway); a row repeating an earlier
   * row of the file is created only when so decided, else skipped (the earlier row is the one
   * imported). A record is updated once per import: a later row on it is skipped.
   */
  private async write(
    em: EntityManager,
    record: ImportRecord,
    rows: RunRow[],
    organisations: Organisations,
  ): Promise<Outcome[]> {
    const writer = WRITERS[record.kind];
    const events: AuditEntry[] = [];
    const event = (action: string, entity: string, id: string, changes: Fields) =>
      events.push({
        actorId: record.created_by,
        action,
        entity,
        entityId: id,
        changes: { importId: record.id, ...changes },
      });
    const outcomes: Outcome[] = [];
    const creates: { row: RunRow; values: Fields; organisation?: KnownOrganisation }[] = [];
    const updates: { row: RunRow; values: Fields; organisation?: KnownOrganisation }[] = [];
    const newOrganisations: KnownOrganisation[] = [];
    const organisationOf = (values: Fields): KnownOrganisation | undefined => {
      const name = typeof values.organisation === 'string' ? values.organisation : undefined;
      if (record.kind !== 'contact' || !name) return undefined;
      const known = organisations.find(name);
      if (known) return known;
      const entity = record.options.newOrganisations;
      const created: KnownOrganisation = { entity, id: randomUUID(), name, other: null };
      organisations.add(created);
      newOrganisations.push(created);
      return created;
    };
    for (const row of rows) {
      const skip = () =>
        outcomes.push({
          row: row.row,
          outcome: 'skipped',
          record_id: null,
          record_version: null,
          before: null,
        });
      if (row.errors) {
        outcomes.push({
          row: row.row,
          outcome: 'failed',
          record_id: null,
          record_version: null,
          before: null,
        });
        continue;
      }
      const decision = row.decision ?? record.options.duplicates;
      const duplicate = row.duplicate_of !== null || row.duplicate_row !== null;
      if (!duplicate || decision === 'create')
        creates.push({ row, values: row.values, organisation: organisationOf(row.values) });
      else if (decision === 'update' && row.duplicate_of)
        updates.push({ row, values: row.values, organisation: organisationOf(row.values) });
      else skip();
    }
    await this.createOrganisations(em, record, newOrganisations, creates, event);

    const organisationFields = (organisation?: KnownOrganisation): Fields =>
      organisation
        ? {
            companyId: organisation.entity === 'company' ? organisation.id : null,
            partnerId: organisation.entity === 'partner' ? organisation.id : null,
          }
        : {};
    const namesOf = (organisation?: KnownOrganisation): OrganisationNames =>
      organisation ? [organisation.name, organisation.other] : [];

    const created: Fields[] = [];
    for (const { row, values, organisation } of creates) {
      const fields = writer.created(
        { ...values, ...organisationFields(organisation) },
        record.created_by,
      );
      const id = randomUUID();
      created.push({ id, ...fields, ...writer.keys(fields, namesOf(organisation)) });
      event('create', writer.entity, id, diff({}, fields, writer.audited));
      outcomes.push({
        row: row.row,
        outcome: 'created',
        record_id: id,
        record_version: 1,
        before: null,
      });
    }
    await insertRecords(em, writer.table, created);

    if (updates.length) outcomes.push(...(await this.update(em, record, writer, updates, event)));
    await this.audit.recordMany(em, events);
    return outcomes.sort((a, b) => a.row - b.row);
  }

  /** The organisations contact rows named that match none, created once per name and import. */
  private async createOrganisations(
    em: EntityManager,
    record: ImportRecord,
    organisations: KnownOrganisation[],
    creates: { values: Fields }[],
    event: (action: string, entity: string, id: string, changes: Fields) => void,
  ): Promise<void> {
    if (organisations.length === 0) return;
    for (const entity of ['company', 'partner'] as const) {
      const writer = WRITERS[entity];
      const records = organisations
        .filter((o) => o.entity === entity)
        .map((o) => {
          // A partner needs a country: the first row naming it gives it, else Germany.
          const country = creates.find(
            (c) =>
              typeof c.values.organisation === 'string' &&
              organisationKey(c.values.organisation) === organisationKey(o.name),
          )?.values.country;
          const fields = writer.created(
            { name: o.name, ...(entity === 'partner' && { country: country ?? 'DE' }) },
            record.created_by,
          );
          event('create', writer.entity, o.id, diff({}, fields, writer.audited));
          return { id: o.id, ...fields, ...writer.keys(fields, []) };
        });
      await insertRecords(em, writer.table, records);
    }
    await em.query(
      `INSERT INTO import_organisations (import_id, name_key, entity, record_id)
       SELECT $1, t.name_key, t.entity, t.record_id
       FROM jsonb_to_recordset($2::jsonb) AS t (name_key text, entity text, record_id uuid)`,
      [
        record.id,
        JSON.stringify(
          organisations.map((o) => ({
            name_key: organisationKey(o.name),
            entity: o.entity,
            record_id: o.id,
          })),
        ),
      ],
    );
  }

  /**
   * Updates of the records rows duplicate: only the fields a row fills, the values they had kept
   * for undo, the version bumped, the search and match keys made again, an audit event each.
   */
  private async update(
    em: EntityManager,
    record: ImportRecord,
    writer: KindWriter,
    updates: { row: RunRow; values: Fields; organisation?: KnownOrganisation }[],
    event: (action: string, entity: string, id: string, changes: Fields) => void,
  ): Promise<Outcome[]> {
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
      event('update', writer.entity, id, changes);
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

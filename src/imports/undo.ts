import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEntry, AuditService, diff } from '../audit/audit.service';
import { Jobs } from '../jobs/jobs.service';
import type { ImportRecord } from './imports.dto';
import {
  Fields,
  fieldsOf,
  KindWriter,
  linkedIds,
  OrganisationNames,
  updateRecord,
  WRITERS,
} from './kinds';
import { BATCH_ROWS, IMPORT_UNDO, ImportJob } from './queues';

/** Why a record was kept by an undo: something links to it now, or it changed since. */
type Kept = 'linked' | 'changed';

/** What a record held when it was removed, for the audit trail (as a create's, reversed). */
const removed = (record: Fields, audited: readonly string[]): Fields =>
  Object.fromEntries(
    audited
      .filter((f) => record[f] !== null && record[f] !== undefined)
      .map((f) => [f, { before: record[f], after: null }]),
  );

interface UndoRow {
  row: number;
  outcome: 'created' | 'updated';
  record_id: string;
  record_version: number;
  before: Fields | null;
}

/**
 * The undo of an import (`import-undo`), in batches of 1,000 rows, each one transaction: the
 * records it created are deleted (hard: they were never anyone else's), the records it updated
 * get back the values they had, then the organisations it created go. A record is kept, and
 * its row says why, when something links to it now (a lead, an interaction, a contact at the
 * organisation, a merge: `linked`) or it was changed since the import (`changed`): deleting it
 * or putting old values back would lose someone's work. Every change is audited with the
 * import's id.
 */
@Injectable()
export class ImportUndo {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    jobs: Jobs,
  ) {
    jobs.define<ImportJob>({
      name: IMPORT_UNDO,
      run: (data) => this.undo(data.importId),
      watched: true,
      retryLimit: 3,
      expireInSeconds: 3600,
    });
  }

  async undo(importId: string): Promise<void> {
    while (await this.db.transaction((em) => this.batch(em, importId))) {
      /* the next batch */
    }
  }

  private async batch(em: EntityManager, importId: string): Promise<boolean> {
    const [record] = (await em.query('SELECT * FROM imports WHERE id = $1 FOR UPDATE', [
      importId,
    ])) as ImportRecord[];
    if (!record || record.status !== 'undoing') return false;
    const events: AuditEntry[] = [];
    const event = (action: string, entity: string, id: string, changes: Fields) =>
      events.push({
        actorId: record.created_by,
        action,
        entity,
        entityId: id,
        changes: { importId, undo: true, ...changes },
      });
    const rows = (await em.query(
      `SELECT row, outcome, record_id, record_version, before FROM import_rows
       WHERE import_id = $1 AND outcome IN ('created', 'updated') AND undo IS NULL
       ORDER BY row LIMIT $2`,
      [importId, BATCH_ROWS],
    )) as UndoRow[];
    let results: { row: number; undo: 'undone' | Kept }[];
    if (rows.length) {
      results = await this.records(em, importId, WRITERS[record.kind], rows, event);
      await em.query(
        `UPDATE import_rows r SET undo = t.undo FROM jsonb_to_recordset($2::jsonb) AS t (row int, undo text)
         WHERE r.import_id = $1 AND r.row = t.row`,
        [importId, JSON.stringify(results)],
      );
    } else {
      results = await this.organisations(em, importId, event);
    }
    await this.audit.recordMany(em, events);
    const undone = results.filter((r) => r.undo === 'undone').length;
    await em.query(
      `UPDATE imports SET counts = counts || jsonb_build_object(
           'undone', (counts->>'undone')::int + $2, 'kept', (counts->>'kept')::int + $3),
         updated_at = now()
       WHERE id = $1`,
      [importId, undone, results.length - undone],
    );
    if (rows.length || results.length) return true;
    await em.query(
      `UPDATE imports SET status = 'undone', undone_at = now(), version = version + 1,
         updated_at = now() WHERE id = $1`,
      [importId],
    );
    return false;
  }

  /** A batch of the rows' records: created ones deleted, updated ones restored, or kept. */
  private async records(
    em: EntityManager,
    importId: string,
    writer: KindWriter,
    rows: UndoRow[],
    event: (action: string, entity: string, id: string, changes: Fields) => void,
  ): Promise<{ row: number; undo: 'undone' | Kept }[]> {
    const ids = rows.map((r) => r.record_id);
    const current = new Map(
      (
        (await em.query(`SELECT * FROM ${writer.table} WHERE id = ANY($1::uuid[]) FOR UPDATE`, [
          ids,
        ])) as Record<string, unknown>[]
      ).map((row) => [row.id as string, fieldsOf(row)]),
    );
    const linked = await linkedIds(
      em,
      writer.table,
      rows.filter((r) => r.outcome === 'created').map((r) => r.record_id),
    );
    const results: { row: number; undo: 'undone' | Kept }[] = [];
    const deleted: string[] = [];
    for (const row of rows) {
      const now = current.get(row.record_id);
      if (!now) {
        // Purged meanwhile: what the undo would do is done.
        results.push({ row: row.row, undo: 'undone' });
        continue;
      }
      if (now.version !== row.record_version || (row.outcome === 'updated' && now.deletedAt)) {
        results.push({ row: row.row, undo: 'changed' });
        continue;
      }
      if (row.outcome === 'created') {
        if (linked.has(row.record_id)) {
          results.push({ row: row.row, undo: 'linked' });
          continue;
        }
        deleted.push(row.record_id);
        event('purge', writer.entity, row.record_id, removed(now, writer.audited));
        results.push({ row: row.row, undo: 'undone' });
        continue;
      }
      const before = row.before ?? {};
      const next = { ...now, ...before };
      const version = await updateRecord(em, writer.table, row.record_id, {
        ...before,
        ...writer.keys(next, await this.organisationNames(em, next)),
      });
      // The record holds again what it held before this import's update (its version then was
      // one less): an earlier import that left it so still finds it unchanged.
      await em.query(
        `UPDATE import_rows SET record_version = $3
         WHERE record_id = $1 AND record_version = $2 AND undo IS NULL AND import_id <> $4`,
        [row.record_id, row.record_version - 1, version, importId],
      );
      event('update', writer.entity, row.record_id, diff(now, before, writer.audited));
      results.push({ row: row.row, undo: 'undone' });
    }
    if (deleted.length)
      await em.query(`DELETE FROM ${writer.table} WHERE id = ANY($1::uuid[])`, [deleted]);
    return results;
  }

  /** The names a contact's search key holds of its organisation. */
  private async organisationNames(em: EntityManager, record: Fields): Promise<OrganisationNames> {
    if (record.companyId) {
      const [row] = (await em.query('SELECT name, legal_name FROM companies WHERE id = $1', [
        record.companyId,
      ])) as { name: string; legal_name: string | null }[];
      return row ? [row.name, row.legal_name] : [];
    }
    if (record.partnerId) {
      const [row] = (await em.query('SELECT name, native_name FROM partners WHERE id = $1', [
        record.partnerId,
      ])) as { name: string; native_name: string | null }[];
      return row ? [row.name, row.native_name] : [];
    }
    return [];
  }

  /** The organisations the import created, deleted unless something links to them or they changed. */
  private async organisations(
    em: EntityManager,
    importId: string,
    event: (action: string, entity: string, id: string, changes: Fields) => void,
  ): Promise<{ row: number; undo: 'undone' | Kept }[]> {
    const rows = (await em.query(
      `SELECT name_key, entity, record_id FROM import_organisations
       WHERE import_id = $1 AND undo IS NULL LIMIT $2`,
      [importId, BATCH_ROWS],
    )) as { name_key: string; entity: 'company' | 'partner'; record_id: string }[];
    const results: { name_key: string; undo: 'undone' | Kept }[] = [];
    for (const entity of ['company', 'partner'] as const) {
      const writer = WRITERS[entity];
      const own = rows.filter((r) => r.entity === entity);
      if (!own.length) continue;
      const ids = own.map((r) => r.record_id);
      const current = new Map(
        (
          (await em.query(`SELECT * FROM ${writer.table} WHERE id = ANY($1::uuid[]) FOR UPDATE`, [
            ids,
          ])) as Record<string, unknown>[]
        ).map((row) => [row.id as string, fieldsOf(row)]),
      );
      const linked = await linkedIds(em, writer.table, ids);
      const deleted: string[] = [];
      for (const row of own) {
        const now = current.get(row.record_id);
        const undo: 'undone' | Kept = !now
          ? 'undone'
          : now.version !== 1
            ? 'changed'
            : linked.has(row.record_id)
              ? 'linked'
              : 'undone';
        if (now && undo === 'undone') {
          deleted.push(row.record_id);
          event('purge', writer.entity, row.record_id, removed(now, writer.audited));
        }
        results.push({ name_key: row.name_key, undo });
      }
      if (deleted.length)
        await em.query(`DELETE FROM ${writer.table} WHERE id = ANY($1::uuid[])`, [deleted]);
    }
    if (results.length)
      await em.query(
        `UPDATE import_organisations o SET undo = t.undo
         FROM jsonb_to_recordset($2::jsonb) AS t (name_key text, undo text)
         WHERE o.import_id = $1 AND o.name_key = t.name_key`,
        [importId, JSON.stringify(results)],
      );
    return results.map((r) => ({ row: 0, undo: r.undo }));
  }
}

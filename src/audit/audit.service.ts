import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Page, PageQuery, Paginator } from '../common/pagination';
import { currentRequestId } from '../common/request-context';
import { isDay } from '../common/day';
import { HOME_TIME_ZONE } from '../trips/time';
import { AuditEvent } from './audit-event.entity';
import type { AuditFilter } from './audit.dto';

/** What changed in one field. */
export interface FieldChange {
  before: unknown;
  after: unknown;
}

export interface AuditEntry {
  actorId: string | null;
  action: string;
  /** The record kind, singular lower camelCase: `user`, `lead`, `followUp`. */
  entity: string;
  entityId: string | null;
  changes?: Record<string, unknown>;
}

const comparable = (value: unknown): string =>
  JSON.stringify(value instanceof Date ? value.toISOString() : (value ?? null));

/** Before/after of the fields that differ, for the audit trail. Secrets are never passed in. */
export function diff<T extends object>(
  before: Partial<T>,
  after: Partial<T>,
  fields: readonly (keyof T & string)[],
): Record<string, FieldChange> {
  const out: Record<string, FieldChange> = {};
  for (const field of fields) {
    if (!(field in after)) continue;
    if (comparable(before[field]) !== comparable(after[field])) {
      out[field] = { before: before[field] ?? null, after: after[field] ?? null };
    }
  }
  return out;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly paginator: Paginator,
  ) {}

  /** Written with the caller's EntityManager, so it commits or rolls back with the change. */
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO audit_events (actor_id, action, entity, entity_id, changes, request_id)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        entry.actorId,
        entry.action,
        entry.entity,
        entry.entityId,
        JSON.stringify(entry.changes ?? {}),
        currentRequestId() ?? null,
      ],
    );
  }

  /** Many events in one statement (an import's batch), in the caller's transaction. */
  async recordMany(manager: EntityManager, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query(
      `INSERT INTO audit_events (actor_id, action, entity, entity_id, changes, request_id)
       SELECT e.actor_id, e.action, e.entity, e.entity_id, e.changes, $2
       FROM jsonb_to_recordset($1::jsonb)
         AS e (actor_id uuid, action text, entity text, entity_id uuid, changes jsonb)`,
      [
        JSON.stringify(
          entries.map((entry) => ({
            actor_id: entry.actorId,
            action: entry.action,
            entity: entry.entity,
            entity_id: entry.entityId,
            changes: entry.changes ?? {},
          })),
        ),
        currentRequestId() ?? null,
      ],
    );
  }

  /** The events the filters match, newest first (or `?sort=at`), keyset paginated. */
  async list(filter: AuditFilter, page: PageQuery): Promise<Page<AuditEvent>> {
    const qb = this.events.createQueryBuilder('e');
    if (filter.entity) qb.andWhere('e.entity = :entity', { entity: filter.entity });
    if (filter.entityId) qb.andWhere('e.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    // A day is a day in Berlin: `from` its start, `to` its end (the next day's start, excluded).
    if (filter.from)
      qb.andWhere(
        isDay(filter.from)
          ? `e.at >= (CAST(:from AS date)::timestamp AT TIME ZONE '${HOME_TIME_ZONE}')`
          : 'e.at >= CAST(:from AS timestamptz)',
        { from: filter.from },
      );
    if (filter.to)
      qb.andWhere(
        isDay(filter.to)
          ? `e.at < ((CAST(:to AS date) + 1)::timestamp AT TIME ZONE '${HOME_TIME_ZONE}')`
          : 'e.at < CAST(:to AS timestamptz)',
        { to: filter.to },
      );
    return this.paginator.page(qb, page, {
      sorts: { at: { sql: 'e.at', type: 'timestamptz', value: (e) => e.at } },
      defaultSort: '-at',
      idColumn: 'e.id',
    });
  }
}

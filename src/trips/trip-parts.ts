import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { NotFound } from '../common/errors';
import { Paginator } from '../common/pagination';
import { auditCreated, NestedRecordService, SoftDeletable } from '../common/records';
import { onSeenTrip } from './scope';
import { TripsService } from './trips.service';

/**
 * The opening of the services of what is kept on a trip (delegates, appointments): the trip's
 * service beside the shared ones, and `get`, which answers only under a trip the caller sees.
 */
@Injectable()
export abstract class TripPartService<
  T extends ObjectLiteral,
  R extends SoftDeletable,
> extends NestedRecordService<T, R> {
  constructor(
    @InjectDataSource() db: DataSource,
    paginator: Paginator,
    audit: AuditService,
    protected readonly trips: TripsService,
  ) {
    super(db, paginator, audit);
  }

  /** The live record of a trip the caller sees, as `shown` makes it; NotFound else. */
  async get(actor: Actor, tripId: string, id: string, manager?: EntityManager): Promise<R> {
    await this.trips.get(actor, tripId, manager);
    const record = await this.find(actor, tripId, id, manager);
    if (!record) throw new NotFound(this.spec.noun ?? this.spec.kind, id);
    return this.shown(actor, tripId, record, manager ?? this.db.manager);
  }

  /**
   * Reads records of this kind under a trip with the trip's rule in the same statement
   * (`onSeenTrip`): what `read` finds of `qb`, when the caller sees the trip; NotFound else. Only
   * an empty answer reads the trip itself.
   */
  protected async underSeenTrip<X>(
    actor: Actor,
    tripId: string,
    qb: SelectQueryBuilder<T>,
    read: (qb: SelectQueryBuilder<T>) => Promise<X>,
    empty: (answer: X) => boolean,
  ): Promise<X> {
    const seen = onSeenTrip(actor, tripId);
    const answer = await read(qb.andWhere(seen.sql, seen.params));
    if (empty(answer)) await this.trips.get(actor, tripId);
    return answer;
  }

  /** The tail of a create: the new record, read back through `get`, audited whole with its trip. */
  protected async created(
    em: EntityManager,
    actor: Actor,
    tripId: string,
    id: string,
    audited: readonly (keyof R & string)[],
  ): Promise<R> {
    const record = await this.get(actor, tripId, id, em);
    return auditCreated(em, this.audit, actor, this.spec, record, audited, {
      tripId: { before: null, after: tripId },
    });
  }

  /** What the service answers of a record it read: what the caller may see of it. */
  protected abstract shown(
    actor: Actor,
    tripId: string,
    record: T,
    manager: EntityManager,
  ): Promise<R>;
}

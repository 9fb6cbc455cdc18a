import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { BadInput, FieldError, fieldError } from '../common/errors';
import { Page } from '../common/pagination';
import { NestedSpec } from '../common/records';
import { TripPartService } from './trip-parts';
import { CostLine, costReport, CostReport } from './costs';
import { Participant } from './participant.entity';
import {
  CreateParticipantDto,
  ParticipantListQuery,
  UpdateParticipantDto,
} from './participants.dto';
import { deadLinks } from '../common/references';
import { delegateCostScope, shownDelegate } from './scope';
import { transaction } from '../common/transaction';

const AUDITED = [
  'name',
  'function',
  'companyId',
  'userId',
  'costBearer',
  'estimatedCostEur',
  'deletedAt',
] as const;

/** The delegates of one trip; the caller's access to the trip is checked by trips.get first. */
const PARTICIPANT: NestedSpec<Participant> = {
  entity: Participant,
  table: 'participants',
  kind: 'participant',
  alias: 'p',
  parentColumn: 'trip_id',
};

@Injectable()
export class ParticipantsService extends TripPartService<Participant, Participant> {
  protected readonly spec = PARTICIPANT;

  async list(
    actor: Actor,
    tripId: string,
    query: ParticipantListQuery,
  ): Promise<Page<Participant>> {
    const page = await this.underSeenTrip(
      actor,
      tripId,
      this.scoped(actor, tripId),
      (qb) =>
        this.paginator.page(qb, query, {
          sorts: {
            createdAt: { sql: 'p.created_at', type: 'timestamptz', value: (p) => p.createdAt },
          },
          defaultSort: 'createdAt',
          idColumn: 'p.id',
        }),
      (found) => found.items.length === 0,
    );
    return { items: page.items.map((p) => shownDelegate(actor, p)), nextCursor: page.nextCursor };
  }

  protected shown(actor: Actor, _tripId: string, participant: Participant): Promise<Participant> {
    return Promise.resolve(shownDelegate(actor, participant));
  }

  /** Company and login must exist, and a company user's login belongs to that company. */
  private async check(
    em: EntityManager,
    values: { companyId: string | null; userId: string | null },
  ): Promise<void> {
    const problems: FieldError[] = await deadLinks(em, [
      { field: 'companyId', table: 'companies', id: values.companyId },
      { field: 'userId', table: 'users', id: values.userId },
    ]);
    if (values.userId && !problems.some((p) => p.field === 'userId')) {
      const [user] = (await em.query('SELECT company_id FROM users WHERE id = $1', [
        values.userId,
      ])) as { company_id: string | null }[];
      if (user.company_id !== null && user.company_id !== values.companyId) {
        problems.push(
          fieldError(
            'userId',
            'sameCompany',
            "userId is a login of another company than the delegate's companyId",
          ),
        );
      }
    }
    if (problems.length) throw new BadInput(problems);
  }

  async create(actor: Actor, tripId: string, dto: CreateParticipantDto): Promise<Participant> {
    return transaction(this.db, async (em) => {
      await this.trips.get(actor, tripId, em);
      const values = {
        tripId,
        name: dto.name,
        function: dto.function ?? null,
        companyId: dto.companyId ?? null,
        userId: dto.userId ?? null,
        costBearer: dto.costBearer ?? 'self',
        estimatedCostEur: dto.estimatedCostEur ?? null,
      };
      await this.check(em, values);
      const { identifiers } = await em.insert(Participant, values);
      return this.created(em, actor, tripId, identifiers[0].id as string, AUDITED);
    });
  }

  async update(
    actor: Actor,
    tripId: string,
    id: string,
    version: number,
    dto: UpdateParticipantDto,
  ): Promise<Participant> {
    return this.edit(actor, tripId, id, version, async (before, em) => {
      await this.check(em, {
        companyId: dto.companyId !== undefined ? dto.companyId : before.companyId,
        userId: dto.userId !== undefined ? dto.userId : before.userId,
      });
      const values: Partial<Participant> = {};
      if (dto.name !== undefined) values.name = dto.name;
      if (dto.function !== undefined) values.function = dto.function;
      if (dto.companyId !== undefined) values.companyId = dto.companyId;
      if (dto.userId !== undefined) values.userId = dto.userId;
      if (dto.costBearer !== undefined) values.costBearer = dto.costBearer;
      if (dto.estimatedCostEur !== undefined) values.estimatedCostEur = dto.estimatedCostEur;
      return {
        values,
        scope: { sql: 'trip_id = :tripId AND deleted_at IS NULL', params: { tripId } },
        audited: AUDITED,
      };
    });
  }

  /**
   * Who pays for the trip. The agency sees every delegate; a company user only its own
   * company's delegates, and the totals over those (the condition is in the query).
   */
  async costs(actor: Actor, tripId: string): Promise<CostReport> {
    const qb = this.scoped(actor, tripId).orderBy('p.created_at').addOrderBy('p.id');
    const costs = delegateCostScope(actor, 'p');
    if (costs) qb.andWhere(costs.sql, costs.params);
    const participants = await this.underSeenTrip(
      actor,
      tripId,
      qb,
      (seen) => seen.getMany(),
      (found) => found.length === 0,
    );
    return costReport(
      participants.map((p): CostLine => ({
        participantId: p.id,
        name: p.name,
        function: p.function,
        companyId: p.companyId,
        costBearer: p.costBearer ?? 'self',
        estimatedCostEur: p.estimatedCostEur,
      })),
    );
  }
}

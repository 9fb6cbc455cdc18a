import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Actor } from '../auth/actor';
import { userIdOrMe } from '../common/dto';
import { BadInput, FieldError, fieldError, VersionConflict } from '../common/errors';
import { Page, Sorts } from '../common/pagination';
import { listScope, RecordService, ServiceSpec, Scope } from '../common/records';
import { deadLinks, Link } from '../common/references';
import { filtersOnInvisible, hideInvisibleIds, VisibleIds } from '../common/scope';
import { escapeLike } from '../common/search';
import { inTransaction } from '../common/transaction';
import { visibleAgreementIds } from '../agreements/scope';
import { visibleCompanyIds } from '../companies/scope';
import { visibleContactIds } from '../contacts/scope';
import { visibleInteractionIds } from '../interactions/scope';
import { visibleLeadIds } from '../leads/scope';
import { visiblePartnerIds } from '../partners/scope';
import { visibleTripIds } from '../trips/scope';
import { FOLLOW_UP_PRIORITIES, FollowUp } from './follow-up.entity';
import { followUpScope, followUpWriteScope } from './scope';
import {
  CreateFollowUpDto,
  FOLLOW_UP_DEFAULT_SORT,
  FollowUpListQuery,
  FollowUpSort,
  UpdateFollowUpDto,
} from './follow-ups.dto';

const AUDITED = [
  'title',
  'notes',
  'dueOn',
  'status',
  'priority',
  'assigneeId',
  'companyId',
  'contactId',
  'partnerId',
  'leadId',
  'interactionId',
  'agreementId',
  'tripId',
  'completedAt',
  'deletedAt',
] as const;

/** The records a follow-up links to: each must exist and not be deleted. */
const LINKS = [
  ['companyId', 'companies'],
  ['contactId', 'contacts'],
  ['partnerId', 'partners'],
  ['leadId', 'leads'],
  ['interactionId', 'interactions'],
  ['agreementId', 'agreements'],
  ['tripId', 'trips'],
] as const satisfies readonly (readonly [
  keyof CreateFollowUpDto & keyof FollowUp,
  Link['table'],
])[];

/** What an update may change: all but the bookkeeping (completedAt follows the status). */
const EDITABLE = AUDITED.filter(
  (field): field is Exclude<(typeof AUDITED)[number], 'completedAt' | 'deletedAt'> =>
    field !== 'completedAt' && field !== 'deletedAt',
);

const NEEDS_SOMEONE = fieldError(
  'assigneeId',
  'required',
  'a follow-up needs an assigneeId or a companyId',
);

/** A priority's place in FOLLOW_UP_PRIORITIES, as follow_ups_priority_rank_idx holds it. */
const PRIORITY_RANK = `CASE f.priority ${FOLLOW_UP_PRIORITIES.map((p, i) => `WHEN '${p}' THEN ${i}`).join(' ')} END`;

/** Agency roles see every follow-up, a company user those assigned to it or to its company. */
const FOLLOW_UP: ServiceSpec<FollowUp> = {
  entity: FollowUp,
  table: 'follow_ups',
  kind: 'followUp',
  noun: 'follow-up',
  alias: 'f',
  scope: followUpScope,
};

@Injectable()
export class FollowUpsService extends RecordService<FollowUp, FollowUp> {
  protected readonly spec = FOLLOW_UP;

  /** The same scope as an extra WHERE on an UPDATE of `follow_ups`. */
  private writeScope(actor: Actor): Scope {
    return followUpWriteScope(actor);
  }

  /**
   * What a follow-up reveals of the records it links to: only what the caller may see
   * (README, "what an answer reveals"), each kind by its own rule.
   */
  private links(actor: Actor, manager: EntityManager = this.db.manager) {
    return {
      companyId: visibleCompanyIds(manager, actor),
      contactId: visibleContactIds(manager, actor),
      partnerId: visiblePartnerIds(manager, actor),
      leadId: visibleLeadIds(manager, actor),
      interactionId: visibleInteractionIds(manager, actor),
      agreementId: visibleAgreementIds(manager, actor),
      tripId: visibleTripIds(manager, actor),
    } satisfies Partial<Record<(typeof LINKS)[number][0], VisibleIds>>;
  }

  /**
   * The caller's open follow-ups with a day due, for its calendar feed: assigned to the caller
   * (not merely to its company), within its scope. The latest due first, at most `limit`.
   */
  openDueFor(actor: Actor, limit: number): Promise<FollowUp[]> {
    return this.scoped(actor)
      .andWhere(`f.assignee_id = :assigneeId AND f.status = 'open' AND f.due_on IS NOT NULL`, {
        assigneeId: actor.userId,
      })
      .orderBy('f.due_on', 'DESC')
      .addOrderBy('f.id')
      .limit(limit)
      .getMany();
  }

  async list(actor: Actor, query: FollowUpListQuery): Promise<Page<FollowUp>> {
    const qb = listScope(actor, query, 'follow-up:write', (deleted) =>
      this.scoped(actor, this.db.manager, deleted),
    );
    if (query.q !== undefined)
      qb.andWhere('f.title ILIKE :q', { q: `%${escapeLike(query.q.trim())}%` });
    if (query.status) qb.andWhere('f.status = :status', { status: query.status });
    if (query.priority) qb.andWhere('f.priority = :priority', { priority: query.priority });
    if (query.overdue === true) qb.andWhere(`f.status = 'open' AND f.due_on < current_date`);
    if (query.overdue === false)
      qb.andWhere(`(f.status <> 'open' OR f.due_on IS NULL OR f.due_on >= current_date)`);
    if (query.assigneeId) {
      const assigneeId = userIdOrMe(query.assigneeId, actor);
      qb.andWhere('f.assignee_id = :assigneeId', { assigneeId });
    }
    // A filter by a record the caller may not see finds nothing.
    const links = this.links(actor);
    if (
      await filtersOnInvisible(
        LINKS.map(([field]): [string | undefined, VisibleIds] => [query[field], links[field]]),
      )
    )
      qb.andWhere('FALSE');
    if (query.companyId) qb.andWhere('f.company_id = :companyId', { companyId: query.companyId });
    if (query.contactId) qb.andWhere('f.contact_id = :contactId', { contactId: query.contactId });
    if (query.partnerId) qb.andWhere('f.partner_id = :partnerId', { partnerId: query.partnerId });
    if (query.leadId) qb.andWhere('f.lead_id = :leadId', { leadId: query.leadId });
    if (query.tripId) qb.andWhere('f.trip_id = :tripId', { tripId: query.tripId });
    if (query.interactionId)
      qb.andWhere('f.interaction_id = :interactionId', { interactionId: query.interactionId });
    if (query.agreementId)
      qb.andWhere('f.agreement_id = :agreementId', { agreementId: query.agreementId });
    const sorts: Sorts<FollowUp, FollowUpSort> = {
      dueOn: {
        sql: `coalesce(f.due_on, '9999-12-31'::date)`,
        type: 'date',
        value: (f) => f.dueOn ?? '9999-12-31',
      },
      title: { sql: 'lower(f.title)', type: 'text', value: (f) => f.title.toLowerCase() },
      // low, normal, high: `-priority` puts the urgent first
      priority: {
        sql: PRIORITY_RANK,
        type: 'integer',
        value: (f) => FOLLOW_UP_PRIORITIES.indexOf(f.priority),
      },
      // not done yet (no completedAt) comes last in `-completedAt`
      completedAt: {
        sql: `coalesce(f.completed_at, '-infinity'::timestamptz)`,
        type: 'timestamptz',
        value: (f) => f.completedAt ?? '-infinity',
      },
      createdAt: { sql: 'f.created_at', type: 'timestamptz', value: (f) => f.createdAt },
      updatedAt: { sql: 'f.updated_at', type: 'timestamptz', value: (f) => f.updatedAt },
    };
    const page = await this.paginator.page(qb, query, {
      sorts,
      defaultSort: FOLLOW_UP_DEFAULT_SORT,
      idColumn: 'f.id',
    });
    await hideInvisibleIds(page.items, links);
    return page;
  }

  protected override async shown(
    actor: Actor,
    followUp: FollowUp,
    manager: EntityManager,
  ): Promise<FollowUp> {
    await hideInvisibleIds([followUp], this.links(actor, manager));
    return followUp;
  }

  async create(actor: Actor, dto: CreateFollowUpDto, manager?: EntityManager): Promise<FollowUp> {
    return inTransaction(this.db, manager, async (em) => {
      const companyId = dto.companyId ?? null;
      // Nobody named: whoever writes it down does it.
      const assigneeId = dto.assigneeId ?? (companyId ? null : actor.userId);
      const status = dto.status ?? 'open';
      const errors = [
        ...(await deadLinks(
          em,
          LINKS.map(([field, table]) => ({ field, table, id: dto[field] })),
        )),
        ...(await assigneeErrors(em, dto.assigneeId)),
      ];
      if (errors.length) throw new BadInput(errors);

      const { identifiers } = await em.insert(FollowUp, {
        title: dto.title,
        notes: dto.notes ?? null,
        dueOn: dto.dueOn ?? null,
        status,
        priority: dto.priority ?? 'normal',
        assigneeId,
        companyId,
        contactId: dto.contactId ?? null,
        partnerId: dto.partnerId ?? null,
        leadId: dto.leadId ?? null,
        interactionId: dto.interactionId ?? null,
        agreementId: dto.agreementId ?? null,
        tripId: dto.tripId ?? null,
        completedAt: status === 'done' ? () => 'now()' : null,
        createdBy: actor.userId,
      });
      return this.created(em, actor, identifiers[0].id as string, AUDITED);
    });
  }

  async update(
    actor: Actor,
    id: string,
    version: number,
    dto: UpdateFollowUpDto,
  ): Promise<FollowUp> {
    return this.edit(actor, id, version, async (before, em) => {
      if (before.version !== version) throw new VersionConflict(before.version);

      const values: QueryDeepPartialEntity<FollowUp> = {};
      for (const field of EDITABLE) {
        if (dto[field] !== undefined) Object.assign(values, { [field]: dto[field] });
      }
      if (dto.status !== undefined && dto.status !== before.status) {
        values.completedAt = dto.status === 'done' ? () => 'now()' : null;
      }
      const errors: FieldError[] = [];
      const assigneeId = dto.assigneeId !== undefined ? dto.assigneeId : before.assigneeId;
      const companyId = dto.companyId !== undefined ? dto.companyId : before.companyId;
      if (assigneeId === null && companyId === null) errors.push(NEEDS_SOMEONE);

      // Only what changes is checked: a link that went stale since does not block other edits.
      const changed = (field: (typeof EDITABLE)[number]) =>
        dto[field] !== before[field] ? (dto[field] ?? undefined) : undefined;
      errors.push(
        ...(await deadLinks(
          em,
          LINKS.map(([field, table]) => ({ field, table, id: changed(field) })),
        )),
        ...(await assigneeErrors(em, changed('assigneeId'))),
      );
      if (errors.length) throw new BadInput(errors);
      return { values, scope: this.writeScope(actor), audited: AUDITED };
    });
  }

  /** Marks it done: the agency, or a company user for a follow-up in its scope. */
  async complete(actor: Actor, id: string, version: number): Promise<FollowUp> {
    return this.edit(actor, id, version, async (before) => {
      if (before.version !== version) throw new VersionConflict(before.version);
      if (before.status === 'done') return null;
      return {
        values: { status: 'done', completedAt: () => 'now()' },
        scope: this.writeScope(actor),
        audited: AUDITED,
        action: 'complete',
      };
    });
  }

  /** Delete and restore audit the `deletedAt` change and restore only what the caller sees. */
  protected override findWithDeleted(actor: Actor, id: string, em: EntityManager) {
    return this.find(actor, id, em, true);
  }
}

/** A follow-up goes to someone who can still sign in. */
async function assigneeErrors(
  em: EntityManager,
  assigneeId: string | null | undefined,
): Promise<FieldError[]> {
  if (!assigneeId) return [];
  const rows = (await em.query('SELECT 1 FROM users WHERE id = $1 AND active', [
    assigneeId,
  ])) as unknown[];
  return rows.length
    ? []
    : [fieldError('assigneeId', 'activeUser', 'assigneeId must name an active user')];
}

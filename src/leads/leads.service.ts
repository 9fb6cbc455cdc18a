import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { diff } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { isAgency } from '../auth/permissions';
import { userIdOrMe } from '../common/dto';
import { BadInput, FieldError, fieldError, Forbidden, VersionConflict } from '../common/errors';
import { KeysetOptions, Page, PageQuery, Sorts } from '../common/pagination';
import { listScope, RecordService, ServiceSpec, Scope } from '../common/records';
import { deadLinks } from '../common/references';
import { filtersOnInvisible, hideInvisibleIds } from '../common/scope';
import { visibleCompanyIds } from '../companies/scope';
import { visibleContactIds } from '../contacts/scope';
import { visiblePartnerIds } from '../partners/scope';
import { visibleAppointmentIds, visibleTripIds } from '../trips/scope';
import { leadScope, leadWriteScope } from './scope';
import { escapeLike, MAX_SEARCH_WORDS, normalize } from '../common/search';
import { inTransaction, transaction } from '../common/transaction';
import { Notifications } from '../notifications/notifications.service';
import type { NoticeKind } from '../notifications/notices';
import { LeadNote } from './lead-note.entity';
import { Lead, LEAD_STAGES, type LeadStage } from './lead.entity';
import {
  CreateLeadDto,
  CreateLeadNoteDto,
  LEAD_DEFAULT_SORT,
  LeadBoardQuery,
  LeadListQuery,
  LeadPipelineQuery,
  LeadSort,
  PipelineRowDto,
  UpdateLeadDto,
} from './leads.dto';

const AUDITED = [
  'companyId',
  'title',
  'description',
  'stage',
  'valueEur',
  'expectedCloseOn',
  'contactId',
  'partnerId',
  'tripId',
  'appointmentId',
  'lostReason',
  'ownerId',
  'deletedAt',
] as const;

/** What a company user may change on its own leads: it works the pipeline, the agency the rest. */
const COMPANY_EDITABLE: ReadonlySet<string> = new Set(['stage', 'lostReason']);

const LOST_REASON_ONLY_WHEN_LOST = fieldError(
  'lostReason',
  'onlyWhenLost',
  'lostReason is only kept for a lead in stage lost',
);

/** A stage's place in LEAD_STAGES, as leads_stage_rank_idx holds it. */
const STAGE_RANK = `CASE l.stage ${LEAD_STAGES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;

/** How the pipeline sums: the leads themselves, or the totals kept per company and stage. */
interface PipelineSource {
  alias: string;
  count: string;
  value: string;
  /** The value of the leads not yet won or lost: what ranks a chart's companies. */
  openValue: string;
}
const LIVE_LEADS: PipelineSource = {
  alias: 'l',
  count: 'count(*)',
  value: 'coalesce(sum(l.value_eur), 0)',
  openValue: `coalesce(sum(l.value_eur) FILTER (WHERE l.stage NOT IN ('won', 'lost')), 0)`,
};
const KEPT_TOTALS: PipelineSource = {
  alias: 't',
  count: 'sum(t.count)',
  value: 'sum(t.value_eur)',
  openValue: `coalesce(sum(t.value_eur) FILTER (WHERE t.stage NOT IN ('won', 'lost')), 0)`,
};

/** A board's column: the stage's totals and its first leads. */
export interface BoardStage extends Page<Lead> {
  stage: LeadStage;
  count: number;
  valueEur: number;
}

/** Agency roles see every lead, a company user only its company's. */
const LEAD: ServiceSpec<Lead> = {
  entity: Lead,
  table: 'leads',
  kind: 'lead',
  alias: 'l',
  scope: leadScope,
};

/** How a list of leads is sorted and paged (`?sort=`). */
const LEAD_KEYSET: KeysetOptions<Lead> = {
  sorts: {
    createdAt: { sql: 'l.created_at', type: 'timestamptz', value: (l) => l.createdAt },
    updatedAt: { sql: 'l.updated_at', type: 'timestamptz', value: (l) => l.updatedAt },
    title: { sql: 'lower(l.title)', type: 'text', value: (l) => l.title.toLowerCase() },
    // in the pipeline's order, new … won, lost
    stage: { sql: STAGE_RANK, type: 'integer', value: (l) => LEAD_STAGES.indexOf(l.stage) },
    valueEur: {
      sql: 'coalesce(l.value_eur, 0)',
      type: 'numeric',
      value: (l) => l.valueEur ?? 0,
    },
    expectedCloseOn: {
      sql: `coalesce(l.expected_close_on, '9999-12-31'::date)`,
      type: 'date',
      value: (l) => l.expectedCloseOn ?? '9999-12-31',
    },
  } satisfies Sorts<Lead, LeadSort>,
  defaultSort: LEAD_DEFAULT_SORT,
  idColumn: 'l.id',
};

@Injectable()
export class LeadsService extends RecordService<Lead, Lead> {
  protected readonly spec = LEAD;
  @Inject(Notifications) private readonly notifications: Notifications;

  /** The same scope as an extra WHERE on an UPDATE of `leads`. */
  private writeScope(actor: Actor): Scope {
    return leadWriteScope(actor);
  }

  /** What a lead reveals of others: only what the caller may see (README, "what an answer reveals"). */
  private reveal(actor: Actor, leads: Lead[], manager: EntityManager = this.db.manager) {
    return hideInvisibleIds(leads, {
      contactId: visibleContactIds(manager, actor),
      partnerId: visiblePartnerIds(manager, actor),
      tripId: visibleTripIds(manager, actor),
      appointmentId: visibleAppointmentIds(manager, actor),
    });
  }

  /** Whether a filter names a record the caller may not see (such a filter finds nothing). */
  private filtersHidden(
    actor: Actor,
    query: { companyId?: string; contactId?: string; partnerId?: string; tripId?: string },
  ): Promise<boolean> {
    const m = this.db.manager;
    return filtersOnInvisible([
      [query.companyId, visibleCompanyIds(m, actor)],
      [query.contactId, visibleContactIds(m, actor)],
      [query.partnerId, visiblePartnerIds(m, actor)],
      [query.tripId, visibleTripIds(m, actor)],
    ]);
  }

  /** A filter by a record the caller may not see finds nothing. */
  private async filterOnInvisible(
    actor: Actor,
    qb: SelectQueryBuilder<ObjectLiteral>,
    query: { companyId?: string; contactId?: string; partnerId?: string; tripId?: string },
  ): Promise<void> {
    if (await this.filtersHidden(actor, query)) qb.andWhere('FALSE');
  }

  /**
   * The pipeline: count and value of open and closed leads per company and stage, in scope.
   * Filtered by company alone (or not at all), it reads the sums the database keeps as leads
   * change (migration 1764380000000): per company and stage, and for the agency's whole pipeline
   * per stage and each company's open value (the chart's companies off an index) — a few rows,
   * whatever the number of leads. Filtered by owner or trip, it sums the leads themselves.
   */
  async pipeline(actor: Actor, query: LeadPipelineQuery = {}): Promise<PipelineRowDto[]> {
    const kept = query.ownerId === undefined && query.tripId === undefined;
    const everyCompany = kept && isAgency(actor) && query.companyId === undefined;
    const source = kept ? KEPT_TOTALS : LIVE_LEADS;
    const a = source.alias;
    const filtered = async () => {
      const qb: SelectQueryBuilder<ObjectLiteral> = kept
        ? this.db.createQueryBuilder().from('lead_totals', a).where(`${a}.count > 0`)
        : this.scoped(actor);
      if (kept) {
        const scope = leadScope(actor, a);
        if (scope) qb.andWhere(scope.sql, scope.params);
      }
      await this.filterOnInvisible(actor, qb, query);
      if (query.companyId)
        qb.andWhere(`${a}.company_id = :companyId`, { companyId: query.companyId });
      if (query.tripId) qb.andWhere(`${a}.trip_id = :tripId`, { tripId: query.tripId });
      if (query.ownerId)
        qb.andWhere(`${a}.owner_id = :ownerId`, { ownerId: userIdOrMe(query.ownerId, actor) });
      return qb;
    };
    if (query.by === 'stage') {
      // A board's totals: one row per stage.
      const qb = everyCompany
        ? this.db.createQueryBuilder().from('lead_stage_totals', a).where(`${a}.count > 0`)
        : await filtered();
      const rows = (await qb
        .select(`${a}.stage`, 'stage')
        .addSelect(`${source.count}::int`, 'count')
        .addSelect(source.value, 'valueEur')
        .groupBy(`${a}.stage`)
        .getRawMany()) as { stage: string; count: number; valueEur: string }[];
      return rows.map((r) => ({
        companyId: null,
        companyName: null,
        stage: r.stage,
        count: r.count,
        valueEur: Number(r.valueEur),
      }));
    }
    const qb = await filtered();
    if (query.top) {
      // A chart's companies: those with the most value still open, in the same scope and filters.
      const top = everyCompany
        ? this.db
            .createQueryBuilder()
            .from('lead_company_totals', 'o')
            .select('o.company_id')
            .where('o.count > 0')
            .orderBy('o.open_value_eur', 'DESC')
            .addOrderBy('o.company_id')
            .limit(query.top)
        : (await filtered())
            .select(`${a}.company_id`)
            .groupBy(`${a}.company_id`)
            .orderBy(source.openValue, 'DESC')
            .addOrderBy(`${a}.company_id`)
            .limit(query.top);
      qb.andWhere(`${a}.company_id IN (${top.getQuery()})`, top.getParameters());
    }
    const rows = (await qb
      .innerJoin('companies', 'c', `c.id = ${a}.company_id`)
      .select('c.id', 'companyId')
      .addSelect('c.name', 'companyName')
      .addSelect(`${a}.stage`, 'stage')
      .addSelect(`${source.count}::int`, 'count')
      .addSelect(source.value, 'valueEur')
      .groupBy('c.id')
      .addGroupBy('c.name')
      .addGroupBy(`${a}.stage`)
      .orderBy('c.name')
      .getRawMany()) as PipelineRowDto[];
    return rows.map((r) => ({ ...r, valueEur: Number(r.valueEur) }));
  }

  /**
   * A board: each stage's totals (the pipeline's by stage) and its first `limit` leads, the most
   * recently changed first, in one call where a board took one per stage. A stage without a lead
   * needs no query; a filter by a record the caller may not see leaves every stage empty; what the
   * leads reveal of others is checked once for all.
   */
  async board(actor: Actor, query: LeadBoardQuery): Promise<BoardStage[]> {
    const filters = { companyId: query.companyId, tripId: query.tripId, ownerId: query.ownerId };
    // Checked once here, so that the stages' pages need not each check it.
    if (await this.filtersHidden(actor, filters))
      return LEAD_STAGES.map((stage) => ({
        stage,
        count: 0,
        valueEur: 0,
        items: [],
        nextCursor: null,
      }));
    const totals = new Map(
      (await this.pipeline(actor, { ...filters, by: 'stage' })).map((r) => [r.stage, r]),
    );
    // Each stage's first cards, as `GET /leads?stage=&sort=-updatedAt` pages them: one statement.
    const page = { ...filters, limit: query.limit, sort: '-updatedAt' };
    const pages = await this.paginator.firstPages(this.listQuery(actor, page), page, LEAD_KEYSET, {
      sql: 'l.stage',
      values: LEAD_STAGES.filter((stage) => totals.has(stage)),
      of: (lead) => lead.stage,
    });
    await this.reveal(
      actor,
      [...pages.values()].flatMap((p) => p.items),
    );
    return LEAD_STAGES.map((stage) => ({
      stage,
      count: totals.get(stage)?.count ?? 0,
      valueEur: totals.get(stage)?.valueEur ?? 0,
      ...(pages.get(stage) ?? { items: [], nextCursor: null }),
    }));
  }

  async list(actor: Actor, query: LeadListQuery): Promise<Page<Lead>> {
    const page = await this.unrevealed(actor, query, true);
    await this.reveal(actor, page.items);
    return page;
  }

  /** A page of leads before `reveal`; `checkFilters` unless the caller has checked them. */
  private async unrevealed(
    actor: Actor,
    query: LeadListQuery,
    checkFilters = false,
  ): Promise<Page<Lead>> {
    const qb = this.listQuery(actor, query);
    if (checkFilters) await this.filterOnInvisible(actor, qb, query);
    return this.paginator.page(qb, query, LEAD_KEYSET);
  }

  /** The leads of a list in the caller's scope, its filters applied; not yet sorted or paged. */
  private listQuery(actor: Actor, query: LeadListQuery): SelectQueryBuilder<Lead> {
    const qb = listScope(actor, query, 'lead:write', (deleted) =>
      this.scoped(actor, this.db.manager, deleted),
    );
    if (query.q !== undefined) {
      const search = titleSearch('l', query.q);
      qb.andWhere(search.sql, search.params);
    }
    if (query.stage) qb.andWhere('l.stage = :stage', { stage: query.stage });
    if (query.companyId) qb.andWhere('l.company_id = :companyId', { companyId: query.companyId });
    if (query.contactId) qb.andWhere('l.contact_id = :contactId', { contactId: query.contactId });
    if (query.partnerId) qb.andWhere('l.partner_id = :partnerId', { partnerId: query.partnerId });
    if (query.tripId) qb.andWhere('l.trip_id = :tripId', { tripId: query.tripId });
    if (query.ownerId)
      qb.andWhere('l.owner_id = :ownerId', { ownerId: userIdOrMe(query.ownerId, actor) });
    return qb;
  }

  protected override async shown(actor: Actor, lead: Lead, manager: EntityManager): Promise<Lead> {
    await this.reveal(actor, [lead], manager);
    return lead;
  }

  async create(actor: Actor, dto: CreateLeadDto, manager?: EntityManager): Promise<Lead> {
    return inTransaction(this.db, manager, async (em) => {
      const stage = dto.stage ?? 'new';
      const lostReason = dto.lostReason ?? null;
      const errors: FieldError[] = [];
      if (lostReason !== null && stage !== 'lost') errors.push(LOST_REASON_ONLY_WHEN_LOST);
      const none = { tripId: null, appointmentId: null };
      const trip = await this.tripAndAppointment(em, dto, none, errors);
      // The agency creates leads; whoever does owns it unless they name someone else.
      const ownerId = dto.ownerId !== undefined ? dto.ownerId : actor.userId;
      errors.push(
        ...(await deadLinks(em, [
          { field: 'companyId', table: 'companies', id: dto.companyId },
          { field: 'contactId', table: 'contacts', id: dto.contactId },
          { field: 'partnerId', table: 'partners', id: dto.partnerId },
          { field: 'tripId', table: 'trips', id: trip.tripId },
          { field: 'appointmentId', table: 'appointments', id: trip.appointmentId },
        ])),
        ...(await ownerErrors(em, dto.ownerId)),
      );
      if (errors.length) throw new BadInput(errors);

      const { identifiers } = await em.insert(Lead, {
        companyId: dto.companyId,
        title: dto.title,
        description: dto.description ?? null,
        stage,
        valueEur: dto.valueEur ?? null,
        expectedCloseOn: dto.expectedCloseOn ?? null,
        contactId: dto.contactId ?? null,
        partnerId: dto.partnerId ?? null,
        tripId: trip.tripId,
        appointmentId: trip.appointmentId,
        lostReason,
        ownerId,
      });
      const lead = await this.created(em, actor, identifiers[0].id as string, AUDITED);
      await this.tell(em, actor, 'lead-created', lead);
      return lead;
    });
  }

  async update(actor: Actor, id: string, version: number, dto: UpdateLeadDto): Promise<Lead> {
    if (!isAgency(actor)) {
      // Decided by the role alone (before any lookup), so it tells nothing about the record.
      const refused = Object.entries(dto)
        .filter(([field, value]) => value !== undefined && !COMPANY_EDITABLE.has(field))
        .map(([field]) => field);
      if (refused.length) {
        throw new Forbidden(
          `A company user changes only stage and lostReason of its leads, not ${refused.join(', ')}.`,
        );
      }
    }
    return this.edit(actor, id, version, async (before, em) => {
      if (before.version !== version) throw new VersionConflict(before.version);

      const values: QueryDeepPartialEntity<Lead> = {};
      for (const field of [
        'companyId',
        'title',
        'description',
        'stage',
        'valueEur',
        'expectedCloseOn',
        'contactId',
        'partnerId',
        'ownerId',
      ] as const) {
        if (dto[field] !== undefined) Object.assign(values, { [field]: dto[field] });
      }
      const errors: FieldError[] = [];

      const stage = dto.stage ?? before.stage;
      if (dto.lostReason !== undefined) {
        if (dto.lostReason !== null && stage !== 'lost') errors.push(LOST_REASON_ONLY_WHEN_LOST);
        values.lostReason = dto.lostReason;
      } else if (stage !== 'lost' && before.lostReason !== null) {
        // Reopened: a lost reason no longer describes the lead.
        values.lostReason = null;
      }

      const trip = await this.tripAndAppointment(em, dto, before, errors);
      if (trip.tripId !== before.tripId) values.tripId = trip.tripId;
      if (trip.appointmentId !== before.appointmentId) values.appointmentId = trip.appointmentId;

      // Only what changes is checked: a link that went stale since does not block other edits.
      const changed = <K extends keyof Lead>(field: K, value: Lead[K] | undefined) =>
        value !== undefined && value !== before[field] ? (value as string | null) : undefined;
      errors.push(
        ...(await deadLinks(em, [
          { field: 'companyId', table: 'companies', id: changed('companyId', dto.companyId) },
          { field: 'contactId', table: 'contacts', id: changed('contactId', dto.contactId) },
          { field: 'partnerId', table: 'partners', id: changed('partnerId', dto.partnerId) },
          { field: 'tripId', table: 'trips', id: changed('tripId', trip.tripId) },
          {
            field: 'appointmentId',
            table: 'appointments',
            id: changed('appointmentId', trip.appointmentId),
          },
        ])),
        ...(await ownerErrors(em, changed('ownerId', dto.ownerId))),
      );
      if (errors.length) throw new BadInput(errors);

      return {
        values,
        scope: this.writeScope(actor),
        audited: AUDITED,
        // Moved to another company: that company sees it from now on, and is told so.
        afterwards: async (after) => {
          if (after.companyId !== before.companyId)
            await this.tell(em, actor, 'lead-shared', after);
        },
      };
    });
  }

  /** Removes a soft-deleted lead for good, with its note thread (the notes are part of it). */
  protected override async purgeParts(em: EntityManager, id: string): Promise<void> {
    await em.query('DELETE FROM lead_notes WHERE lead_id = $1', [id]);
  }

  /** Delete and restore audit the `deletedAt` change and restore only what the caller sees. */
  protected override findWithDeleted(actor: Actor, id: string, em: EntityManager) {
    return this.find(actor, id, em, true);
  }

  /** The lead's note thread, oldest first; a lead out of the caller's scope is not found. */
  async notes(actor: Actor, leadId: string, query: PageQuery): Promise<Page<LeadNote>> {
    await this.get(actor, leadId);
    const qb = this.db
      .getRepository(LeadNote)
      .createQueryBuilder('n')
      .innerJoin('n.author', 'a')
      .addSelect(['a.id', 'a.displayName'])
      .where('n.lead_id = :leadId', { leadId });
    return this.paginator.page(qb, query, {
      sorts: { createdAt: { sql: 'n.created_at', type: 'timestamptz', value: (n) => n.createdAt } },
      defaultSort: 'createdAt',
      idColumn: 'n.id',
    });
  }

  async addNote(actor: Actor, leadId: string, dto: CreateLeadNoteDto): Promise<LeadNote> {
    return transaction(this.db, async (em) => {
      const lead = await this.get(actor, leadId, em);
      const { identifiers } = await em.insert(LeadNote, {
        leadId,
        authorId: actor.userId,
        body: dto.body,
      });
      const note = await em
        .getRepository(LeadNote)
        .createQueryBuilder('n')
        .innerJoin('n.author', 'a')
        .addSelect(['a.id', 'a.displayName'])
        .where('n.id = :id', { id: identifiers[0].id as string })
        .getOneOrFail();
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'create',
        entity: 'leadNote',
        entityId: note.id,
        changes: diff({}, note, ['leadId', 'body']),
      });
      await this.tell(em, actor, 'lead-note', lead, note.body);
      return note;
    });
  }

  /**
   * Tells of a change to a lead, in its transaction: the agency's change to the users of the
   * lead's company; a company user's note to the lead's owner at the agency.
   */
  private async tell(
    em: EntityManager,
    actor: Actor,
    kind: NoticeKind,
    lead: Lead,
    note?: string,
  ): Promise<void> {
    const [names] = (await em.query(
      `SELECT (SELECT display_name FROM users WHERE id = $1) AS actor,
              (SELECT name FROM companies WHERE id = $2) AS company,
              (SELECT owner_id FROM leads WHERE id = $3) AS "ownerId"`,
      [actor.userId, lead.companyId, lead.id],
    )) as { actor: string | null; company: string | null; ownerId: string | null }[];
    const notice = {
      kind,
      recordKind: 'lead' as const,
      recordId: lead.id,
      actorId: actor.userId,
      params: {
        title: lead.title,
        company: names.company ?? '',
        actor: names.actor ?? 'Liaison',
        ...(note === undefined
          ? {}
          : { excerpt: note.length > 300 ? `${note.slice(0, 299)}…` : note }),
      },
    };
    if (isAgency(actor)) await this.notifications.toCompany(em, actor, lead.companyId, notice);
    // The lead as a company user is shown may hide its owner; the owner is read as stored.
    else if (kind === 'lead-note')
      await this.notifications.toUser(em, actor, names.ownerId, notice);
  }

  /**
   * The trip and appointment a lead will have. An appointment must be one of the lead's trip;
   * given without a trip (and none set before), its trip becomes the lead's.
   */
  private async tripAndAppointment(
    em: EntityManager,
    dto: { tripId?: string | null; appointmentId?: string | null },
    before: { tripId: string | null; appointmentId: string | null },
    errors: FieldError[],
  ): Promise<{ tripId: string | null; appointmentId: string | null }> {
    let tripId = dto.tripId !== undefined ? dto.tripId : before.tripId;
    const appointmentId =
      dto.appointmentId !== undefined ? dto.appointmentId : before.appointmentId;
    if (appointmentId && (dto.tripId !== undefined || dto.appointmentId !== undefined)) {
      const rows = (await em.query('SELECT trip_id FROM appointments WHERE id = $1', [
        appointmentId,
      ])) as { trip_id: string }[];
      // A missing appointment is reported by the link check.
      if (rows.length === 1) {
        const appointmentTrip = rows[0].trip_id;
        if (tripId === null && dto.tripId === undefined) tripId = appointmentTrip;
        else if (tripId !== appointmentTrip) {
          errors.push(
            fieldError(
              'appointmentId',
              'sameTrip',
              'appointmentId must be an appointment of the lead’s trip (tripId)',
            ),
          );
        }
      }
    }
    return { tripId, appointmentId };
  }
}

/** A lead is owned by someone of the agency who can still sign in. */
async function ownerErrors(
  em: EntityManager,
  ownerId: string | null | undefined,
): Promise<FieldError[]> {
  if (!ownerId) return [];
  const rows = (await em.query(
    `SELECT 1 FROM users WHERE id = $1 AND active AND role IN ('admin', 'staff')`,
    [ownerId],
  )) as unknown[];
  return rows.length
    ? []
    : [fieldError('ownerId', 'agencyUser', 'ownerId must name an active admin or staff user')];
}

/**
 * Every word of the term in the title, accent- and case-insensitive, through the trigram index
 * on `immutable_unaccent(lower(title))`. Words shorter than a trigram still match (by scan).
 */
function titleSearch(
  alias: string,
  term: string,
): { sql: string; params: Record<string, unknown> } {
  const words = normalize(term).split(' ').filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  if (words.length === 0) return { sql: 'FALSE', params: {} };
  const params: Record<string, unknown> = {};
  const clauses = words.map((word, i) => {
    params[`title${i}`] = `%${escapeLike(word)}%`;
    return `immutable_unaccent(lower(${alias}.title)) LIKE :title${i}`;
  });
  return { sql: `(${clauses.join(' AND ')})`, params };
}

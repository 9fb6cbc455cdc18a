import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { AuditService, diff } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { can } from '../auth/permissions';
import { staleOrMissing, updateIfVersion } from '../common/concurrency';
import { BadInput, FieldError, fieldError, Forbidden, NotFound } from '../common/errors';
import { Page, Paginator, Sorts } from '../common/pagination';
import { purgeRecord, RecordSpec, restoreRecord, softDeleteRecord } from '../common/records';
import { escapeLike } from '../common/search';
import { referenceProblems } from '../trips/references';
import { Agreement } from './agreement.entity';
import {
  AGREEMENT_DEFAULT_SORT,
  AgreementListQuery,
  AgreementSort,
  CreateAgreementDto,
  UpdateAgreementDto,
} from './agreements.dto';

const AUDITED = [
  'partnerId',
  'title',
  'kind',
  'status',
  'signedOn',
  'appointmentId',
  'signatories',
  'validUntil',
  'reviewOn',
  'summary',
  'deletedAt',
] as const;

const AGREEMENT: RecordSpec<Agreement> = {
  entity: Agreement,
  table: 'agreements',
  kind: 'agreement',
};

@Injectable()
export class AgreementsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly paginator: Paginator,
    private readonly audit: AuditService,
  ) {}

  /**
   * Agreements are read by the agency's own roles only (the permission table keeps company users
   * out with 403), so there is no row scope to add; every read still starts here.
   */
  private scoped(
    manager: EntityManager = this.db.manager,
    withDeleted = false,
  ): SelectQueryBuilder<Agreement> {
    const qb = manager.getRepository(Agreement).createQueryBuilder('g');
    if (withDeleted) qb.withDeleted();
    return qb;
  }

  /** Fills the read-only tripId from each agreement's appointment. */
  private async withTrips(
    agreements: Agreement[],
    manager: EntityManager = this.db.manager,
  ): Promise<Agreement[]> {
    const appointmentIds = [
      ...new Set(agreements.map((a) => a.appointmentId).filter((id) => id !== null)),
    ];
    const rows = appointmentIds.length
      ? ((await manager.query('SELECT id, trip_id FROM appointments WHERE id = ANY($1::uuid[])', [
          appointmentIds,
        ])) as { id: string; trip_id: string }[])
      : [];
    const tripOf = new Map(rows.map((r) => [r.id, r.trip_id]));
    for (const a of agreements)
      a.tripId = a.appointmentId ? (tripOf.get(a.appointmentId) ?? null) : null;
    return agreements;
  }

  async list(actor: Actor, query: AgreementListQuery): Promise<Page<Agreement>> {
    if (query.deleted && !can(actor.role, 'agreement:write'))
      throw new Forbidden('Only agency staff see deleted records.');
    const qb = this.scoped(this.db.manager, query.deleted === true);
    if (query.deleted) qb.andWhere('g.deleted_at IS NOT NULL');
    if (query.q !== undefined && query.q.trim() !== '') {
      qb.andWhere(
        `immutable_unaccent(lower(g.title || ' ' || coalesce(g.summary, ''))) LIKE immutable_unaccent(lower(:q))`,
        { q: `%${escapeLike(query.q.trim())}%` },
      );
    }
    if (query.partnerId) qb.andWhere('g.partner_id = :partnerId', { partnerId: query.partnerId });
    if (query.status) qb.andWhere('g.status = :status', { status: query.status });
    if (query.kind) qb.andWhere('g.kind = :kind', { kind: query.kind });
    if (query.tripId) {
      qb.andWhere(
        'g.appointment_id IN (SELECT ta.id FROM appointments ta WHERE ta.trip_id = :tripId)',
        { tripId: query.tripId },
      );
    }
    const sorts: Sorts<Agreement, AgreementSort> = {
      title: { sql: 'lower(g.title)', type: 'text', value: (g) => g.title.toLowerCase() },
      signedOn: {
        sql: `coalesce(g.signed_on, '0001-01-01'::date)`,
        type: 'date',
        value: (g) => g.signedOn ?? '0001-01-01',
      },
      // open-ended (no validUntil) and not planned for review come last
      validUntil: {
        sql: `coalesce(g.valid_until, '9999-12-31'::date)`,
        type: 'date',
        value: (g) => g.validUntil ?? '9999-12-31',
      },
      reviewOn: {
        sql: `coalesce(g.review_on, '9999-12-31'::date)`,
        type: 'date',
        value: (g) => g.reviewOn ?? '9999-12-31',
      },
      createdAt: { sql: 'g.created_at', type: 'timestamptz', value: (g) => g.createdAt },
      updatedAt: { sql: 'g.updated_at', type: 'timestamptz', value: (g) => g.updatedAt },
    };
    const page = await this.paginator.page(qb, query, {
      sorts,
      defaultSort: AGREEMENT_DEFAULT_SORT,
      idColumn: 'g.id',
    });
    return { items: await this.withTrips(page.items), nextCursor: page.nextCursor };
  }

  async get(_actor: Actor, id: string, manager?: EntityManager): Promise<Agreement> {
    const agreement = await this.find(id, manager);
    if (!agreement) throw new NotFound('agreement', id);
    const [withTrip] = await this.withTrips([agreement], manager);
    return withTrip;
  }

  private find(id: string, manager?: EntityManager): Promise<Agreement | null> {
    return this.scoped(manager).andWhere('g.id = :id', { id }).getOne();
  }

  private async check(
    em: EntityManager,
    values: {
      partnerId: string;
      appointmentId: string | null;
      signedOn: string | null;
      validUntil: string | null;
    },
    dto: Partial<CreateAgreementDto>,
  ): Promise<void> {
    const problems: FieldError[] = await referenceProblems(em, [
      { field: 'partnerId', kind: 'partner', id: values.partnerId },
      { field: 'appointmentId', kind: 'appointment', id: values.appointmentId },
    ]);
    if (values.signedOn && values.validUntil && values.validUntil < values.signedOn) {
      problems.push(
        fieldError(
          dto.validUntil !== undefined ? 'validUntil' : 'signedOn',
          'order',
          'validUntil must not be before signedOn',
        ),
      );
    }
    if (problems.length) throw new BadInput(problems);
  }

  async create(actor: Actor, dto: CreateAgreementDto): Promise<Agreement> {
    return this.db.transaction(async (em) => {
      const values = {
        partnerId: dto.partnerId,
        title: dto.title,
        kind: dto.kind ?? 'cooperation',
        status: dto.status ?? 'draft',
        signedOn: dto.signedOn ?? null,
        appointmentId: dto.appointmentId ?? null,
        signatories: dto.signatories ?? [],
        validUntil: dto.validUntil ?? null,
        reviewOn: dto.reviewOn ?? null,
        summary: dto.summary ?? null,
      };
      await this.check(em, values, dto);
      const { identifiers } = await em.insert(Agreement, values);
      const agreement = await this.get(actor, identifiers[0].id as string, em);
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'create',
        entity: 'agreement',
        entityId: agreement.id,
        changes: diff({}, agreement, AUDITED),
      });
      return agreement;
    });
  }

  async update(
    actor: Actor,
    id: string,
    version: number,
    dto: UpdateAgreementDto,
  ): Promise<Agreement> {
    return this.db.transaction(async (em) => {
      const before = await this.get(actor, id, em);
      const values: Partial<Agreement> = {};
      for (const key of [
        'partnerId',
        'title',
        'kind',
        'status',
        'signedOn',
        'appointmentId',
        'signatories',
        'validUntil',
        'reviewOn',
        'summary',
      ] as const) {
        if (dto[key] !== undefined) Object.assign(values, { [key]: dto[key] });
      }
      const merged = { ...before, ...values };
      // Only references the change touches are checked: an agreement whose appointment was
      // deleted later can still have its status updated.
      await this.check(
        em,
        {
          partnerId: merged.partnerId,
          appointmentId: dto.appointmentId !== undefined ? merged.appointmentId : null,
          signedOn: merged.signedOn,
          validUntil: merged.validUntil,
        },
        dto,
      );
      if (
        !(await updateIfVersion(em, Agreement, id, version, values, { sql: 'deleted_at IS NULL' }))
      ) {
        const current = await this.find(id, em);
        throw staleOrMissing(current?.version, () => new NotFound('agreement', id));
      }
      const after = await this.get(actor, id, em);
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'update',
        entity: 'agreement',
        entityId: id,
        changes: diff(before, after, AUDITED),
      });
      return after;
    });
  }

  async remove(actor: Actor, id: string, version: number): Promise<void> {
    await this.db.transaction((em) =>
      softDeleteRecord(em, this.audit, actor, AGREEMENT, id, version, {
        get: () => this.get(actor, id, em),
      }),
    );
  }

  async restore(actor: Actor, id: string): Promise<Agreement> {
    return this.db.transaction((em) =>
      restoreRecord(em, this.audit, actor, AGREEMENT, id, { get: () => this.get(actor, id, em) }),
    );
  }

  async purge(actor: Actor, id: string): Promise<void> {
    await this.db.transaction((em) => purgeRecord(em, this.audit, actor, AGREEMENT, id));
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { BadInput, FieldError, fieldError } from '../common/errors';
import { Page, Sorts } from '../common/pagination';
import { listScope, LIVE, RecordService, ServiceSpec } from '../common/records';
import { escapeLike } from '../common/search';
import { deadLinks } from '../common/references';
import { Agreement } from './agreement.entity';
import {
  AGREEMENT_DEFAULT_SORT,
  AgreementListQuery,
  AgreementSort,
  CreateAgreementDto,
  UpdateAgreementDto,
} from './agreements.dto';
import { transaction } from '../common/transaction';

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

/** What an update may change: every field but the read-only tripId. */
const EDITABLE = AUDITED.filter(
  (field): field is Exclude<(typeof AUDITED)[number], 'deletedAt'> => field !== 'deletedAt',
);

/**
 * Agreements are read by the agency's own roles only (the permission table keeps company users
 * out with 403), so there is no row scope to add.
 */
const AGREEMENT: ServiceSpec<Agreement> = {
  entity: Agreement,
  table: 'agreements',
  kind: 'agreement',
  alias: 'g',
};

@Injectable()
export class AgreementsService extends RecordService<Agreement, Agreement> {
  protected readonly spec = AGREEMENT;

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
    const qb = listScope(actor, query, 'agreement:write', (deleted) =>
      this.scoped(actor, this.db.manager, deleted),
    );
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

  protected override async shown(
    _actor: Actor,
    agreement: Agreement,
    manager: EntityManager,
  ): Promise<Agreement> {
    const [withTrip] = await this.withTrips([agreement], manager);
    return withTrip;
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
    const problems: FieldError[] = await deadLinks(em, [
      { field: 'partnerId', table: 'partners', id: values.partnerId },
      { field: 'appointmentId', table: 'appointments', id: values.appointmentId },
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
    return transaction(this.db, async (em) => {
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
      return this.created(em, actor, identifiers[0].id as string, AUDITED);
    });
  }

  async update(
    actor: Actor,
    id: string,
    version: number,
    dto: UpdateAgreementDto,
  ): Promise<Agreement> {
    return this.edit(actor, id, version, async (before, em) => {
      const values: Partial<Agreement> = {};
      for (const key of EDITABLE) {
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
      return { values, scope: LIVE, audited: AUDITED };
    });
  }
}

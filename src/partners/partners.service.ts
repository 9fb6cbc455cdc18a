import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { AuditService, diff } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { can } from '../auth/permissions';
import { stripUndefined } from '../common/dto';
import { staleOrMissing, updateIfVersion } from '../common/concurrency';
import { Forbidden, NotFound, VersionConflict } from '../common/errors';
import { Page, Paginator, Sorts } from '../common/pagination';
import {
  liveVersion,
  purgeRecord,
  RecordSpec,
  restoreRecord,
  softDeleteRecord,
} from '../common/records';
import { scopedQuery } from '../common/scope';
import { searchColumns, searchCondition } from '../common/search';
import { refreshContactSearchKeys } from '../contacts/contact-search';
import { Partner } from './partner.entity';
import { partnerScope } from './scope';
import {
  CreatePartnerDto,
  PARTNER_DEFAULT_SORT,
  PartnerListQuery,
  PartnerSort,
  UpdatePartnerDto,
} from './partners.dto';

const AUDITED = [
  'name',
  'nativeName',
  'kind',
  'country',
  'city',
  'address',
  'website',
  'description',
  'deletedAt',
] as const;

const PARTNER: RecordSpec<Partner> = { entity: Partner, table: 'partners', kind: 'partner' };

@Injectable()
export class PartnersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly paginator: Paginator,
    private readonly audit: AuditService,
  ) {}

  /**
   * What the caller may see, as a query: agency roles see every partner, a company user only the
   * partners of its company's live leads. Every read goes through here.
   */
  private scoped(
    actor: Actor,
    manager: EntityManager = this.db.manager,
    withDeleted = false,
  ): SelectQueryBuilder<Partner> {
    return scopedQuery(manager, Partner, 'p', partnerScope(actor, 'p'), withDeleted);
  }

  async list(actor: Actor, query: PartnerListQuery): Promise<Page<Partner>> {
    if (query.deleted && !can(actor.role, 'partner:write'))
      throw new Forbidden('Only agency staff see deleted records.');
    const qb = this.scoped(actor, this.db.manager, query.deleted === true);
    if (query.deleted) qb.andWhere('p.deleted_at IS NOT NULL');
    if (query.q !== undefined) {
      const search = searchCondition('p', query.q);
      qb.andWhere(search.sql, search.params);
    }
    if (query.country) qb.andWhere('p.country = :country', { country: query.country });
    if (query.kind) qb.andWhere('p.kind = :kind', { kind: query.kind });
    const sorts: Sorts<Partner, PartnerSort> = {
      name: { sql: 'lower(p.name)', type: 'text', value: (p) => p.name.toLowerCase() },
      createdAt: { sql: 'p.created_at', type: 'timestamptz', value: (p) => p.createdAt },
      updatedAt: { sql: 'p.updated_at', type: 'timestamptz', value: (p) => p.updatedAt },
    };
    return this.paginator.page(qb, query, {
      sorts,
      defaultSort: PARTNER_DEFAULT_SORT,
      idColumn: 'p.id',
    });
  }

  async get(actor: Actor, id: string, manager?: EntityManager): Promise<Partner> {
    const partner = await this.scoped(actor, manager).andWhere('p.id = :id', { id }).getOne();
    if (!partner) throw new NotFound('partner', id);
    return partner;
  }

  async create(actor: Actor, dto: CreatePartnerDto): Promise<Partner> {
    return this.db.transaction(async (em) => {
      const { identifiers } = await em.insert(Partner, {
        name: dto.name,
        nativeName: dto.nativeName ?? null,
        kind: dto.kind ?? 'other',
        country: dto.country,
        city: dto.city ?? null,
        address: dto.address ?? null,
        website: dto.website ?? null,
        description: dto.description ?? null,
        ...searchColumns([dto.name, dto.nativeName]),
      });
      const partner = await this.get(actor, identifiers[0].id as string, em);
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'create',
        entity: 'partner',
        entityId: partner.id,
        changes: diff({}, partner, AUDITED),
      });
      return partner;
    });
  }

  async update(actor: Actor, id: string, version: number, dto: UpdatePartnerDto): Promise<Partner> {
    return this.db.transaction(async (em) => {
      const before = await this.get(actor, id, em);
      if (before.version !== version) throw new VersionConflict(before.version);
      const name = dto.name ?? before.name;
      const nativeName = dto.nativeName !== undefined ? dto.nativeName : before.nativeName;
      const values: Partial<Partner> = {
        ...stripUndefined(dto),
        ...searchColumns([name, nativeName]),
      };
      if (
        !(await updateIfVersion(em, Partner, id, version, values, { sql: 'deleted_at IS NULL' }))
      ) {
        throw staleOrMissing(
          await liveVersion(em, 'partners', id),
          () => new NotFound('partner', id),
        );
      }
      const after = await this.get(actor, id, em);
      // Contacts are found by their organisation's names: rebuild their keys with the new ones.
      if (after.name !== before.name || after.nativeName !== before.nativeName)
        await refreshContactSearchKeys(em, { partnerId: id });
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'update',
        entity: 'partner',
        entityId: id,
        changes: diff(before, after, AUDITED),
      });
      return after;
    });
  }

  async remove(actor: Actor, id: string, version: number): Promise<void> {
    await this.db.transaction((em) =>
      softDeleteRecord(em, this.audit, actor, PARTNER, id, version, {
        get: () => this.get(actor, id, em),
      }),
    );
  }

  async restore(actor: Actor, id: string): Promise<Partner> {
    return this.db.transaction((em) =>
      restoreRecord(em, this.audit, actor, PARTNER, id, { get: () => this.get(actor, id, em) }),
    );
  }

  async purge(actor: Actor, id: string): Promise<void> {
    await this.db.transaction((em) => purgeRecord(em, this.audit, actor, PARTNER, id));
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { AuditService, diff } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { can } from '../auth/permissions';
import { staleOrMissing, updateIfVersion } from '../common/concurrency';
import { stripUndefined } from '../common/dto';
import { Forbidden, NotFound } from '../common/errors';
import { Page, Paginator, Sorts } from '../common/pagination';
import { purgeRecord, RecordSpec, restoreRecord, softDeleteRecord } from '../common/records';
import { scopedQuery } from '../common/scope';
import { searchColumns, searchCondition } from '../common/search';
import { refreshContactSearchKeys } from '../contacts/contact-search';
import { Company } from './company.entity';
import { companyScope } from './scope';
import {
  COMPANY_DEFAULT_SORT,
  CompanyListQuery,
  CompanySort,
  CreateCompanyDto,
  UpdateCompanyDto,
} from './companies.dto';

const AUDITED = [
  'name',
  'legalName',
  'industry',
  'city',
  'country',
  'website',
  'description',
  'branchCountries',
  'deletedAt',
] as const;

const COMPANY: RecordSpec<Company> = { entity: Company, table: 'companies', kind: 'company' };

@Injectable()
export class CompaniesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly paginator: Paginator,
    private readonly audit: AuditService,
  ) {}

  /**
   * What the caller may see, as a query: agency roles see every company, a company user only
   * its own. Every read goes through here, so no query can forget the scope.
   */
  private scoped(
    actor: Actor,
    manager: EntityManager = this.db.manager,
    withDeleted = false,
  ): SelectQueryBuilder<Company> {
    return scopedQuery(manager, Company, 'c', companyScope(actor, 'c'), withDeleted);
  }

  async list(actor: Actor, query: CompanyListQuery): Promise<Page<Company>> {
    if (query.deleted && !can(actor.role, 'company:write'))
      throw new Forbidden('Only agency staff see deleted records.');
    const qb = this.scoped(actor, this.db.manager, query.deleted === true);
    if (query.deleted) qb.andWhere('c.deleted_at IS NOT NULL');
    if (query.q !== undefined) {
      const search = searchCondition('c', query.q);
      qb.andWhere(search.sql, search.params);
    }
    if (query.country) qb.andWhere('c.country = :country', { country: query.country });
    if (query.branchCountry)
      qb.andWhere(':branchCountry = ANY(c.branch_countries)', {
        branchCountry: query.branchCountry,
      });
    const sorts: Sorts<Company, CompanySort> = {
      name: { sql: 'lower(c.name)', type: 'text', value: (c) => c.name.toLowerCase() },
      createdAt: { sql: 'c.created_at', type: 'timestamptz', value: (c) => c.createdAt },
      updatedAt: { sql: 'c.updated_at', type: 'timestamptz', value: (c) => c.updatedAt },
    };
    return this.paginator.page(qb, query, {
      sorts,
      defaultSort: COMPANY_DEFAULT_SORT,
      idColumn: 'c.id',
    });
  }

  async get(actor: Actor, id: string, manager?: EntityManager): Promise<Company> {
    const company = await this.scoped(actor, manager).andWhere('c.id = :id', { id }).getOne();
    if (!company) throw new NotFound('company', id);
    return company;
  }

  async create(actor: Actor, dto: CreateCompanyDto): Promise<Company> {
    return this.db.transaction(async (em) => {
      const { identifiers } = await em.insert(Company, {
        name: dto.name,
        legalName: dto.legalName ?? null,
        industry: dto.industry ?? null,
        city: dto.city ?? null,
        country: dto.country ?? 'DE',
        website: dto.website ?? null,
        description: dto.description ?? null,
        branchCountries: dto.branchCountries ?? [],
        ...searchColumns([dto.name, dto.legalName]),
      });
      const company = await this.get(actor, identifiers[0].id as string, em);
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'create',
        entity: 'company',
        entityId: company.id,
        changes: diff({}, company, AUDITED),
      });
      return company;
    });
  }

  async update(actor: Actor, id: string, version: number, dto: UpdateCompanyDto): Promise<Company> {
    return this.db.transaction(async (em) => {
      const before = await this.get(actor, id, em);
      const name = dto.name ?? before.name;
      const legalName = dto.legalName !== undefined ? dto.legalName : before.legalName;
      const values: Partial<Company> = {
        ...stripUndefined(dto),
        ...searchColumns([name, legalName]),
      };
      if (
        !(await updateIfVersion(em, Company, id, version, values, { sql: 'deleted_at IS NULL' }))
      ) {
        throw staleOrMissing(before.version, () => new NotFound('company', id));
      }
      const after = await this.get(actor, id, em);
      if (after.name !== before.name || after.legalName !== before.legalName) {
        await refreshContactSearchKeys(em, { companyId: id });
      }
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'update',
        entity: 'company',
        entityId: id,
        changes: diff(before, after, AUDITED),
      });
      return after;
    });
  }

  async remove(actor: Actor, id: string, version: number): Promise<void> {
    await this.db.transaction((em) =>
      softDeleteRecord(em, this.audit, actor, COMPANY, id, version, {
        get: () => this.get(actor, id, em),
      }),
    );
  }

  async restore(actor: Actor, id: string): Promise<Company> {
    return this.db.transaction((em) =>
      restoreRecord(em, this.audit, actor, COMPANY, id, { get: () => this.get(actor, id, em) }),
    );
  }

  async purge(actor: Actor, id: string): Promise<void> {
    await this.db.transaction((em) => purgeRecord(em, this.audit, actor, COMPANY, id));
  }
}

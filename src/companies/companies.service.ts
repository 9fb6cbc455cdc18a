import { Injectable } from '@nestjs/common';
import type { Actor } from '../auth/actor';
import { stripUndefined } from '../common/dto';
import { Page, Sorts } from '../common/pagination';
import { listScope, LIVE, RecordService, ServiceSpec } from '../common/records';
import { organisationMatchKeys } from '../common/organisation-keys';
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
import { transaction } from '../common/transaction';
import { nameColumn } from '../common/names';

/** The fields a change is audited by (the importer audits its writes by the same). */
export const AUDITED = [
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

/** Agency roles see every company, a company user only its own. */
const COMPANY: ServiceSpec<Company> = {
  entity: Company,
  table: 'companies',
  kind: 'company',
  alias: 'c',
  scope: companyScope,
  mergeable: true,
  names: nameColumn('c.name'),
};

@Injectable()
export class CompaniesService extends RecordService<Company, Company> {
  protected readonly spec = COMPANY;

  async list(actor: Actor, query: CompanyListQuery): Promise<Page<Company>> {
    const qb = listScope(actor, query, 'company:write', (deleted) =>
      this.scoped(actor, this.db.manager, deleted),
    );
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

  async create(actor: Actor, dto: CreateCompanyDto): Promise<Company> {
    return transaction(this.db, async (em) => {
      const { identifiers } = await em.insert(Company, {
        name: dto.name,
        legalName: dto.legalName ?? null,
        industry: dto.industry ?? null,
        city: dto.city ?? null,
        country: dto.country ?? 'DE',
        website: dto.website ?? null,
        description: dto.description ?? null,
        branchCountries: dto.branchCountries ?? [],
        ...companyKeys(dto),
      });
      return this.created(em, actor, identifiers[0].id as string, AUDITED);
    });
  }

  async update(actor: Actor, id: string, version: number, dto: UpdateCompanyDto): Promise<Company> {
    return this.edit(actor, id, version, async (before, em) => ({
      values: {
        ...stripUndefined(dto),
        ...companyKeys({ ...before, ...stripUndefined(dto) }),
      },
      scope: LIVE,
      audited: AUDITED,
      // Contacts are found by their organisation's names: rebuild their keys with the new ones.
      afterwards: async (after) => {
        if (after.name !== before.name || after.legalName !== before.legalName)
          await refreshContactSearchKeys(em, { companyId: id });
      },
    }));
  }
}

/** The search and match keys of a company, from its names and website (the importer's too). */
export const companyKeys = (c: {
  name: string;
  legalName?: string | null;
  website?: string | null;
}) => ({
  ...searchColumns([c.name, c.legalName]),
  matchKeys: organisationMatchKeys({ names: [c.name, c.legalName], website: c.website }),
});

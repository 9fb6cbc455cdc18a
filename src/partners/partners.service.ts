import { Injectable } from '@nestjs/common';
import type { Actor } from '../auth/actor';
import { stripUndefined } from '../common/dto';
import { VersionConflict } from '../common/errors';
import { Page, Sorts } from '../common/pagination';
import { listScope, LIVE, RecordService, ServiceSpec } from '../common/records';
import { organisationMatchKeys } from '../common/organisation-keys';
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
import { transaction } from '../common/transaction';
import { nameColumn } from '../common/names';

/** The fields a change is audited by (the importer audits its writes by the same). */
export const AUDITED = [
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

/** Agency roles see every partner, a company user only the partners of its company's live leads. */
const PARTNER: ServiceSpec<Partner> = {
  entity: Partner,
  table: 'partners',
  kind: 'partner',
  alias: 'p',
  scope: partnerScope,
  mergeable: true,
  names: { ...nameColumn('p.name'), other: 'p.native_name' },
};

@Injectable()
export class PartnersService extends RecordService<Partner, Partner> {
  protected readonly spec = PARTNER;

  async list(actor: Actor, query: PartnerListQuery): Promise<Page<Partner>> {
    const qb = listScope(actor, query, 'partner:write', (deleted) =>
      this.scoped(actor, this.db.manager, deleted),
    );
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

  async create(actor: Actor, dto: CreatePartnerDto): Promise<Partner> {
    return transaction(this.db, async (em) => {
      const { identifiers } = await em.insert(Partner, {
        name: dto.name,
        nativeName: dto.nativeName ?? null,
        kind: dto.kind ?? 'other',
        country: dto.country,
        city: dto.city ?? null,
        address: dto.address ?? null,
        website: dto.website ?? null,
        description: dto.description ?? null,
        ...partnerKeys(dto),
      });
      return this.created(em, actor, identifiers[0].id as string, AUDITED);
    });
  }

  async update(actor: Actor, id: string, version: number, dto: UpdatePartnerDto): Promise<Partner> {
    return this.edit(actor, id, version, async (before, em) => {
      if (before.version !== version) throw new VersionConflict(before.version);
      return {
        values: {
          ...stripUndefined(dto),
          ...partnerKeys({ ...before, ...stripUndefined(dto) }),
        },
        scope: LIVE,
        audited: AUDITED,
        // Contacts are found by their organisation's names: rebuild their keys with the new ones.
        afterwards: async (after) => {
          if (after.name !== before.name || after.nativeName !== before.nativeName)
            await refreshContactSearchKeys(em, { partnerId: id });
        },
      };
    });
  }
}

/**
 * The search and match keys of a partner, from its names (the native one also as pinyin) and
 * website (the importer's too).
 */
export const partnerKeys = (p: {
  name: string;
  nativeName?: string | null;
  website?: string | null;
}) => ({
  ...searchColumns([p.name, p.nativeName]),
  matchKeys: organisationMatchKeys({ names: [p.name, p.nativeName], website: p.website }),
});

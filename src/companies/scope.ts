import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { isAgency } from '../auth/permissions';
import { SqlCondition, VISIBLE_ALIAS, VisibleIds, visibleIdsOf } from '../common/scope';

/** What a company user may see of companies: its own. Agency roles see every company. */
export function companyScope(actor: Actor, companyAlias: string): SqlCondition | undefined {
  if (isAgency(actor)) return undefined;
  return {
    sql: `${companyAlias}.id = :scopeCompanyId`,
    params: { scopeCompanyId: actor.companyId },
  };
}

export const visibleCompanyIds = (manager: EntityManager, actor: Actor): VisibleIds =>
  visibleIdsOf(manager, 'companies', companyScope(actor, VISIBLE_ALIAS));

import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { isAgency } from '../auth/permissions';
import type { Scope } from '../common/records';
import { SqlCondition, VISIBLE_ALIAS, VisibleIds, visibleIdsOf, writeScope } from '../common/scope';

/**
 * What a company user may see of leads: its company's. Agency roles see every lead. The rule
 * contacts and partners are seen through (a live lead of the company links them).
 */
export function leadScope(actor: Actor, leadAlias: string): SqlCondition | undefined {
  if (isAgency(actor)) return undefined;
  return {
    sql: `${leadAlias}.company_id = :scopeCompanyId`,
    params: { scopeCompanyId: actor.companyId },
  };
}

/** The same rule as the extra WHERE of an UPDATE of `leads`. */
export const leadWriteScope = (actor: Actor): Scope => writeScope(leadScope(actor, 'leads'));

export const visibleLeadIds = (manager: EntityManager, actor: Actor): VisibleIds =>
  visibleIdsOf(manager, 'leads', leadScope(actor, VISIBLE_ALIAS));

/**
 * Records of another kind seen through the caller's live leads that point at them with
 * `column` (contacts: `contact_id`, partners: `partner_id`).
 */
export function linkedToVisibleLead(
  actor: Actor,
  column: 'contact_id' | 'partner_id',
  recordAlias: string,
): SqlCondition | undefined {
  const lead = `scope_${column.slice(0, 1)}l`;
  const scope = leadScope(actor, lead);
  if (!scope) return undefined;
  return {
    sql: `EXISTS (SELECT 1 FROM leads ${lead}
      WHERE ${lead}.${column} = ${recordAlias}.id AND ${lead}.deleted_at IS NULL AND ${scope.sql})`,
    params: scope.params,
  };
}

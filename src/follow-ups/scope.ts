import type { Actor } from '../auth/actor';
import { isAgency } from '../auth/permissions';
import type { Scope } from '../common/records';
import { SqlCondition, writeScope } from '../common/scope';

/**
 * What a company user may see of follow-ups: those assigned to it or to its company. Agency
 * roles see every follow-up.
 */
export function followUpScope(actor: Actor, followUpAlias: string): SqlCondition | undefined {
  if (isAgency(actor)) return undefined;
  return {
    sql: `(${followUpAlias}.assignee_id = :scopeUserId OR ${followUpAlias}.company_id = :scopeCompanyId)`,
    params: { scopeUserId: actor.userId, scopeCompanyId: actor.companyId },
  };
}

/** The same rule as the extra WHERE of an UPDATE of `follow_ups`. */
export const followUpWriteScope = (actor: Actor): Scope =>
  writeScope(followUpScope(actor, 'follow_ups'));

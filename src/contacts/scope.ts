import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { SqlCondition, VISIBLE_ALIAS, VisibleIds, visibleIdsOf } from '../common/scope';
import { linkedToVisibleLead } from '../leads/scope';

/**
 * Which contacts the caller sees. A contact whose processing is restricted (GDPR art. 18,
 * `restricted_at`) only an admin sees; of the others, a company user sees those linked to a live
 * lead of its company and agency roles see all. Every read of contacts goes through this rule:
 * lists, get, search, exports, and the contacts other records name (`visibleContactIds`).
 * `withRestricted` only for the answer to the very request that restricted it (its writer
 * still gets the record it changed).
 */
export function contactScope(
  actor: Actor,
  contactAlias: string,
  options: { withRestricted?: boolean } = {},
): SqlCondition | undefined {
  const linked = linkedToVisibleLead(actor, 'contact_id', contactAlias);
  if (actor.role === 'admin' || options.withRestricted) return linked;
  const unrestricted = `${contactAlias}.restricted_at IS NULL`;
  return linked
    ? { sql: `${unrestricted} AND ${linked.sql}`, params: linked.params }
    : { sql: unrestricted, params: {} };
}

export const visibleContactIds = (manager: EntityManager, actor: Actor): VisibleIds =>
  visibleIdsOf(manager, 'contacts', contactScope(actor, VISIBLE_ALIAS));

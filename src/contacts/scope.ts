import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { SqlCondition, VISIBLE_ALIAS, VisibleIds, visibleIdsOf } from '../common/scope';
import { linkedToVisibleLead } from '../leads/scope';

/**
 * Which contacts the caller sees. A contact whose processing is restricted (GDPR art. 18,
 * `restricted_at`) only an admin sees; of the others, a company user sees those linked to a live
 * lead of its company and agency roles see all. Every read of contacts goes through this rule:
 * lists, get, search, exports, and the contacts other records name (`visibleContactIds`).
 */
export function contactScope(actor: Actor, contactAlias: string): SqlCondition | undefined {
  if (actor.role === 'admin') return undefined;
  const unrestricted = `${contactAlias}.restricted_at IS NULL`;
  const linked = linkedToVisibleLead(actor, 'contact_id', contactAlias);
  return linked
    ? { sql: `${unrestricted} AND ${linked.sql}`, params: linked.params }
    : { sql: unrestricted, params: {} };
}

export const visibleContactIds = (manager: EntityManager, actor: Actor): VisibleIds =>
  visibleIdsOf(manager, 'contacts', contactScope(actor, VISIBLE_ALIAS));

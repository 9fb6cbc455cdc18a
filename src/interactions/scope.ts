import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { can } from '../auth/permissions';
import { NOTHING, SqlCondition, VISIBLE_ALIAS, VisibleIds, visibleIdsOf } from '../common/scope';

/**
 * What the caller may see of the contact log: agency staff every interaction, a viewer the ones
 * that are not confidential, a company user none (the permission table keeps it out of the
 * interaction routes; this keeps every other query that reads interactions honest).
 */
export function interactionScope(actor: Actor, interactionAlias: string): SqlCondition | undefined {
  if (!can(actor.role, 'interaction:read')) return NOTHING;
  if (!can(actor.role, 'interaction:read-confidential'))
    return { sql: `NOT ${interactionAlias}.confidential`, params: {} };
  return undefined;
}

export const visibleInteractionIds = (manager: EntityManager, actor: Actor): VisibleIds =>
  visibleIdsOf(manager, 'interactions', interactionScope(actor, VISIBLE_ALIAS));

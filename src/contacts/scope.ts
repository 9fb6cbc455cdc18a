import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { SqlCondition, VISIBLE_ALIAS, VisibleIds, visibleIdsOf } from '../common/scope';
import { linkedToVisibleLead } from '../leads/scope';

/**
 * What a company user may see of contacts: those linked to a live lead of its company. Agency
 * roles see every contact.
 */
export const contactScope = (actor: Actor, contactAlias: string): SqlCondition | undefined =>
  linkedToVisibleLead(actor, 'contact_id', contactAlias);

export const visibleContactIds = (manager: EntityManager, actor: Actor): VisibleIds =>
  visibleIdsOf(manager, 'contacts', contactScope(actor, VISIBLE_ALIAS));

import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { SqlCondition, VISIBLE_ALIAS, VisibleIds, visibleIdsOf } from '../common/scope';
import { linkedToVisibleLead } from '../leads/scope';

/**
 * What a company user may see of partners: the partners of its company's live leads. Agency
 * roles see every partner.
 */
export const partnerScope = (actor: Actor, partnerAlias: string): SqlCondition | undefined =>
  linkedToVisibleLead(actor, 'partner_id', partnerAlias);

export const visiblePartnerIds = (manager: EntityManager, actor: Actor): VisibleIds =>
  visibleIdsOf(manager, 'partners', partnerScope(actor, VISIBLE_ALIAS));

import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { can } from '../auth/permissions';
import { NOTHING, SqlCondition, VisibleIds, visibleIdsOf } from '../common/scope';

/** Agreements are the agency's: every agency role reads them all, a company user none. */
export const agreementScope = (actor: Actor): SqlCondition | undefined =>
  can(actor.role, 'agreement:read') ? undefined : NOTHING;

export const visibleAgreementIds = (manager: EntityManager, actor: Actor): VisibleIds =>
  visibleIdsOf(manager, 'agreements', agreementScope(actor));

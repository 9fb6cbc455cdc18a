import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { isAgency } from '../auth/permissions';
import { SqlCondition, VISIBLE_ALIAS, VisibleIds, visibleIdsOf } from '../common/scope';

/**
 * What a company user may see of trips, as SQL for the `where` of every query that reads them:
 * the trips its company takes part in (a delegate of its own on the trip), and of those the
 * appointments open to the whole delegation plus the restricted ones one of its delegates
 * attends. Agency roles see everything, so the conditions are empty for them.
 */
export const tripScope = (actor: Actor, tripAlias: string): SqlCondition | undefined =>
  takesPart(actor, `${tripAlias}.id`);

/**
 * The trip `tripId` is live and the caller sees it, as a condition of another query: a trip's
 * delegates, appointments or contacts met are read with it in one statement instead of reading
 * the trip first. An empty answer does not tell a trip the caller does not see from one without
 * any; the caller then asks for the trip itself (TripsService.get, NotFound).
 */
export function onSeenTrip(actor: Actor, tripId: string): SqlCondition {
  const rule = tripScope(actor, 'seen_t');
  return {
    sql: `EXISTS (SELECT 1 FROM trips seen_t WHERE seen_t.id = CAST(:seenTripId AS uuid) AND seen_t.deleted_at IS NULL${rule ? ` AND ${rule.sql}` : ''})`,
    params: { ...rule?.params, seenTripId: tripId },
  };
}

/** The caller's company has a delegate of its own on the trip with this id. */
function takesPart(actor: Actor, tripId: string): SqlCondition | undefined {
  if (isAgency(actor)) return undefined;
  return {
    sql: `EXISTS (SELECT 1 FROM participants scope_p WHERE scope_p.trip_id = ${tripId} AND scope_p.company_id = :scopeCompanyId AND scope_p.deleted_at IS NULL)`,
    params: { scopeCompanyId: actor.companyId },
  };
}

export function appointmentScope(actor: Actor, appointmentAlias: string): SqlCondition | undefined {
  if (isAgency(actor)) return undefined;
  return {
    sql: `(${appointmentAlias}.restricted = false OR EXISTS (
      SELECT 1 FROM appointment_attendees scope_aa
      JOIN participants scope_ap ON scope_ap.id = scope_aa.participant_id
      WHERE scope_aa.appointment_id = ${appointmentAlias}.id
        AND scope_ap.company_id = :scopeCompanyId AND scope_ap.deleted_at IS NULL))`,
    params: { scopeCompanyId: actor.companyId },
  };
}

export const visibleTripIds = (manager: EntityManager, actor: Actor): VisibleIds =>
  visibleIdsOf(manager, 'trips', tripScope(actor, VISIBLE_ALIAS));

/** An appointment the caller may attend, on a trip it may see. */
export function visibleAppointmentIds(manager: EntityManager, actor: Actor): VisibleIds {
  const trip = takesPart(actor, `${VISIBLE_ALIAS}.trip_id`);
  const appointment = appointmentScope(actor, VISIBLE_ALIAS);
  return visibleIdsOf(
    manager,
    'appointments',
    trip &&
      appointment && {
        sql: `${trip.sql} AND ${appointment.sql}`,
        params: { ...trip.params, ...appointment.params },
      },
  );
}

/**
 * What a company user is shown of a delegate: who travels and in which function, and for its own
 * company's delegates also the company, the login and the costs; nothing that names another
 * company or what that company pays.
 */
export function shownDelegate<P extends DelegateLinks>(actor: Actor, p: P): P {
  if (isAgency(actor) || p.companyId === actor.companyId) return p;
  return Object.assign(p, {
    companyId: null,
    userId: null,
    costBearer: null,
    estimatedCostEur: null,
  });
}

interface DelegateLinks {
  companyId: string | null;
  userId: string | null;
  costBearer: string | null;
  estimatedCostEur: number | null;
}

/** Whose costs the caller sees in a trip's cost report: a company user only its own delegates'. */
export function delegateCostScope(
  actor: Actor,
  participantAlias: string,
): SqlCondition | undefined {
  if (isAgency(actor)) return undefined;
  return {
    sql: `${participantAlias}.company_id = :scopeCompanyId`,
    params: { scopeCompanyId: actor.companyId },
  };
}

/**
 * What a company user is shown of an appointment's links: its own company, never another
 * company or the partner institution (the title and venue say what the delegation needs).
 */
export function shownAppointmentLinks(
  actor: Actor,
  a: { companyId: string | null; partnerId: string | null },
): void {
  if (isAgency(actor)) return;
  if (a.companyId !== actor.companyId) a.companyId = null;
  a.partnerId = null;
}

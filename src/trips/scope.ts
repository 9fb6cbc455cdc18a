import type { Actor } from '../auth/actor';
import { isAgency } from '../auth/permissions';

/**
 * What a company user may see of trips, as SQL for the `where` of every query that reads them:
 * the trips its company takes part in (a delegate of its own on the trip), and of those the
 * appointments open to the whole delegation plus the restricted ones one of its delegates
 * attends. Agency roles see everything, so the conditions are empty for them.
 */
export function tripScope(actor: Actor, tripAlias: string): SqlCondition | undefined {
  if (isAgency(actor)) return undefined;
  return {
    sql: `EXISTS (SELECT 1 FROM participants scope_p WHERE scope_p.trip_id = ${tripAlias}.id AND scope_p.company_id = :scopeCompanyId AND scope_p.deleted_at IS NULL)`,
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

export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

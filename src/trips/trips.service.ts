import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { isAgency } from '../auth/permissions';
import { BadInput, FieldError, fieldError } from '../common/errors';
import { escapeLike } from '../common/search';
import { userIdOrMe } from '../common/dto';
import { Page, Sorts } from '../common/pagination';
import { andPositional, positionalParams, scopedQuery } from '../common/scope';
import { Contact } from '../contacts/contact.entity';
import { CONTACT_NAMES } from '../contacts/names';
import { contactScope } from '../contacts/scope';
import { interactionScope } from '../interactions/scope';
import { leadScope } from '../leads/scope';
import { listScope, LIVE, RecordService, ServiceSpec } from '../common/records';
import { Appointment } from './appointment.entity';
import { onSeenTrip, tripScope } from './scope';
import { appointmentTimeProblems } from './time';
import { Trip } from './trip.entity';
import {
  CreateTripDto,
  LEAD_STAGES,
  LeadStage,
  ProducedDto,
  TRIP_DEFAULT_SORT,
  TripListQuery,
  TripSort,
  UpdateTripDto,
} from './trips.dto';
import { transaction } from '../common/transaction';
import { nameColumn, NamesDto, NamesLimit, namesOf } from '../common/names';

const AUDITED = [
  'title',
  'purpose',
  'destinations',
  'startsOn',
  'endsOn',
  'status',
  'deletedAt',
] as const;

/** More than anyone travels on; a calendar feed shows the latest this many. */
const MAX_TRAVELLED_TRIPS = 200;

/**
 * The trip has a live delegate who is this user's login. A company user asking about someone else
 * learns only of its own company's delegates: who travels for another company is not shown to it
 * (`shownDelegate`).
 */
function travelsOn(
  actor: Actor,
  travellerId: string,
): { sql: string; params: Record<string, unknown> } {
  const own =
    isAgency(actor) || travellerId === actor.userId
      ? ''
      : ' AND tp.company_id = :travellerCompanyId';
  return {
    sql: `EXISTS (SELECT 1 FROM participants tp WHERE tp.trip_id = t.id AND tp.user_id = :travellerId AND tp.deleted_at IS NULL${own})`,
    params: { travellerId, ...(own && { travellerCompanyId: actor.companyId }) },
  };
}

/** The trips the caller may see: all for the agency, a company user's own company's trips. */
const TRIP: ServiceSpec<Trip> = {
  entity: Trip,
  table: 'trips',
  kind: 'trip',
  alias: 't',
  scope: tripScope,
  names: { ...nameColumn('t.title'), day: 't.starts_on' },
  stillReferenced:
    'This trip or one of its appointments is still referenced (leads, interactions, follow-ups or agreements); remove those first.',
};

@Injectable()
export class TripsService extends RecordService<Trip, Trip> {
  protected readonly spec = TRIP;

  async list(actor: Actor, query: TripListQuery): Promise<Page<Trip>> {
    const qb = listScope(actor, query, 'trip:write', (deleted) =>
      this.scoped(actor, this.db.manager, deleted),
    );
    if (query.from && query.to && query.to < query.from)
      throw BadInput.field('to', 'order', 'to must not be before from');
    if (query.q !== undefined && query.q.trim() !== '') {
      qb.andWhere('immutable_unaccent(lower(t.title)) LIKE immutable_unaccent(lower(:q))', {
        q: `%${escapeLike(query.q.trim())}%`,
      });
    }
    if (query.status) qb.andWhere('t.status = :status', { status: query.status });
    // A trip is in [from, to] when any of its days is.
    if (query.from) qb.andWhere('t.ends_on >= :from', { from: query.from });
    if (query.to) qb.andWhere('t.starts_on <= :to', { to: query.to });
    if (query.travellerId) {
      const travels = travelsOn(actor, userIdOrMe(query.travellerId, actor));
      qb.andWhere(travels.sql, travels.params);
    }
    const sorts: Sorts<Trip, TripSort> = {
      startsOn: { sql: 't.starts_on', type: 'date', value: (t) => t.startsOn },
      endsOn: { sql: 't.ends_on', type: 'date', value: (t) => t.endsOn },
      title: { sql: 'lower(t.title)', type: 'text', value: (t) => t.title.toLowerCase() },
      createdAt: { sql: 't.created_at', type: 'timestamptz', value: (t) => t.createdAt },
      updatedAt: { sql: 't.updated_at', type: 'timestamptz', value: (t) => t.updatedAt },
    };
    return this.paginator.page(qb, query, {
      sorts,
      defaultSort: TRIP_DEFAULT_SORT,
      idColumn: 't.id',
    });
  }

  /**
   * The trips the caller travels on: those with a live delegate who is the caller's login, within
   * the caller's scope (a company user's login on a trip its company does not take part in, e.g.
   * after its delegate moved to another company, shows nothing). The latest first.
   */
  travelled(actor: Actor): Promise<Trip[]> {
    const travels = travelsOn(actor, actor.userId);
    return this.scoped(actor)
      .andWhere(travels.sql, travels.params)
      .orderBy('t.starts_on', 'DESC')
      .addOrderBy('t.id')
      .limit(MAX_TRAVELLED_TRIPS)
      .getMany();
  }

  /**
   * The contacts met on a trip: those its interactions name, of the interactions and contacts
   * the caller may see (the contact log's rule and the contacts'), the most recently met first
   * (then by name); the first `limit` and whether there are more. A trip the caller may not see
   * is a 404.
   */
  async contactsMet(actor: Actor, id: string, query: NamesLimit): Promise<NamesDto> {
    const seen = onSeenTrip(actor, id);
    const logged = interactionScope(actor, 'i');
    // Each contact met, with when it was last met, from the trip's interactions at once: a
    // subquery per contact read all of each contact's interactions (126 ms for 260 contacts of
    // a contact met ten times on average, against some 10 ms so).
    const met = scopedQuery(this.db.manager, Contact, 'c', contactScope(actor, 'c')).innerJoin(
      `(SELECT ic.contact_id, max(i.occurred_at) AS last_met FROM interaction_contacts ic
        JOIN interactions i ON i.id = ic.interaction_id AND i.deleted_at IS NULL
        WHERE i.trip_id = :metOnTrip${logged ? ` AND ${logged.sql}` : ''}
        GROUP BY ic.contact_id)`,
      'met',
      'met.contact_id = c.id',
      { ...logged?.params, metOnTrip: id },
    );
    met.andWhere(seen.sql, seen.params);
    const names = await namesOf(met, CONTACT_NAMES, 'c', query.limit, 'met.last_met');
    // The trip itself only when nobody was met: NotFound if the caller does not see it.
    if (names.items.length === 0) await this.get(actor, id);
    return names;
  }

  /** The trip with what it produced: interactions, leads by stage, agreements. */
  async detail(actor: Actor, id: string): Promise<{ trip: Trip; produced: ProducedDto }> {
    const trip = await this.get(actor, id);
    return { trip, produced: await this.produced(actor, id) };
  }

  private async produced(actor: Actor, tripId: string): Promise<ProducedDto> {
    const leadsOf = positionalParams(tripId);
    const stages = (await this.db.query(
      `SELECT l.stage, count(*)::int AS count FROM leads l
       WHERE l.trip_id = $1 AND l.deleted_at IS NULL
         ${andPositional(leadScope(actor, 'l'), leadsOf.param)}
       GROUP BY l.stage`,
      leadsOf.values,
    )) as { stage: LeadStage; count: number }[];
    const byStage = Object.fromEntries(LEAD_STAGES.map((s) => [s, 0])) as Record<LeadStage, number>;
    for (const row of stages) byStage[row.stage] = row.count;
    const leads = { total: stages.reduce((sum, r) => sum + r.count, 0), byStage };
    // A company user is told nothing of the agency's contact log and agreements, not even a count.
    if (!isAgency(actor)) return { interactions: null, leads, agreements: null };

    const counted = positionalParams(tripId);
    const [counts] = (await this.db.query(
      `SELECT
         (SELECT count(*)::int FROM interactions i
          WHERE i.trip_id = $1 AND i.deleted_at IS NULL
            ${andPositional(interactionScope(actor, 'i'), counted.param)}) AS interactions,
         (SELECT count(*)::int FROM agreements g JOIN appointments a ON a.id = g.appointment_id
          WHERE a.trip_id = $1 AND g.deleted_at IS NULL) AS agreements`,
      counted.values,
    )) as { interactions: number; agreements: number }[];
    return { interactions: counts.interactions, leads, agreements: counts.agreements };
  }

  async create(actor: Actor, dto: CreateTripDto): Promise<Trip> {
    if (dto.endsOn < dto.startsOn)
      throw BadInput.field('endsOn', 'order', 'endsOn must not be before startsOn');
    return transaction(this.db, async (em) => {
      const { identifiers } = await em.insert(Trip, {
        title: dto.title,
        purpose: dto.purpose ?? null,
        destinations: (dto.destinations ?? []).map((d) => ({
          country: d.country,
          city: d.city ?? null,
        })),
        startsOn: dto.startsOn,
        endsOn: dto.endsOn,
        status: dto.status ?? 'planned',
      });
      return this.created(em, actor, identifiers[0].id as string, AUDITED);
    });
  }

  async update(actor: Actor, id: string, version: number, dto: UpdateTripDto): Promise<Trip> {
    return this.edit(actor, id, version, async (before, em) => {
      const startsOn = dto.startsOn ?? before.startsOn;
      const endsOn = dto.endsOn ?? before.endsOn;
      if (endsOn < startsOn) {
        throw BadInput.field(
          dto.endsOn !== undefined ? 'endsOn' : 'startsOn',
          'order',
          'endsOn must not be before startsOn',
        );
      }
      if (startsOn !== before.startsOn || endsOn !== before.endsOn) {
        await this.assertAppointmentsWithin(em, id, { startsOn, endsOn }, dto);
      }
      const values: Partial<Trip> = {};
      if (dto.title !== undefined) values.title = dto.title;
      if (dto.purpose !== undefined) values.purpose = dto.purpose;
      if (dto.destinations !== undefined)
        values.destinations = dto.destinations.map((d) => ({
          country: d.country,
          city: d.city ?? null,
        }));
      if (dto.startsOn !== undefined) values.startsOn = dto.startsOn;
      if (dto.endsOn !== undefined) values.endsOn = dto.endsOn;
      if (dto.status !== undefined) values.status = dto.status;
      return { values, scope: LIVE, audited: AUDITED };
    });
  }

  /** Moving a trip's days must not leave one of its appointments outside them. */
  private async assertAppointmentsWithin(
    em: EntityManager,
    tripId: string,
    days: { startsOn: string; endsOn: string },
    dto: UpdateTripDto,
  ): Promise<void> {
    const appointments = await em
      .getRepository(Appointment)
      .createQueryBuilder('a')
      .where('a.trip_id = :tripId', { tripId })
      .orderBy('a.starts_at')
      .addOrderBy('a.id')
      .getMany();
    const outside = appointments.filter((a) => appointmentTimeProblems(a, days).length > 0);
    if (outside.length === 0) return;
    const names = outside
      .slice(0, 5)
      .map((a) => `"${a.title}"`)
      .join(', ');
    const message = `${outside.length} appointment(s) would fall outside the trip's days (${names}); move them first`;
    const errors: FieldError[] = [];
    if (dto.startsOn !== undefined) errors.push(fieldError('startsOn', 'range', message));
    if (dto.endsOn !== undefined) errors.push(fieldError('endsOn', 'range', message));
    throw new BadInput(errors);
  }

  /**
   * Removes a soft-deleted trip for good, with its delegates and appointments (they exist only
   * as part of it); the audit counts them. Anything else still pointing at the trip or one of its
   * appointments (a lead, an interaction, an agreement) keeps it: 409.
   */
  protected override async purgeParts(
    em: EntityManager,
    id: string,
  ): Promise<Record<string, unknown>> {
    const [, appointments] = (await em.query('DELETE FROM appointments WHERE trip_id = $1', [
      id,
    ])) as [unknown, number];
    const [, participants] = (await em.query('DELETE FROM participants WHERE trip_id = $1', [
      id,
    ])) as [unknown, number];
    return { removed: { appointments, participants } };
  }
}

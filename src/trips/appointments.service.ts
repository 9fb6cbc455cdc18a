import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { BadInput, FieldError, fieldError } from '../common/errors';
import { Page } from '../common/pagination';
import { listScope, NestedSpec } from '../common/records';
import { TripPartService } from './trip-parts';
import { Appointment } from './appointment.entity';
import {
  AppointmentListQuery,
  CreateAppointmentDto,
  UpdateAppointmentDto,
} from './appointments.dto';
import { ItineraryAppointment, itineraryCalendar, itineraryFilename } from './itinerary';
import { deadLinks } from '../common/references';
import { appointmentScope, shownAppointmentLinks } from './scope';
import { appointmentTimeProblems, canonicalTimeZone, parseInstant } from './time';
import { Trip } from './trip.entity';
import { transaction } from '../common/transaction';

const AUDITED = [
  'title',
  'kind',
  'startsAt',
  'endsAt',
  'timeZone',
  'city',
  'venue',
  'partnerId',
  'companyId',
  'restricted',
  'attendeeIds',
  'notes',
  'deletedAt',
] as const;

/** Enough for any real trip's itinerary in one answer. */
const MAX_ITINERARY_APPOINTMENTS = 1000;
/** Enough for every trip a person has travelled on; past that, the latest appointments. */
const MAX_FEED_APPOINTMENTS = 2000;

/**
 * The appointments of one trip the caller may attend: all of them for the agency; for a company
 * user the open ones and the restricted ones one of its delegates attends.
 */
const APPOINTMENT: NestedSpec<Appointment> = {
  entity: Appointment,
  table: 'appointments',
  kind: 'appointment',
  alias: 'a',
  scope: appointmentScope,
  parentColumn: 'trip_id',
};

@Injectable()
export class AppointmentsService extends TripPartService<Appointment, Appointment> {
  protected readonly spec = APPOINTMENT;

  /**
   * Fills attendeeIds (current delegates of the trip, in the order they joined), hides other
   * organisations from a company user, and returns the attendees' names by id, for the itinerary.
   */
  private async complete(
    actor: Actor,
    tripIds: string[],
    appointments: Appointment[],
    manager: EntityManager = this.db.manager,
  ): Promise<{ appointments: Appointment[]; names: Map<string, string> }> {
    const names = new Map<string, string>();
    if (appointments.length === 0) return { appointments, names };
    // Joined through the trip's own delegates (participants_trip_id_idx), not every delegate of
    // every trip.
    const rows = (await manager.query(
      `SELECT aa.appointment_id, aa.participant_id, p.name
       FROM participants p
       JOIN appointment_attendees aa ON aa.participant_id = p.id
       WHERE p.trip_id = ANY($1::uuid[]) AND p.deleted_at IS NULL
         AND aa.appointment_id = ANY($2::uuid[])
       ORDER BY p.created_at, p.id`,
      [tripIds, appointments.map((a) => a.id)],
    )) as { appointment_id: string; participant_id: string; name: string }[];
    const attendees = new Map<string, string[]>();
    for (const r of rows) {
      names.set(r.participant_id, r.name);
      const ids = attendees.get(r.appointment_id);
      if (ids) ids.push(r.participant_id);
      else attendees.set(r.appointment_id, [r.participant_id]);
    }
    for (const a of appointments) {
      a.attendeeIds = attendees.get(a.id) ?? [];
      shownAppointmentLinks(actor, a);
    }
    return { appointments, names };
  }

  async list(
    actor: Actor,
    tripId: string,
    query: AppointmentListQuery,
  ): Promise<Page<Appointment>> {
    const listed = listScope(actor, { ids: query.ids }, 'trip:write', () =>
      this.scoped(actor, tripId),
    );
    const page = await this.underSeenTrip(
      actor,
      tripId,
      listed,
      (qb) =>
        this.paginator.page(qb, query, {
          sorts: {
            startsAt: { sql: 'a.starts_at', type: 'timestamptz', value: (a) => a.startsAt },
            createdAt: { sql: 'a.created_at', type: 'timestamptz', value: (a) => a.createdAt },
          },
          defaultSort: 'startsAt',
          idColumn: 'a.id',
        }),
      (found) => found.items.length === 0,
    );
    const { appointments } = await this.complete(actor, [tripId], page.items);
    return { items: appointments, nextCursor: page.nextCursor };
  }

  protected async shown(
    actor: Actor,
    tripId: string,
    appointment: Appointment,
    manager: EntityManager,
  ): Promise<Appointment> {
    const { appointments } = await this.complete(actor, [tripId], [appointment], manager);
    return appointments[0];
  }

  /**
   * The rules of an appointment as it will be stored: it ends after it starts, within the trip's
   * days where it happens; a restricted one names its attendees; attendees are delegates of
   * this very trip; partner and company exist.
   */
  private async check(
    em: EntityManager,
    trip: Trip,
    values: {
      startsAt: Date;
      endsAt: Date;
      timeZone: string;
      restricted: boolean;
      partnerId: string | null;
      companyId: string | null;
    },
    attendeeIds: string[] | undefined,
    attendeesField: string[],
  ): Promise<void> {
    const problems: FieldError[] = appointmentTimeProblems(values, trip);
    if (attendeeIds !== undefined && attendeeIds.length > 0) {
      const rows = (await em.query(
        `SELECT id FROM participants
         WHERE trip_id = $1 AND deleted_at IS NULL AND id = ANY($2::uuid[])`,
        [trip.id, attendeeIds],
      )) as { id: string }[];
      const known = new Set(rows.map((r) => r.id));
      const strangers = attendeeIds.filter((id) => !known.has(id));
      if (strangers.length) {
        problems.push(
          fieldError(
            'attendeeIds',
            'attendee',
            `attendeeIds must be participants of this trip; not: ${strangers.join(', ')}`,
          ),
        );
      }
    }
    if (values.restricted && attendeesField.length === 0) {
      problems.push(
        fieldError('attendeeIds', 'required', 'a restricted appointment must name its attendees'),
      );
    }
    problems.push(
      ...(await deadLinks(em, [
        { field: 'partnerId', table: 'partners', id: values.partnerId },
        { field: 'companyId', table: 'companies', id: values.companyId },
      ])),
    );
    if (problems.length) throw new BadInput(problems);
  }

  private async setAttendees(em: EntityManager, id: string, attendeeIds: string[]): Promise<void> {
    await em.query('DELETE FROM appointment_attendees WHERE appointment_id = $1', [id]);
    if (attendeeIds.length) {
      await em.query(
        `INSERT INTO appointment_attendees (appointment_id, participant_id)
         SELECT $1, unnest($2::uuid[])`,
        [id, attendeeIds],
      );
    }
  }

  async create(actor: Actor, tripId: string, dto: CreateAppointmentDto): Promise<Appointment> {
    return transaction(this.db, async (em) => {
      const trip = await this.trips.get(actor, tripId, em);
      const values = {
        tripId,
        title: dto.title,
        kind: dto.kind ?? 'meeting',
        startsAt: parseInstant(dto.startsAt)!,
        endsAt: parseInstant(dto.endsAt)!,
        timeZone: canonicalTimeZone(dto.timeZone)!,
        city: dto.city ?? null,
        venue: dto.venue ?? null,
        partnerId: dto.partnerId ?? null,
        companyId: dto.companyId ?? null,
        restricted: dto.restricted ?? false,
        notes: dto.notes ?? null,
      };
      const attendeeIds = dto.attendeeIds ?? [];
      await this.check(em, trip, values, attendeeIds, attendeeIds);
      const { identifiers } = await em.insert(Appointment, values);
      const id = identifiers[0].id as string;
      await this.setAttendees(em, id, attendeeIds);
      return this.created(em, actor, tripId, id, AUDITED);
    });
  }

  async update(
    actor: Actor,
    tripId: string,
    id: string,
    version: number,
    dto: UpdateAppointmentDto,
  ): Promise<Appointment> {
    return this.edit(actor, tripId, id, version, async (before, em) => {
      const trip = await this.trips.get(actor, tripId, em);
      const values: Partial<Appointment> = {};
      if (dto.title !== undefined) values.title = dto.title;
      if (dto.kind !== undefined) values.kind = dto.kind;
      if (dto.startsAt !== undefined) values.startsAt = parseInstant(dto.startsAt)!;
      if (dto.endsAt !== undefined) values.endsAt = parseInstant(dto.endsAt)!;
      if (dto.timeZone !== undefined) values.timeZone = canonicalTimeZone(dto.timeZone)!;
      if (dto.city !== undefined) values.city = dto.city;
      if (dto.venue !== undefined) values.venue = dto.venue;
      if (dto.partnerId !== undefined) values.partnerId = dto.partnerId;
      if (dto.companyId !== undefined) values.companyId = dto.companyId;
      if (dto.restricted !== undefined) values.restricted = dto.restricted;
      if (dto.notes !== undefined) values.notes = dto.notes;
      const merged = { ...before, ...values };
      await this.check(em, trip, merged, dto.attendeeIds, dto.attendeeIds ?? before.attendeeIds);
      return {
        values,
        scope: { sql: 'trip_id = :tripId AND deleted_at IS NULL', params: { tripId } },
        audited: AUDITED,
        alsoWrite: async () => {
          if (dto.attendeeIds !== undefined) await this.setAttendees(em, id, dto.attendeeIds);
        },
      };
    });
  }

  /** The trip's itinerary as iCalendar: the appointments the caller may attend, in time order. */
  async itinerary(actor: Actor, tripId: string): Promise<{ filename: string; body: string }> {
    const trip = await this.trips.get(actor, tripId);
    const { appointments, names } = await this.complete(
      actor,
      [tripId],
      await this.scoped(actor, tripId)
        .orderBy('a.starts_at')
        .addOrderBy('a.id')
        .limit(MAX_ITINERARY_APPOINTMENTS)
        .getMany(),
    );
    // The names go onto the entities read for this answer alone: copying each (a spread of some
    // twenty columns) was the itinerary's largest item of its own code in a CPU profile.
    const body = itineraryCalendar(
      trip,
      appointments.map((a) =>
        Object.assign(a, { attendeeNames: a.attendeeIds.map((id) => names.get(id)!) }),
      ),
    );
    return { filename: itineraryFilename(trip), body };
  }

  /**
   * The itineraries of the trips the caller travels on as a delegate, for its calendar feed:
   * each trip's appointments exactly as its itinerary shows them to the caller.
   */
  async travelled(actor: Actor): Promise<(ItineraryAppointment & { tripStatus: string })[]> {
    const trips = await this.trips.travelled(actor);
    if (trips.length === 0) return [];
    const statusOf = new Map(trips.map((t) => [t.id, t.status]));
    const tripIds = [...statusOf.keys()];
    const { appointments, names } = await this.complete(
      actor,
      tripIds,
      await this.kindQuery(actor, this.db.manager)
        .andWhere('a.trip_id IN (:...tripIds)', { tripIds })
        .orderBy('a.starts_at', 'DESC')
        .addOrderBy('a.id')
        .limit(MAX_FEED_APPOINTMENTS)
        .getMany(),
    );
    return appointments.map((a) => ({
      ...a,
      tripStatus: statusOf.get(a.tripId)!,
      attendeeNames: a.attendeeIds.map((id) => names.get(id)!),
    }));
  }
}

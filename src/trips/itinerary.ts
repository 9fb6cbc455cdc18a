import ical, {
  ICalCalendarMethod,
  ICalEventClass,
  ICalEventStatus,
  type ICalTemporalInstantStub,
  type ICalTemporalPlainDateStub,
  type ICalTemporalPlainDateTimeStub,
  type ICalTemporalZonedDateTimeStub,
} from 'ical-generator';
import { normalize } from '../common/search';
import { formatOffset, utcOffsetSeconds, wallClock } from './time';
import { vtimezoneGenerator } from './vtimezone';

/** What the itinerary needs to know about a trip and its appointments. */
export interface ItineraryTrip {
  title: string;
  purpose: string | null;
  startsOn: string;
  status: string;
}

export interface ItineraryAppointment {
  id: string;
  title: string;
  kind: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  city: string | null;
  venue: string | null;
  restricted: boolean;
  notes: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** Names of the attendees, listed in the description. */
  attendeeNames: string[];
}

const KIND_LABELS: Record<string, string> = {
  state_reception: 'Staatsempfang',
  company_visit: 'Firmenbesuch',
  signing: 'Unterzeichnung',
  meeting: 'Gespräch',
  networking: 'Netzwerktreffen',
  site_visit: 'Besichtigung',
  other: 'Termin',
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An instant as the wall clock of one zone, in the shape ical-generator accepts for Temporal's
 * ZonedDateTime. Handing it a plain Date with a TZID would make it print the *process's* wall
 * clock under that TZID; this way it prints the appointment's own local time, whatever TZ the
 * server runs with.
 */
export function zonedWallClock(instant: Date, timeZone: string): ICalTemporalZonedDateTimeStub {
  const w = wallClock(instant, timeZone);
  const offset = formatOffset(utcOffsetSeconds(instant, timeZone));
  const dateText = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
  const localText = `${dateText}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  const plainDate: ICalTemporalPlainDateStub = {
    year: w.year,
    month: w.month,
    day: w.day,
    toJSON: () => dateText,
    toString: () => dateText,
  };
  const plainDateTime: ICalTemporalPlainDateTimeStub = {
    ...w,
    toJSON: () => localText,
    toString: () => localText,
    toPlainDate: () => plainDate,
    toZonedDateTime: (zone: string) => zonedWallClock(instant, zone),
  };
  const instantStub: ICalTemporalInstantStub = {
    epochMilliseconds: instant.getTime(),
    toJSON: () => instant.toISOString(),
    toString: () => instant.toISOString(),
    toZonedDateTimeISO: (zone: string) => zonedWallClock(instant, zone),
  };
  return {
    ...w,
    timeZoneId: timeZone,
    toInstant: () => instantStub,
    toPlainDateTime: () => plainDateTime,
    withTimeZone: (zone: string) => zonedWallClock(instant, zone),
    toJSON: () => `${localText}${offset}[${timeZone}]`,
    toString: () => `${localText}${offset}[${timeZone}]`,
  };
}

const STATUS_BY_TRIP: Record<string, ICalEventStatus> = {
  planned: ICalEventStatus.TENTATIVE,
  confirmed: ICalEventStatus.CONFIRMED,
  completed: ICalEventStatus.CONFIRMED,
  cancelled: ICalEventStatus.CANCELLED,
};

/**
 * The trip's appointments as an iCalendar: one VEVENT each, DTSTART/DTEND with the TZID of the
 * zone it happens in, and a VTIMEZONE for every zone used, so a calendar program anywhere shows
 * the reception in Beijing at 18:00 Beijing time. UIDs derive from the appointment ids, so
 * importing the itinerary again updates the events instead of duplicating them.
 */
export function itineraryCalendar(
  trip: ItineraryTrip,
  appointments: ItineraryAppointment[],
): string {
  const years = appointments.flatMap((a) => [
    a.startsAt.getUTCFullYear(),
    a.endsAt.getUTCFullYear(),
  ]);
  const calendar = ical({
    prodId: { company: 'Liaison', product: 'Itinerary', language: 'DE' },
    name: trip.title,
    description: trip.purpose ?? undefined,
    method: ICalCalendarMethod.PUBLISH,
  });
  if (years.length > 0) {
    calendar.timezone({
      name: null,
      generator: vtimezoneGenerator(Math.min(...years), Math.max(...years)),
    });
  }
  for (const a of appointments) {
    const description = [
      KIND_LABELS[a.kind] ?? a.kind,
      a.attendeeNames.length ? `Teilnehmende: ${a.attendeeNames.join(', ')}` : null,
      a.notes,
    ]
      .filter(Boolean)
      .join('\n\n');
    const location = [a.venue, a.city].filter(Boolean).join(', ');
    calendar.createEvent({
      id: `${a.id}@liaison`,
      sequence: a.version - 1,
      start: zonedWallClock(a.startsAt, a.timeZone),
      end: zonedWallClock(a.endsAt, a.timeZone),
      timezone: a.timeZone,
      stamp: a.updatedAt,
      created: a.createdAt,
      lastModified: a.updatedAt,
      summary: a.title,
      description,
      location: location || null,
      status: STATUS_BY_TRIP[trip.status] ?? null,
      class: a.restricted ? ICalEventClass.PRIVATE : null,
    });
  }
  return calendar.toString();
}

/** `Wirtschaftsreise China 2019` starting 2019-10-20 → `wirtschaftsreise-china-2019-2019-10-20.ics` */
export function itineraryFilename(trip: ItineraryTrip): string {
  const slug = normalize(trip.title)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'trip'}-${trip.startsOn}.ics`;
}

import { normalize } from '../common/search';
import { icsLines, icsLocal, icsText, icsUtc } from './ics';
import { wallClock } from './time';
import { zoneComponent } from './vtimezone';

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

const STATUS_BY_TRIP: Record<string, string> = {
  planned: 'TENTATIVE',
  confirmed: 'CONFIRMED',
  completed: 'CONFIRMED',
  cancelled: 'CANCELLED',
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
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Liaison//Itinerary//DE',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `NAME:${icsText(trip.title)}`,
    `X-WR-CALNAME:${icsText(trip.title)}`,
  ];
  if (trip.purpose) {
    lines.push(`DESCRIPTION:${icsText(trip.purpose)}`, `X-WR-CALDESC:${icsText(trip.purpose)}`);
  }
  if (appointments.length > 0) {
    let fromYear = Infinity;
    let toYear = -Infinity;
    const zones = new Set<string>();
    for (const a of appointments) {
      fromYear = Math.min(fromYear, a.startsAt.getUTCFullYear());
      toYear = Math.max(toYear, a.endsAt.getUTCFullYear());
      zones.add(a.timeZone);
    }
    for (const zone of zones) lines.push(...zoneComponent(zone, fromYear, toYear));
  }
  const status = STATUS_BY_TRIP[trip.status];
  for (const a of appointments) {
    const description = [
      KIND_LABELS[a.kind] ?? a.kind,
      a.attendeeNames.length ? `Teilnehmende: ${a.attendeeNames.join(', ')}` : null,
      a.notes,
    ]
      .filter(Boolean)
      .join('\n\n');
    const location = [a.venue, a.city].filter(Boolean).join(', ');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${a.id}@liaison`,
      `SEQUENCE:${a.version - 1}`,
      `DTSTAMP:${icsUtc(a.updatedAt)}`,
      `DTSTART;TZID=${a.timeZone}:${icsLocal(wallClock(a.startsAt, a.timeZone))}`,
      `DTEND;TZID=${a.timeZone}:${icsLocal(wallClock(a.endsAt, a.timeZone))}`,
      `CREATED:${icsUtc(a.createdAt)}`,
      `LAST-MODIFIED:${icsUtc(a.updatedAt)}`,
      `SUMMARY:${icsText(a.title)}`,
      `DESCRIPTION:${icsText(description)}`,
    );
    if (location) lines.push(`LOCATION:${icsText(location)}`);
    if (status) lines.push(`STATUS:${status}`);
    if (a.restricted) lines.push('CLASS:PRIVATE');
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return icsLines(lines);
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

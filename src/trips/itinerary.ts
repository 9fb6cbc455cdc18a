import { normalize } from '../common/search';
import { icsDate, icsLines, icsLocal, icsText, icsUtc } from './ics';
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

/** A follow-up on its day due: an all-day event with a link to its page. */
export interface CalendarDay {
  id: string;
  title: string;
  /** `YYYY-MM-DD` */
  day: string;
  notes: string | null;
  /** The record's page, e.g. `https://liaison.example/follow-ups/<id>`. */
  url: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What heads a calendar: its name and description, and for a subscribed feed how often to poll. */
export interface CalendarHead {
  name: string;
  description?: string | null;
  /** A feed: how often a calendar program should fetch it again, as a DURATION (`PT1H`). */
  refresh?: string;
}

export type CalendarLocale = 'de' | 'en';

const WORDS: Record<CalendarLocale, { kinds: Record<string, string>; attendees: string }> = {
  de: {
    kinds: {
      state_reception: 'Staatsempfang',
      company_visit: 'Firmenbesuch',
      signing: 'Unterzeichnung',
      meeting: 'Gespräch',
      networking: 'Netzwerktreffen',
      site_visit: 'Besichtigung',
      other: 'Termin',
    },
    attendees: 'Teilnehmende',
  },
  en: {
    kinds: {
      state_reception: 'State reception',
      company_visit: 'Company visit',
      signing: 'Signing',
      meeting: 'Meeting',
      networking: 'Networking',
      site_visit: 'Site visit',
      other: 'Appointment',
    },
    attendees: 'Attendees',
  },
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
  return calendar(
    { name: trip.title, description: trip.purpose },
    appointments.map((a) => ({ ...a, tripStatus: trip.status })),
  );
}

/**
 * The one iCalendar writer: appointments (of one trip or several, each with its trip's status)
 * with the VTIMEZONEs of their zones, and days (follow-ups due) as all-day events. Every UID is
 * the record's id, so a calendar that reads it again updates its events instead of adding more.
 */
export function calendar(
  head: CalendarHead,
  appointments: (ItineraryAppointment & { tripStatus: string })[],
  days: CalendarDay[] = [],
  locale: CalendarLocale = 'de',
): string {
  const words = WORDS[locale];
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Liaison//Itinerary//DE',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `NAME:${icsText(head.name)}`,
    `X-WR-CALNAME:${icsText(head.name)}`,
  ];
  if (head.description) {
    lines.push(
      `DESCRIPTION:${icsText(head.description)}`,
      `X-WR-CALDESC:${icsText(head.description)}`,
    );
  }
  if (head.refresh) {
    lines.push(
      `REFRESH-INTERVAL;VALUE=DURATION:${head.refresh}`,
      `X-PUBLISHED-TTL:${head.refresh}`,
    );
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
  for (const a of appointments) {
    const description = [
      words.kinds[a.kind] ?? a.kind,
      a.attendeeNames.length ? `${words.attendees}: ${a.attendeeNames.join(', ')}` : null,
      a.notes,
    ]
      .filter(Boolean)
      .join('\n\n');
    const location = [a.venue, a.city].filter(Boolean).join(', ');
    const status = STATUS_BY_TRIP[a.tripStatus];
    lines.push(
      'BEGIN:VEVENT',
      ...identity(a),
      `DTSTART;TZID=${a.timeZone}:${icsLocal(wallClock(a.startsAt, a.timeZone))}`,
      `DTEND;TZID=${a.timeZone}:${icsLocal(wallClock(a.endsAt, a.timeZone))}`,
      ...history(a),
      `SUMMARY:${icsText(a.title)}`,
      `DESCRIPTION:${icsText(description)}`,
    );
    if (location) lines.push(`LOCATION:${icsText(location)}`);
    if (status) lines.push(`STATUS:${status}`);
    if (a.restricted) lines.push('CLASS:PRIVATE');
    lines.push('END:VEVENT');
  }
  for (const d of days) {
    lines.push(
      'BEGIN:VEVENT',
      ...identity(d),
      `DTSTART;VALUE=DATE:${icsDate(d.day)}`,
      `DTEND;VALUE=DATE:${icsDate(d.day, 1)}`,
      ...history(d),
      `SUMMARY:${icsText(d.title)}`,
      `DESCRIPTION:${icsText([d.notes, d.url].filter(Boolean).join('\n\n'))}`,
      `URL:${d.url}`,
      // A day something is due, not a day taken up: it does not make the person look busy.
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return icsLines(lines);
}

type Stamped = { id: string; version: number; createdAt: Date; updatedAt: Date };

/** Which event, which version of it: the UID from the record's id, the record's version. */
const identity = (r: Stamped) => [
  `UID:${r.id}@liaison`,
  `SEQUENCE:${r.version - 1}`,
  `DTSTAMP:${icsUtc(r.updatedAt)}`,
];

const history = (r: Stamped) => [
  `CREATED:${icsUtc(r.createdAt)}`,
  `LAST-MODIFIED:${icsUtc(r.updatedAt)}`,
];

/** `Wirtschaftsreise China 2019` starting 2019-10-20 → `wirtschaftsreise-china-2019-2019-10-20.ics` */
export function itineraryFilename(trip: ItineraryTrip): string {
  const slug = normalize(trip.title)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'trip'}-${trip.startsOn}.ics`;
}

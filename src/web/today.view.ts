import { localDay } from './kit/format';
import { defaultZone, Destination } from './trips.view';

/**
 * The "Today" page's pure parts — which trip a user is on today, the trip's days, the day before
 * and after, where to log an encounter at an appointment — kept apart from the routes so they are
 * unit-tested without booting Nest.
 */

export interface TripDays {
  id: string;
  destinations: Destination[];
  /** First and last day, `YYYY-MM-DD`, in the trip's own calendar. */
  startsOn: string;
  endsOn: string;
  status: string;
}

/**
 * How the shown trip relates to today: under way, the next one ahead, the latest one behind
 * (all the user's trips lie in the past), or none at all.
 */
export type TodayState = 'underWay' | 'next' | 'latest' | 'none';

export interface TodayChoice<T extends TripDays> {
  state: TodayState;
  /** The trips under way today (several when the user is on more than one). */
  underWay: T[];
  /** The trip the page shows. */
  trip?: T;
}

/** The zone a trip's "today" is counted in: its first destination's, else Berlin. */
export const tripZone = (trip: Pick<TripDays, 'destinations'>): string =>
  defaultZone(trip.destinations);

/** Today's date where the trip is. */
export const tripToday = (trip: TripDays, now: Date): string => localDay(now, tripZone(trip));

/**
 * The trip for today: one under way (the one asked for if it is among them), else the next to
 * begin, else the latest that ended. Cancelled trips are nobody's today.
 */
export function chooseTrip<T extends TripDays>(
  trips: T[],
  now: Date,
  wanted?: string,
): TodayChoice<T> {
  const live = trips.filter((trip) => trip.status !== 'cancelled');
  const underWay = live
    .filter((trip) => trip.startsOn <= tripToday(trip, now) && tripToday(trip, now) <= trip.endsOn)
    .sort((a, b) => a.startsOn.localeCompare(b.startsOn) || a.id.localeCompare(b.id));
  const asked = live.find((trip) => trip.id === wanted);
  if (underWay.length)
    return {
      state: 'underWay',
      underWay,
      trip: underWay.find((trip) => trip.id === wanted) ?? underWay[0],
    };
  const ahead = live
    .filter((trip) => trip.startsOn > tripToday(trip, now))
    .sort((a, b) => a.startsOn.localeCompare(b.startsOn) || a.id.localeCompare(b.id));
  if (ahead.length) return { state: 'next', underWay, trip: asked ?? ahead[0] };
  const behind = [...live].sort(
    (a, b) => b.endsOn.localeCompare(a.endsOn) || a.id.localeCompare(b.id),
  );
  if (behind.length) return { state: 'latest', underWay, trip: asked ?? behind[0] };
  return { state: 'none', underWay };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;
/** More days than any trip lasts; a longer one shows its first this many in the day picker. */
export const MAX_TRIP_DAYS = 62;

const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every day of the trip, first to last. */
export function tripDays(trip: Pick<TripDays, 'startsOn' | 'endsOn'>): string[] {
  const days: string[] = [];
  for (
    let ms = toUtc(trip.startsOn);
    ms <= toUtc(trip.endsOn) && days.length < MAX_TRIP_DAYS;
    ms += MS_PER_DAY
  )
    days.push(fromUtc(ms));
  return days;
}

/**
 * The day the page shows: the one asked for when it is one of the trip's, else today where the
 * trip is while it is under way, else its first day.
 */
export function shownDay(trip: TripDays, now: Date, wanted?: string): string {
  const days = tripDays(trip);
  if (wanted && DAY.test(wanted) && days.includes(wanted)) return wanted;
  const today = tripToday(trip, now);
  return days.includes(today) ? today : trip.startsOn;
}

/** The days before and after `day` within the trip, if any. */
export function neighbours(
  trip: Pick<TripDays, 'startsOn' | 'endsOn'>,
  day: string,
): { previous?: string; next?: string } {
  const days = tripDays(trip);
  const i = days.indexOf(day);
  return { previous: i > 0 ? days[i - 1] : undefined, next: i >= 0 ? days[i + 1] : undefined };
}

/**
 * When an encounter at an appointment happened, as "log a contact" proposes it: now while the
 * appointment is on or ahead, its start once it is over (logged afterwards, it happened there).
 */
export function encounterTime(appointment: { startsAt: string; endsAt: string }, now: Date): Date {
  return Date.parse(appointment.endsAt) < now.getTime() ? new Date(appointment.startsAt) : now;
}

/** A map search for a place (venue and city): opens the phone's map or the browser's. */
export const mapLink = (place: string): string =>
  `https://www.openstreetmap.org/search?query=${encodeURIComponent(place)}`;

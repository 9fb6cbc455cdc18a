import { icsFloating, icsText } from './ics';
import { formatOffset, utcOffsetSeconds } from './time';

/**
 * VTIMEZONE components (RFC 5545 §3.6.5) built from the runtime's own time zone database
 * through Intl, so an itinerary carries the rules of every zone it uses and a calendar program
 * imports `DTSTART;TZID=Asia/Shanghai:20191021T140000` at 14:00 Shanghai time, whatever zone
 * the program itself runs in.
 *
 * Each observance is written out with its own DTSTART (no RRULEs) for the years asked for:
 * exact for those years, and small for the few days a trip lasts.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Observance {
  kind: 'STANDARD' | 'DAYLIGHT';
  /** The instant the observance begins. */
  startsAt: Date;
  offsetFrom: number;
  offsetTo: number;
  name: string;
}

const nameFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneName(instant: Date, timeZone: string): string {
  let f = nameFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' });
    nameFormatters.set(timeZone, f);
  }
  return f.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** The first instant (to the second) in (from, to] whose offset differs from the one at `from`. */
function findTransition(timeZone: string, from: number, to: number): number {
  const before = utcOffsetSeconds(new Date(from), timeZone);
  let low = from;
  let high = to;
  while (high - low > 1000) {
    const mid = Math.floor((low + high) / 2000) * 1000;
    if (mid <= low) break;
    if (utcOffsetSeconds(new Date(mid), timeZone) === before) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * Daylight saving time is the higher of a year's offsets: January and July tell them apart in
 * both hemispheres. A zone that only ever changed its standard offset shows none.
 */
function isDaylight(instant: Date, offset: number, timeZone: string): boolean {
  const year = instant.getUTCFullYear();
  const january = utcOffsetSeconds(new Date(Date.UTC(year, 0, 15)), timeZone);
  const july = utcOffsetSeconds(new Date(Date.UTC(year, 6, 15)), timeZone);
  return january !== july && offset > Math.min(january, july);
}

/** The observances in force from the start of `fromYear` to the end of `toYear` (UTC years). */
export function observances(timeZone: string, fromYear: number, toYear: number): Observance[] {
  // Two days' margin: the first and last local days of the range lie either side of UTC.
  const start = Date.UTC(fromYear, 0, 1) - 2 * DAY_MS;
  const end = Date.UTC(toYear + 1, 0, 1) + 2 * DAY_MS;
  const initial = utcOffsetSeconds(new Date(start), timeZone);
  const out: Observance[] = [
    {
      kind: isDaylight(new Date(start), initial, timeZone) ? 'DAYLIGHT' : 'STANDARD',
      startsAt: new Date(start),
      offsetFrom: initial,
      offsetTo: initial,
      name: zoneName(new Date(start), timeZone),
    },
  ];
  let offset = initial;
  // Daily steps: no zone changes its offset twice within a day.
  for (let t = start; t < end; t += DAY_MS) {
    const next = Math.min(t + DAY_MS, end);
    const nextOffset = utcOffsetSeconds(new Date(next), timeZone);
    if (nextOffset === offset) continue;
    const at = new Date(findTransition(timeZone, t, next));
    const to = utcOffsetSeconds(at, timeZone);
    out.push({
      kind: isDaylight(at, to, timeZone) ? 'DAYLIGHT' : 'STANDARD',
      startsAt: at,
      offsetFrom: offset,
      offsetTo: to,
      name: zoneName(at, timeZone),
    });
    offset = to;
  }
  return out;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `TZOFFSETFROM`/`TZOFFSETTO` value: `+0800`, with seconds only when there are any. */
function icsOffset(seconds: number): string {
  const base = formatOffset(seconds, '');
  const rest = Math.abs(seconds) % 60;
  return rest ? `${base}${pad(rest)}` : base;
}

/** A local date-time in the offset in force before the change, as RFC 5545 wants DTSTART. */
const localBefore = (instant: Date, offsetSeconds: number): string =>
  icsFloating(new Date(instant.getTime() + offsetSeconds * 1000));

/** The content lines of one zone's VTIMEZONE component for the given years. */
export function vtimezone(timeZone: string, fromYear: number, toYear: number): string[] {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`, `X-LIC-LOCATION:${timeZone}`];
  for (const o of observances(timeZone, fromYear, toYear)) {
    lines.push(
      `BEGIN:${o.kind}`,
      `DTSTART:${localBefore(o.startsAt, o.offsetFrom)}`,
      `TZOFFSETFROM:${icsOffset(o.offsetFrom)}`,
      `TZOFFSETTO:${icsOffset(o.offsetTo)}`,
      `TZNAME:${icsText(o.name)}`,
      `END:${o.kind}`,
    );
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

/**
 * Finished components by zone and years. Working one out walks the year a day at a time through
 * Intl (some 400 look-ups per zone), which was most of an itinerary request; the answer depends
 * only on the runtime's zone database, which does not change while the process runs.
 */
const components = new Map<string, readonly string[]>();
const MAX_CACHED_COMPONENTS = 1000;

/**
 * The VTIMEZONE lines of a zone for the years of an itinerary, remembered; none for a zone the
 * runtime does not know (it has no rules to give, and the event keeps its TZID).
 */
export function zoneComponent(
  timeZone: string,
  fromYear: number,
  toYear: number,
): readonly string[] {
  const key = `${timeZone}|${fromYear}|${toYear}`;
  let component = components.get(key);
  if (component === undefined) {
    try {
      component = vtimezone(timeZone, fromYear, toYear);
    } catch {
      component = [];
    }
    if (components.size >= MAX_CACHED_COMPONENTS) components.clear();
    components.set(key, component);
  }
  return component;
}

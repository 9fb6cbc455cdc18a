/**
 * Calendar days, instants and IANA time zones for trips and their appointments. Pure functions
 * over Intl (no Nest, no database), so the rules are unit-tested on their own.
 */

import { isDay } from '../common/day';
import type { ServiceErrorCode } from '../common/errors';

export { isDay };

/** The agency's own zone: where the delegates' offices and families read the itinerary. */
export const HOME_TIME_ZONE = 'Europe/Berlin';

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-](\d{2}):(\d{2}))$/;
/** Region/City names (and UTC, Etc/GMT+1): no bare offsets, which are not time zones. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;

/**
 * An ISO 8601 instant that says which offset it was written in (`2019-10-20T19:00:00+08:00` or
 * `…Z`): a time without an offset is ambiguous, so it is refused. Returns the instant or
 * undefined.
 */
export function parseInstant(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const m = INSTANT.exec(value);
  if (!m) return undefined;
  const [year, , , hour, minute] = m.slice(1, 6).map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (!isDay(`${m[1]}-${m[2]}-${m[3]}`) || year < 1000) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[8] !== 'Z' && (Number(m[9]) > 14 || Number(m[10]) > 59)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const zoneCache = new Map<string, string | null>();

/**
 * The canonical spelling of an IANA time zone (`asia/shanghai` → `Asia/Shanghai`), or undefined
 * when the runtime's time zone database does not know it.
 */
export function canonicalTimeZone(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64 || !ZONE_NAME.test(value)) return undefined;
  let known = zoneCache.get(value);
  if (known === undefined) {
    try {
      known = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      known = null;
    }
    if (zoneCache.size < 1000) zoneCache.set(value, known);
  }
  return known ?? undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's Intl formatter of a wall clock to the second, made once per zone. */
export function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in a zone at an instant. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock as Intl reads it off the runtime's zone database: exact, and slow. */
function intlWallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

function intlOffsetSeconds(instant: Date, timeZone: string): number {
  const w = intlWallClock(instant, timeZone);
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(w.year, w.month - 1, w.day);
  asUtc.setUTCHours(w.hour, w.minute, w.second, 0);
  return Math.round((asUtc.getTime() - wholeSecond(instant.getTime())) / 1000);
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_CACHED_DAYS = 50_000;

/**
 * A zone's offset for a whole UTC day, or null for a day on which it changes. Intl took some
 * 10 µs per look-up, most of an itinerary's rendering; a day's offset is found from its first
 * and last second, once. No zone changes its offset and back within one day.
 */
const steadyDays = new Map<string, number | null>();

/** Seconds east of UTC in a zone at an instant (`Asia/Shanghai` → 28800). */
export function utcOffsetSeconds(instant: Date, timeZone: string): number {
  const day = Math.floor(instant.getTime() / DAY_MS);
  const key = `${timeZone}|${day}`;
  let steady = steadyDays.get(key);
  if (steady === undefined) {
    const first = intlOffsetSeconds(new Date(day * DAY_MS), timeZone);
    const last = intlOffsetSeconds(new Date((day + 1) * DAY_MS - 1000), timeZone);
    steady = first === last ? first : null;
    if (steadyDays.size >= MAX_CACHED_DAYS) steadyDays.clear();
    steadyDays.set(key, steady);
  }
  return steady ?? intlOffsetSeconds(instant, timeZone);
}

/** The wall clock in a zone at an instant (to the second). */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const local = new Date(
    wholeSecond(instant.getTime()) + utcOffsetSeconds(instant, timeZone) * 1000,
  );
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The calendar day in a zone at an instant, `YYYY-MM-DD`. */
export function localDay(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** `HH:mm` in a zone at an instant. */
export function localTime(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** `+08:00` */
export function formatOffset(seconds: number, separator = ':'): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  return `${sign}${pad(Math.floor(abs / 3600))}${separator}${pad(Math.floor((abs % 3600) / 60))}`;
}

/** When an appointment happens, as the people in one zone read it off their clocks. */
export interface LocalSpan {
  timeZone: string;
  /** The day it starts on, `YYYY-MM-DD`. */
  date: string;
  startTime: string;
  /** The day it ends on: the next day for an evening running past midnight. */
  endDate: string;
  endTime: string;
  /** The zone's offset at the start, `+08:00`. */
  utcOffset: string;
}

export function localSpan(startsAt: Date, endsAt: Date, timeZone: string): LocalSpan {
  return {
    timeZone,
    date: localDay(startsAt, timeZone),
    startTime: localTime(startsAt, timeZone),
    endDate: localDay(endsAt, timeZone),
    endTime: localTime(endsAt, timeZone),
    utcOffset: formatOffset(utcOffsetSeconds(startsAt, timeZone)),
  };
}

export interface FieldProblem {
  field: string;
  code: Extract<ServiceErrorCode, 'order' | 'range'>;
  message: string;
}

/**
 * An appointment ends after it starts, and both ends fall on the trip's days as read on the
 * clocks where it happens (an evening in Shanghai on the last day is on the trip even though it
 * is still afternoon in Solingen).
 */
export function appointmentTimeProblems(
  appointment: { startsAt: Date; endsAt: Date; timeZone: string },
  trip: { startsOn: string; endsOn: string },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (appointment.endsAt.getTime() <= appointment.startsAt.getTime()) {
    problems.push({ field: 'endsAt', code: 'order', message: 'endsAt must be after startsAt' });
  }
  for (const field of ['startsAt', 'endsAt'] as const) {
    const day = localDay(appointment[field], appointment.timeZone);
    if (day < trip.startsOn || day > trip.endsOn) {
      problems.push({
        field,
        code: 'range',
        message: `${field} falls on ${day} in ${appointment.timeZone}, outside the trip's days ${trip.startsOn} to ${trip.endsOn}`,
      });
    }
  }
  return problems;
}

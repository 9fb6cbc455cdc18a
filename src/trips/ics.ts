/**
 * The few pieces of RFC 5545's syntax an itinerary needs: TEXT values, UTC and local
 * date-times, and content lines folded at 75 octets. Written here rather than taken from a
 * calendar library: the one we had folded lines by encoding every character on its own (most of
 * an itinerary request went there) and left a calendar's description unescaped, so a purpose
 * with a line break ended the property early.
 */
import type { WallClock } from './time';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A TEXT value (§3.3.11): backslash, semicolon and comma escaped, line breaks as `\n`, and the
 * control characters TEXT may not hold dropped.
 */
export function icsText(value: string): string {
  return (
    value
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
      .replace(/[\\;,\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))
  );
}

/** A Date's UTC fields as a DATE-TIME without a zone (§3.3.5 form 1): `20190902T100000`. */
export function icsFloating(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
}

/** A UTC DATE-TIME (§3.3.5 form 2): `20190902T100000Z`. */
export const icsUtc = (instant: Date): string => `${icsFloating(instant)}Z`;

/** A DATE (§3.3.4) `days` after a `YYYY-MM-DD` day: `icsDate('2019-12-31', 1)` → `20200101`. */
export function icsDate(day: string, days = 0): string {
  const [year, month, date] = day.split('-').map(Number);
  return icsFloating(new Date(Date.UTC(year, month - 1, date + days))).slice(0, 8);
}

/** A local DATE-TIME (§3.3.5 form 1, used with a TZID): `20191021T140000`. */
export function icsLocal(w: WallClock): string {
  return (
    `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}` +
    `T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`
  );
}

const LINE_OCTETS = 75;

/** UTF-8 length of one code point. */
const octets = (codePoint: number) =>
  codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;

/**
 * One content line (§3.1), folded so no physical line exceeds 75 octets: continuation lines
 * begin with a space, and a fold never splits a character's UTF-8 sequence.
 */
export function foldLine(line: string): string {
  if (line.length <= LINE_OCTETS / 4 || Buffer.byteLength(line, 'utf8') <= LINE_OCTETS) {
    return line;
  }
  const parts: string[] = [];
  let start = 0;
  let used = 0;
  let i = 0;
  while (i < line.length) {
    const codePoint = line.codePointAt(i)!;
    const size = octets(codePoint);
    const width = codePoint > 0xffff ? 2 : 1;
    // A continuation line's leading space counts against its 75 octets.
    const room = parts.length === 0 ? LINE_OCTETS : LINE_OCTETS - 1;
    if (used + size > room) {
      parts.push(line.slice(start, i));
      start = i;
      used = 0;
    }
    used += size;
    i += width;
  }
  parts.push(line.slice(start));
  return parts.join('\r\n ');
}

/** Content lines as an iCalendar stream: each folded and ended by CRLF. */
export function icsLines(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) out += `${foldLine(line)}\r\n`;
  return out;
}

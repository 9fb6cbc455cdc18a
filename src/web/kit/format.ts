import { isISO31661Alpha2 } from 'class-validator';
export const HOME_ZONE = 'Europe/Berlin';

type Locale = 'de' | 'en';
const tag = (locale: Locale) => (locale === 'de' ? 'de-DE' : 'en-GB');

const formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
/**
 * An Intl formatter, made once per key (its kind, locale and zone): making one costs about as
 * much as rendering a row of a page, using one almost nothing — the leads board spent a sixth of
 * its time making formatters for its dates and amounts. Keys are bounded by the zones Intl knows.
 */
function made<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => F): F {
  let format = formats.get(key) as F | undefined;
  if (!format) {
    format = make();
    if (formats.size < 5_000) formats.set(key, format);
  }
  return format;
}

/** An instant shown in Berlin time: `21.10.2019, 04:00`. */
export function dateTime(
  value: string | Date | null | undefined,
  locale: Locale,
  timeZone = HOME_ZONE,
): string {
  if (!value) return '';
  return made(
    `dateTime ${locale} ${timeZone}`,
    () =>
      new Intl.DateTimeFormat(tag(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone }),
  ).format(new Date(value));
}

export function time(value: string | Date, locale: Locale, timeZone = HOME_ZONE): string {
  return made(
    `time ${locale} ${timeZone}`,
    () => new Intl.DateTimeFormat(tag(locale), { timeStyle: 'short', timeZone }),
  ).format(new Date(value));
}

const days = new Map<string, string>();
/**
 * A calendar day `YYYY-MM-DD` shown as `20.10.2019` (no time zone involved). Each day is
 * formatted once per locale: a page shows the same few days many times (a board's 120 cards
 * their close dates), and Intl's format was a sixtieth of the board's time.
 */
export function day(value: string | null | undefined, locale: Locale): string {
  if (!value) return '';
  const key = `${locale}${value}`;
  let shown = days.get(key);
  if (shown === undefined) {
    const [y, m, d] = value.split('-').map(Number);
    shown = made(
      `day ${locale}`,
      () => new Intl.DateTimeFormat(tag(locale), { dateStyle: 'medium', timeZone: 'UTC' }),
    ).format(new Date(Date.UTC(y, m - 1, d)));
    if (days.size < 20_000) days.set(key, shown);
  }
  return shown;
}

export function weekday(value: string, locale: Locale): string {
  const [y, m, d] = value.split('-').map(Number);
  return made(
    `weekday ${locale}`,
    () =>
      new Intl.DateTimeFormat(tag(locale), {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      }),
  ).format(new Date(Date.UTC(y, m - 1, d)));
}

/** A day short enough for a row of them: `Mo., 21.10.` / `Mon 21 Oct`. */
export function shortDay(value: string, locale: Locale): string {
  const [y, m, d] = value.split('-').map(Number);
  return made(
    `shortDay ${locale}`,
    () =>
      new Intl.DateTimeFormat(tag(locale), {
        weekday: 'short',
        day: 'numeric',
        month: locale === 'de' ? 'numeric' : 'short',
        timeZone: 'UTC',
      }),
  ).format(new Date(Date.UTC(y, m - 1, d)));
}

/** The calendar day of an instant in a zone: `2019-10-22`. */
export function localDay(value: string | Date, timeZone: string): string {
  return made(
    `localDay ${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }),
  ).format(new Date(value));
}

export function money(value: number | null | undefined, locale: Locale): string {
  if (value === null || value === undefined) return '';
  return made(
    `money ${locale}`,
    () =>
      new Intl.NumberFormat(tag(locale), {
        style: 'currency',
        currency: 'EUR',
        maximumFractionDigits: 0,
      }),
  ).format(value);
}

/** A wall time in a zone: its parts, read with Intl. */
function wallParts(instant: number, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    made(
      `wall ${timeZone}`,
      () =>
        new Intl.DateTimeFormat('en-GB', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
        }),
    )
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
}

/** `datetime-local` input value (wall time in `timeZone`) → ISO instant with the right offset. */
export function localToIso(local: string, timeZone = HOME_ZONE): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number);
  const wanted = Date.UTC(y, mo - 1, d, h, mi);
  if (Number.isNaN(wanted)) return undefined;
  // Find the offset the zone had at that wall time (two passes settle DST edges).
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const parts = wallParts(guess, timeZone);
    const shown = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
    );
    guess += wanted - shown;
  }
  return new Date(guess).toISOString();
}

/** An instant → `datetime-local` value in the zone's wall time. */
export function isoToLocal(value: string | Date, timeZone = HOME_ZONE): string {
  const parts = wallParts(new Date(value).getTime(), timeZone);
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export const berlinLocalToIso = (local: string): string | undefined => localToIso(local);
export const isoToBerlinLocal = (value: string | Date): string => isoToLocal(value);

/** A phone number as a `tel:` address a phone dials: its digits and a leading +. */
export const telHref = (phone: string): string => `tel:${phone.replace(/[^+\d]/g, '')}`;

/** A number in the user's locale: `1.234,5`. */
export const number = (value: number | null | undefined, locale: Locale): string =>
  value === null || value === undefined
    ? ''
    : made(`number ${locale}`, () => new Intl.NumberFormat(tag(locale))).format(value);

/** Both clocks of an instant abroad: `10:00 (Asia/Shanghai) · Berlin 04:00`, or one when they agree. */
export function bothClocks(value: string, locale: Locale, timeZone: string): string {
  const local = dateTime(value, locale, timeZone);
  if (timeZone === HOME_ZONE || time(value, locale, timeZone) === time(value, locale)) return local;
  return `${local} (${timeZone}) · Berlin ${time(value, locale)}`;
}

const regionNames = {
  de: new Intl.DisplayNames(['de'], { type: 'region', fallback: 'none' }),
  en: new Intl.DisplayNames(['en-GB'], { type: 'region', fallback: 'none' }),
};

/** `CN` → „China“ / "China"; an unknown code shows as it is. */
export function countryName(code: string | null | undefined, locale: Locale): string {
  if (!code) return '';
  try {
    return regionNames[locale].of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Every ISO 3166-1 alpha-2 code the API takes, for country pickers. */
const COUNTRY_CODES: string[] = (() => {
  const codes: string[] = [];
  for (const a of LETTERS)
    for (const b of LETTERS)
      if (isISO31661Alpha2(a + b) && regionNames.en.of(a + b)) codes.push(a + b);
  return codes;
})();

const countryChoices = { de: sortedCountries('de'), en: sortedCountries('en') };
function sortedCountries(locale: Locale): { value: string; label: string }[] {
  const collator = new Intl.Collator(tag(locale));
  return COUNTRY_CODES.map((code) => ({ value: code, label: countryName(code, locale) })).sort(
    (x, y) => collator.compare(x.label, y.label),
  );
}
export const countries = (locale: Locale) => countryChoices[locale];

export const HOME_ZONE = 'Europe/Berlin';

type Locale = 'de' | 'en';
const tag = (locale: Locale) => (locale === 'de' ? 'de-DE' : 'en-GB');

/** An instant shown in Berlin time: `21.10.2019, 04:00`. */
export function dateTime(
  value: string | Date | null | undefined,
  locale: Locale,
  timeZone = HOME_ZONE,
): string {
  if (!value) return '';
  return new Intl.DateTimeFormat(tag(locale), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(value));
}

export function time(value: string | Date, locale: Locale, timeZone = HOME_ZONE): string {
  return new Intl.DateTimeFormat(tag(locale), { timeStyle: 'short', timeZone }).format(
    new Date(value),
  );
}

/** A calendar day `YYYY-MM-DD` shown as `20.10.2019` (no time zone involved). */
export function day(value: string | null | undefined, locale: Locale): string {
  if (!value) return '';
  const [y, m, d] = value.split('-').map(Number);
  return new Intl.DateTimeFormat(tag(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

export function weekday(value: string, locale: Locale): string {
  const [y, m, d] = value.split('-').map(Number);
  return new Intl.DateTimeFormat(tag(locale), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** The calendar day of an instant in a zone: `2019-10-22`. */
export function localDay(value: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(value));
}

export function money(value: number | null | undefined, locale: Locale): string {
  if (value === null || value === undefined) return '';
  return new Intl.NumberFormat(tag(locale), {
    style: 'currency',
    currency: 'EUR',
    maximumFractionDigits: 0,
  }).format(value);
}

/** `datetime-local` input value (Berlin wall time) → ISO instant with the right offset. */
export function berlinLocalToIso(local: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number);
  // Find the offset Berlin had at that wall time (two passes settle DST edges).
  let guess = Date.UTC(y, mo - 1, d, h, mi);
  for (let i = 0; i < 2; i++) {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: HOME_ZONE,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })
        .formatToParts(new Date(guess))
        .map((p) => [p.type, p.value]),
    );
    const shown = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
    );
    guess += Date.UTC(y, mo - 1, d, h, mi) - shown;
  }
  return new Date(guess).toISOString();
}

/** An instant → `datetime-local` value in Berlin time. */
export function isoToBerlinLocal(value: string | Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: HOME_ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(value))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

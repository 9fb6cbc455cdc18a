/**
 * True for a real calendar day written `YYYY-MM-DD`. `2026-02-30` is not one; nor is a timestamp
 * (`isISO8601` alone would accept `2026-02-28T10:00`), nor year 0, which PostgreSQL refuses.
 */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  if (year < 1) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

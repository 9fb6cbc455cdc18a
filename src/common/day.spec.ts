import { isDay } from './day';

describe('calendar days', () => {
  it.each(['2026-02-28', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31', '2026-12-31'])(
    'accepts %s',
    (value) => expect(isDay(value)).toBe(true),
  );

  it.each([
    '2026-02-30',
    '2025-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '0000-01-01',
    '2026-1-01',
    '2026-02-28T10:00',
    '28.02.2026',
    '',
    20260228,
    null,
  ])('refuses %j', (value) => expect(isDay(value)).toBe(false));
});

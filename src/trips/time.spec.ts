import {
  appointmentTimeProblems,
  canonicalTimeZone,
  formatter,
  isDay,
  localSpan,
  parseInstant,
  utcOffsetSeconds,
  wallClock,
} from './time';
import { observances } from './vtimezone';

/** The wall clock as Intl gives it for this very instant (no cached offset): what the cached one must equal. */
function intlWallClock(instant: Date, timeZone: string) {
  const format = formatter(timeZone);
  const parts = Object.fromEntries(
    format.formatToParts(instant).map((p) => [p.type, Number(p.value)]),
  );
  const { year, month, day, hour, minute, second } = parts;
  return { year, month, day, hour, minute, second };
}

describe('calendar days', () => {
  it.each(['2019-10-20', '2020-02-29', '2000-02-29', '0001-01-01', '9999-12-31'])(
    'accepts %s',
    (day) => expect(isDay(day)).toBe(true),
  );
  it.each([
    '2019-02-29',
    '1900-02-29',
    '2019-02-30',
    '2019-13-01',
    '2019-00-10',
    '2019-04-31',
    '20.10.2019',
    '2019-10-20T00:00:00Z',
    '2019-1-2',
    '',
    20191020,
    null,
  ])('refuses %j', (day) => expect(isDay(day)).toBe(false));
});

describe('instants', () => {
  it('needs an offset and keeps the instant', () => {
    expect(parseInstant('2019-10-21T14:00:00+08:00')?.toISOString()).toBe(
      '2019-10-21T06:00:00.000Z',
    );
    expect(parseInstant('2019-10-21T14:00+08:00')?.toISOString()).toBe('2019-10-21T06:00:00.000Z');
    expect(parseInstant('2019-10-21T06:00:00.250Z')?.toISOString()).toBe(
      '2019-10-21T06:00:00.250Z',
    );
  });
  it.each([
    '2019-10-21T14:00:00',
    '2019-10-21 14:00:00+08:00',
    '2019-02-30T10:00:00Z',
    '2019-10-21T24:00:00Z',
    '2019-10-21T14:60:00Z',
    '2019-10-21T14:00:00+15:00',
    '2019-10-21',
    'tomorrow',
    1571637600000,
  ])('refuses %j', (value) => expect(parseInstant(value)).toBeUndefined());
});

describe('time zones', () => {
  it('knows IANA zones and spells them canonically', () => {
    expect(canonicalTimeZone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(canonicalTimeZone('asia/shanghai')).toBe('Asia/Shanghai');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
  });
  it.each(['Mars/Olympus_Mons', '+08:00', 'GMT+8 ', '', 'Asia/Shanghai; DROP TABLE', 42])(
    'refuses %j',
    (zone) => expect(canonicalTimeZone(zone)).toBeUndefined(),
  );
  it('finds offsets, with daylight saving time', () => {
    expect(utcOffsetSeconds(new Date('2019-10-21T06:00:00Z'), 'Asia/Shanghai')).toBe(8 * 3600);
    expect(utcOffsetSeconds(new Date('2019-10-21T06:00:00Z'), 'Europe/Berlin')).toBe(2 * 3600);
    expect(utcOffsetSeconds(new Date('2019-10-28T06:00:00Z'), 'Europe/Berlin')).toBe(3600);
  });
});

describe('wall clocks', () => {
  // Half-hour and 45-minute offsets, a 30-minute DST (Lord Howe), a zone that skipped a day
  // (Apia, 2011-12-30), one with DST paused for Ramadan (Casablanca), and the southern summer.
  const zones = [
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'America/St_Johns',
    'Australia/Lord_Howe',
    'Pacific/Apia',
    'Africa/Casablanca',
    'Pacific/Chatham',
    'Asia/Shanghai',
  ];

  const steady = ['Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Shanghai'];
  const changing = zones.filter((z) => !steady.includes(z));

  it.each(changing)('agree with Intl in %s at every change of offset and around it', (zone) => {
    const changes = observances(zone, 2011, 2020).slice(1);
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) {
      for (const delta of [-3600_000, -1000, -1, 0, 1, 999, 1000, 1800_000, 7200_000]) {
        const instant = new Date(change.startsAt.getTime() + delta);
        expect([instant.toISOString(), wallClock(instant, zone)]).toEqual([
          instant.toISOString(),
          intlWallClock(instant, zone),
        ]);
      }
    }
  });

  it.each(zones)('agree with Intl in %s every 97 minutes over two years', (zone) => {
    for (let t = Date.UTC(2011, 0, 1, 0, 7, 13, 250); t < Date.UTC(2013, 0, 1); t += 97 * 60_000) {
      const instant = new Date(t);
      const got = wallClock(instant, zone);
      const want = intlWallClock(instant, zone);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        expect([instant.toISOString(), got]).toEqual([instant.toISOString(), want]);
      }
    }
  });
});

describe('local days and times', () => {
  it('shows an evening past midnight in Shanghai on the day it starts, and at home', () => {
    const startsAt = new Date('2019-10-22T23:00:00+08:00');
    const endsAt = new Date('2019-10-23T01:00:00+08:00');
    expect(localSpan(startsAt, endsAt, 'Asia/Shanghai')).toEqual({
      timeZone: 'Asia/Shanghai',
      date: '2019-10-22',
      startTime: '23:00',
      endDate: '2019-10-23',
      endTime: '01:00',
      utcOffset: '+08:00',
    });
    expect(localSpan(startsAt, endsAt, 'Europe/Berlin')).toEqual({
      timeZone: 'Europe/Berlin',
      date: '2019-10-22',
      startTime: '17:00',
      endDate: '2019-10-22',
      endTime: '19:00',
      utcOffset: '+02:00',
    });
  });
});

describe('appointments within the trip', () => {
  const trip = { startsOn: '2019-10-20', endsOn: '2019-10-24' };
  const at = (startsAt: string, endsAt: string, timeZone = 'Asia/Shanghai') => ({
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
    timeZone,
  });

  it('takes the days from the clocks where it happens', () => {
    // 05:00 in Shanghai on the first day is still the previous day in UTC and in Berlin.
    expect(
      appointmentTimeProblems(at('2019-10-20T05:00:00+08:00', '2019-10-20T05:30:00+08:00'), trip),
    ).toEqual([]);
    expect(
      appointmentTimeProblems(
        at('2019-10-20T05:00:00+08:00', '2019-10-20T05:30:00+08:00', 'Europe/Berlin'),
        trip,
      ).map((p) => p.field),
    ).toEqual(['startsAt', 'endsAt']);
  });

  it('names the field that falls outside, and an end before the start', () => {
    expect(
      appointmentTimeProblems(at('2019-10-24T23:00:00+08:00', '2019-10-25T01:00:00+08:00'), trip),
    ).toEqual([expect.objectContaining({ field: 'endsAt' })]);
    expect(
      appointmentTimeProblems(at('2019-10-21T10:00:00+08:00', '2019-10-21T09:00:00+08:00'), trip),
    ).toEqual([{ field: 'endsAt', code: 'order', message: 'endsAt must be after startsAt' }]);
    expect(
      appointmentTimeProblems(at('2019-10-21T10:00:00+08:00', '2019-10-21T10:00:00+08:00'), trip),
    ).toHaveLength(1);
  });
});

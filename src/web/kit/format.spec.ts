import { berlinLocalToIso, dateTime, day, isoToBerlinLocal, localDay, weekday } from './format';

describe('web formatting', () => {
  it('shows instants in Berlin time and days as days', () => {
    expect(dateTime('2019-10-21T02:00:00Z', 'de')).toBe('21.10.2019, 04:00');
    expect(day('2019-10-20', 'de')).toBe('20.10.2019');
    expect(day('2019-10-20', 'en')).toBe('20 Oct 2019');
  });

  it('turns Berlin wall time into the right instant, summer and winter', () => {
    expect(berlinLocalToIso('2019-10-21T10:00')).toBe('2019-10-21T08:00:00.000Z');
    expect(berlinLocalToIso('2019-11-21T10:00')).toBe('2019-11-21T09:00:00.000Z');
    expect(isoToBerlinLocal('2019-11-21T09:00:00.000Z')).toBe('2019-11-21T10:00');
    expect(berlinLocalToIso('nonsense')).toBeUndefined();
  });

  it('names the day of an itinerary', () => {
    expect(weekday('2019-10-22', 'de')).toBe('Dienstag, 22. Oktober 2019');
    expect(weekday('2019-10-22', 'en')).toBe('Tuesday, 22 October 2019');
  });

  it('finds the local day of an instant in a zone', () => {
    expect(localDay('2019-10-22T16:30:00Z', 'Asia/Shanghai')).toBe('2019-10-23');
    expect(localDay('2019-10-22T16:30:00Z', 'Europe/Berlin')).toBe('2019-10-22');
  });
});

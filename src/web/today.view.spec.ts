import {
  chooseTrip,
  encounterTime,
  MAX_TRIP_DAYS,
  mapLink,
  neighbours,
  shownDay,
  TripDays,
  tripDays,
  tripToday,
} from './today.view';

const trip = (id: string, startsOn: string, endsOn: string, over: Partial<TripDays> = {}) => ({
  id,
  startsOn,
  endsOn,
  status: 'confirmed',
  destinations: [{ country: 'CN', city: 'Peking' }],
  ...over,
});

const china = trip('china', '2019-10-20', '2019-10-24');
const israel = trip('israel', '2017-11-05', '2017-11-09', {
  destinations: [{ country: 'IL', city: 'Tel Aviv' }],
});

describe('the trip of today', () => {
  it("counts today where the trip is: Beijing's morning is still Berlin's night before", () => {
    // 2019-10-19 23:30 in Berlin is 05:30 on the 20th in Beijing: the trip's first day.
    const now = new Date('2019-10-19T21:30:00Z');
    expect(tripToday(china, now)).toBe('2019-10-20');
    const choice = chooseTrip([israel, china], now);
    expect(choice.state).toBe('underWay');
    expect(choice.trip?.id).toBe('china');
    expect(shownDay(china, now)).toBe('2019-10-20');
  });

  it('picks the trip asked for among those under way, else the first to begin', () => {
    const other = trip('other', '2019-10-18', '2019-10-21');
    const now = new Date('2019-10-21T02:00:00Z');
    expect(chooseTrip([china, other], now)).toMatchObject({
      state: 'underWay',
      trip: { id: 'other' },
      underWay: [{ id: 'other' }, { id: 'china' }],
    });
    expect(chooseTrip([china, other], now, 'china').trip?.id).toBe('china');
    expect(chooseTrip([china, other], now, 'israel').trip?.id).toBe('other');
  });

  it('without a trip under way: the next ahead, else the latest behind; never a cancelled one', () => {
    const before = new Date('2019-09-01T12:00:00Z');
    expect(chooseTrip([israel, china], before)).toMatchObject({
      state: 'next',
      trip: { id: 'china' },
      underWay: [],
    });
    const after = new Date('2026-12-07T12:00:00Z');
    expect(chooseTrip([israel, china], after)).toMatchObject({
      state: 'latest',
      trip: { id: 'china' },
    });
    // The latest is shown unless the user picks another of its trips.
    expect(chooseTrip([israel, china], after, 'israel').trip?.id).toBe('israel');
    const cancelled = { ...china, status: 'cancelled' };
    expect(chooseTrip([cancelled], new Date('2019-10-21T02:00:00Z'))).toEqual({
      state: 'none',
      underWay: [],
    });
    expect(chooseTrip([], after)).toEqual({ state: 'none', underWay: [] });
  });
});

describe("the trip's days", () => {
  it('lists every day, first to last, across a month and a leap day', () => {
    expect(tripDays(china)).toEqual([
      '2019-10-20',
      '2019-10-21',
      '2019-10-22',
      '2019-10-23',
      '2019-10-24',
    ]);
    expect(tripDays({ startsOn: '2024-02-28', endsOn: '2024-03-01' })).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(tripDays({ startsOn: '2024-01-01', endsOn: '2024-12-31' })).toHaveLength(MAX_TRIP_DAYS);
  });

  it('shows the day asked for if it is one of the trip, else today while under way, else the first', () => {
    const during = new Date('2019-10-22T04:00:00Z');
    expect(shownDay(china, during, '2019-10-24')).toBe('2019-10-24');
    expect(shownDay(china, during, '2019-10-25')).toBe('2019-10-22');
    expect(shownDay(china, during, 'tomorrow')).toBe('2019-10-22');
    expect(shownDay(china, new Date('2026-12-07T12:00:00Z'))).toBe('2019-10-20');
  });

  it('has no day before the first nor after the last', () => {
    expect(neighbours(china, '2019-10-20')).toEqual({ previous: undefined, next: '2019-10-21' });
    expect(neighbours(china, '2019-10-22')).toEqual({
      previous: '2019-10-21',
      next: '2019-10-23',
    });
    expect(neighbours(china, '2019-10-24')).toEqual({ previous: '2019-10-23', next: undefined });
    expect(neighbours(china, '2020-01-01')).toEqual({ previous: undefined, next: undefined });
  });
});

describe('an encounter at an appointment', () => {
  const tour = { startsAt: '2019-10-21T03:00:00.000Z', endsAt: '2019-10-21T04:30:00.000Z' };

  it('happened now while the appointment is on or ahead, at its start once it is over', () => {
    const during = new Date('2019-10-21T04:00:00Z');
    expect(encounterTime(tour, during)).toBe(during);
    const before = new Date('2019-10-20T12:00:00Z');
    expect(encounterTime(tour, before)).toBe(before);
    expect(encounterTime(tour, new Date('2026-12-07T12:00:00Z')).toISOString()).toBe(tour.startsAt);
  });

  it('is found on a map by its place, the words escaped', () => {
    expect(mapLink('Technologiepark, Besucherzentrum, Peking')).toBe(
      'https://www.openstreetmap.org/search?query=Technologiepark%2C%20Besucherzentrum%2C%20Peking',
    );
    expect(mapLink('A & B?')).toBe('https://www.openstreetmap.org/search?query=A%20%26%20B%3F');
  });
});

import { itineraryCalendar, itineraryFilename, ItineraryAppointment } from './itinerary';
import { foldLine, icsText } from './ics';
import { observances, vtimezone } from './vtimezone';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js');

const appointment = (overrides: Partial<ItineraryAppointment>): ItineraryAppointment => ({
  id: '11111111-1111-4111-8111-111111111111',
  title: 'Termin',
  kind: 'meeting',
  startsAt: new Date('2019-10-21T14:00:00+08:00'),
  endsAt: new Date('2019-10-21T15:30:00+08:00'),
  timeZone: 'Asia/Shanghai',
  city: 'Peking',
  venue: null,
  restricted: false,
  notes: null,
  version: 1,
  createdAt: new Date('2019-09-01T10:00:00Z'),
  updatedAt: new Date('2019-09-02T10:00:00Z'),
  attendeeNames: [],
  ...overrides,
});

interface IcalTime {
  zone: { tzid: string };
  toString(): string;
  toJSDate(): Date;
}

function parse(text: string) {
  ICAL.TimezoneService.reset();
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return calendar
    .getAllSubcomponents('vevent')
    .map((v: unknown) => new ICAL.Event(v))
    .map((e: { uid: string; startDate: IcalTime; endDate: IcalTime }) => ({
      uid: e.uid,
      zone: e.startDate.zone.tzid,
      start: e.startDate.toString(),
      end: e.endDate.toString(),
      startsAt: e.startDate.toJSDate().toISOString(),
      endsAt: e.endDate.toJSDate().toISOString(),
    }));
}

describe('VTIMEZONE from Intl', () => {
  it('gives Shanghai one standard observance at +08:00', () => {
    const found = observances('Asia/Shanghai', 2019, 2019);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'STANDARD', offsetFrom: 28800, offsetTo: 28800 });
  });

  it("gives Berlin 2019's changes at the right instants", () => {
    const changes = observances('Europe/Berlin', 2019, 2019).slice(1);
    expect(changes.map((o) => [o.kind, o.startsAt.toISOString(), o.offsetTo])).toEqual([
      ['DAYLIGHT', '2019-03-31T01:00:00.000Z', 7200],
      ['STANDARD', '2019-10-27T01:00:00.000Z', 3600],
    ]);
    const text = vtimezone('Europe/Berlin', 2019, 2019).join('\r\n');
    expect(text).toContain('BEGIN:DAYLIGHT\r\nDTSTART:20190331T020000\r\nTZOFFSETFROM:+0100');
    expect(text).toContain('BEGIN:STANDARD\r\nDTSTART:20191027T030000\r\nTZOFFSETFROM:+0200');
  });

  it('knows the southern hemisphere has its summer in January', () => {
    const first = observances('Australia/Sydney', 2019, 2019)[0];
    expect(first).toMatchObject({ kind: 'DAYLIGHT', offsetTo: 11 * 3600 });
  });
});

describe('iCalendar syntax', () => {
  it('escapes TEXT and drops control characters it may not hold', () => {
    expect(icsText('a\\b;c,d\r\ne\nf\rg\u0007h\ti')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng' + 'h\ti');
  });

  it('folds by octets, not characters', () => {
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
    // 25 three-octet characters fill a line exactly; the 26th starts the next.
    expect(foldLine('北'.repeat(26))).toBe(`${'北'.repeat(25)}\r\n 北`);
    const folded = foldLine(`S:${'ä'.repeat(100)}`).split('\r\n');
    expect(folded.map((l) => Buffer.byteLength(l))).toEqual([74, 75, 55]);
    expect(folded.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(`S:${'ä'.repeat(100)}`);
  });
});

describe('itinerary', () => {
  it('writes local times under the TZID of each zone, whatever zone the server runs in', () => {
    const text = itineraryCalendar(
      { title: 'China 2019', purpose: null, startsOn: '2019-10-20', status: 'completed' },
      [
        appointment({ title: 'Unterzeichnung' }),
        appointment({
          id: '22222222-2222-4222-8222-222222222222',
          startsAt: new Date('2019-10-22T23:00:00+08:00'),
          endsAt: new Date('2019-10-23T01:00:00+08:00'),
        }),
        appointment({
          id: '33333333-3333-4333-8333-333333333333',
          startsAt: new Date('2017-11-06T10:00:00+02:00'),
          endsAt: new Date('2017-11-06T12:00:00+02:00'),
          timeZone: 'Asia/Jerusalem',
        }),
      ],
    );
    expect(text).toContain('DTSTART;TZID=Asia/Shanghai:20191021T140000');
    expect(text).toContain('DTEND;TZID=Asia/Shanghai:20191023T010000');
    expect(parse(text)).toEqual([
      {
        uid: '11111111-1111-4111-8111-111111111111@liaison',
        zone: 'Asia/Shanghai',
        start: '2019-10-21T14:00:00',
        end: '2019-10-21T15:30:00',
        startsAt: '2019-10-21T06:00:00.000Z',
        endsAt: '2019-10-21T07:30:00.000Z',
      },
      {
        uid: '22222222-2222-4222-8222-222222222222@liaison',
        zone: 'Asia/Shanghai',
        start: '2019-10-22T23:00:00',
        end: '2019-10-23T01:00:00',
        startsAt: '2019-10-22T15:00:00.000Z',
        endsAt: '2019-10-22T17:00:00.000Z',
      },
      {
        uid: '33333333-3333-4333-8333-333333333333@liaison',
        zone: 'Asia/Jerusalem',
        start: '2017-11-06T10:00:00',
        end: '2017-11-06T12:00:00',
        startsAt: '2017-11-06T08:00:00.000Z',
        endsAt: '2017-11-06T10:00:00.000Z',
      },
    ]);
  });

  it('keeps every text as written: escaped, folded at 75 octets, no character split', () => {
    const title = `Unterzeichnung; Vertrag, Teil 2 \\ ${'北京签约仪式'.repeat(12)} 🤝🤝🤝 Ende`;
    const purpose = 'Kontakte knüpfen;\nFolgetermine, Leads\r\nund mehr';
    const notes = `${'Notiz '.repeat(30)}\n\n${'王芳 '.repeat(40)}`;
    const text = itineraryCalendar(
      { title: 'China; 2019, Peking', purpose, startsOn: '2019-10-20', status: 'planned' },
      [appointment({ title, notes, venue: 'Großer Saal, Tian’anmen', restricted: true })],
    );
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const physical = text.split('\r\n').slice(0, -1);
    for (const line of physical) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      expect(line).not.toMatch(/[\r\n\uFFFD]/);
      // A lone surrogate would mean a character split between two lines.
      expect(line).not.toMatch(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
      );
    }
    expect(physical.some((l) => l.startsWith(' '))).toBe(true);

    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(text).toContain('\r\nX-WR-CALNAME:China\\; 2019\\, Peking\r\n');
    expect(calendar.getFirstPropertyValue('description')).toBe(
      'Kontakte knüpfen;\nFolgetermine, Leads\nund mehr',
    );
    const event = calendar.getFirstSubcomponent('vevent');
    expect(event.getFirstPropertyValue('summary')).toBe(title);
    expect(event.getFirstPropertyValue('location')).toBe('Großer Saal, Tian’anmen, Peking');
    expect(event.getFirstPropertyValue('description')).toBe(`Gespräch\n\n${notes}`);
    expect(event.getFirstPropertyValue('class')).toBe('PRIVATE');
    expect(event.getFirstPropertyValue('status')).toBe('TENTATIVE');
  });

  it('is a valid calendar without any appointment', () => {
    const text = itineraryCalendar(
      { title: 'Leer', purpose: null, startsOn: '2020-01-01', status: 'planned' },
      [],
    );
    expect(parse(text)).toEqual([]);
  });

  it('names the file after the trip', () => {
    expect(
      itineraryFilename({
        title: 'Wirtschaftsreise China 2019: Peking & Shanghai',
        purpose: null,
        startsOn: '2019-10-20',
        status: 'completed',
      }),
    ).toBe('wirtschaftsreise-china-2019-peking-shanghai-2019-10-20.ics');
    expect(
      itineraryFilename({
        title: '北京',
        purpose: null,
        startsOn: '2019-10-20',
        status: 'planned',
      }),
    ).toBe('trip-2019-10-20.ics');
  });
});

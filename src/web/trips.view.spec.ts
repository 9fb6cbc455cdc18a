import {
  costsBody,
  CostReport,
  defaultZone,
  destinationLines,
  destinationNames,
  parseDestinations,
  zoneChoices,
  zonesOfCountry,
} from './trips.view';

const report = (lines: CostReport['lines']): CostReport => ({
  participants: lines.length,
  byBearer: { self: { count: 0, totalEur: 0 }, agency: { count: 0, totalEur: 0 } },
  agencyTotalEur: 0,
  selfTotalEur: 0,
  lines,
});

describe('destinations typed one per line', () => {
  it('reads a code or a country name in either language, with or without a city', () => {
    expect(parseDestinations('CN, Peking\n china , Shanghai\n\nIsrael\nvn,Hanoi')).toEqual([
      { country: 'CN', city: 'Peking' },
      { country: 'CN', city: 'Shanghai' },
      { country: 'IL', city: null },
      { country: 'VN', city: 'Hanoi' },
    ]);
    expect(parseDestinations('Vereinigte Staaten, New York, NY')).toEqual([
      { country: 'US', city: 'New York, NY' },
    ]);
  });

  it('leaves what it cannot read for the API to refuse', () => {
    expect(parseDestinations('Atlantis, Poseidonia')).toEqual([
      { country: 'ATLANTIS', city: 'Poseidonia' },
    ]);
  });

  it('writes them back as the form shows them, and names them for people', () => {
    const destinations = [
      { country: 'CN', city: 'Peking' },
      { country: 'IL', city: null },
    ];
    expect(destinationLines(destinations)).toBe('CN, Peking\nIL');
    expect(parseDestinations(destinationLines(destinations))).toEqual(destinations);
    expect(destinationNames(destinations, 'de')).toBe('Peking, China · Israel');
    expect(destinationNames(destinations, 'en')).toBe('Peking, China · Israel');
  });
});

describe('time zones of a trip', () => {
  it("offers the destinations' zones first, then Berlin, then every zone once", () => {
    expect(zonesOfCountry('CN')).toContain('Asia/Shanghai');
    const choices = zoneChoices([{ country: 'CN', city: 'Shanghai' }], 'de');
    const values = choices.map((c) => c.value);
    expect(values.slice(0, 3)).toEqual(['Asia/Shanghai', 'Asia/Urumqi', 'Europe/Berlin']);
    expect(choices[0].label).toBe('Asia/Shanghai – China');
    expect(new Set(values).size).toBe(values.length);
    expect(values).toContain('America/New_York');
  });

  it("keeps a record's own zone among the choices", () => {
    const values = zoneChoices([], 'en', 'Asia/Tokyo').map((c) => c.value);
    expect(values.slice(0, 2)).toEqual(['Asia/Tokyo', 'Europe/Berlin']);
  });

  it('starts a new appointment in the zone asked for, else the first destination’s', () => {
    const china = [{ country: 'CN', city: 'Peking' }];
    expect(defaultZone(china)).toBe('Asia/Shanghai');
    expect(defaultZone(china, 'Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(defaultZone(china, 'Mars/Olympus')).toBe('Asia/Shanghai');
    expect(defaultZone([])).toBe('Europe/Berlin');
  });
});

describe('costs as a role sees them', () => {
  it('gives the agency its totals by who pays', () => {
    const text = costsBody('de', 'staff', {
      participants: 11,
      byBearer: { self: { count: 8, totalEur: 22000 }, agency: { count: 3, totalEur: 8350 } },
      agencyTotalEur: 8350,
      selfTotalEur: 22000,
      lines: [],
    }).value;
    expect(text).toContain('Wirtschaftsförderung');
    expect(text).toMatch(/3 Delegierte · 8\.350\s€/);
    expect(text).toMatch(/8 Delegierte · 22\.000\s€/);
    expect(text).toMatch(/11 Delegierte · 30\.350\s€/);
  });

  it("shows a company its own delegates' lines", () => {
    const text = costsBody(
      'en',
      'company',
      report([
        {
          participantId: 'p1',
          name: 'Managing director, DOVO',
          function: 'Managing director',
          companyId: 'c1',
          costBearer: 'self',
          estimatedCostEur: 2750,
        },
      ]),
    ).value;
    expect(text).toContain('Managing director, DOVO');
    expect(text).toContain('Pays own way');
    expect(text).toContain('€2,750');
    expect(text).toContain('1 delegate ·');
  });

  it('tells a company without delegates so, instead of an agency total of nought', () => {
    const text = costsBody('de', 'company', report([])).value;
    expect(text).toContain('Keiner Ihrer Delegierten reist auf dieser Reise mit.');
    expect(text).not.toContain('€');
    expect(text).not.toContain('Wirtschaftsförderung');
  });
});

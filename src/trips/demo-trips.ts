import type { EntityManager } from 'typeorm';

/**
 * The demo's delegation trips: the China trip of the article (Beijing and Shanghai from
 * 20 October 2019, 13 appointments, eleven delegates of whom the agency pays for its three city
 * delegates, a state reception for the mayor and the agency's director only, two signed
 * cooperation agreements) and the earlier trip to Israel in 2017.
 *
 * People named in the article appear only by their public function; everyone else is plainly
 * fictional. The Israel trip's exact days are not in the article and are made up.
 */

export interface DemoTripIds {
  companies: { zwilling: string; dovo: string; sparkasse: string; stadtwerke: string };
  partners: { techPark: string; campus3d: string };
}

type CompanyKey = keyof DemoTripIds['companies'];

interface DemoParticipant {
  key: string;
  name: string;
  function: string;
  company: CompanyKey | null;
  costBearer: 'self' | 'agency';
  estimatedCostEur: number;
}

interface DemoAppointment {
  key: string;
  title: string;
  kind: string;
  /** Local wall clock in the trip's zone: `2019-10-21 14:00`. */
  starts: string;
  ends: string;
  city: string;
  venue: string | null;
  partner?: keyof DemoTripIds['partners'];
  company?: CompanyKey;
  restricted?: boolean;
  attendees?: string[];
  notes?: string;
}

const MAYOR = 'mayor';
const DIRECTOR = 'director';

const CHINA_DELEGATES: DemoParticipant[] = [
  {
    key: MAYOR,
    name: 'Oberbürgermeister der Stadt Solingen',
    function: 'Oberbürgermeister, Leiter der Delegation',
    company: null,
    costBearer: 'agency',
    estimatedCostEur: 2850,
  },
  {
    key: DIRECTOR,
    name: 'Geschäftsführer der Wirtschaftsförderung Solingen',
    function: 'Geschäftsführer Wirtschaftsförderung',
    company: null,
    costBearer: 'agency',
    estimatedCostEur: 2850,
  },
  {
    key: 'agency',
    name: 'Anna Beispiel',
    function: 'Projektleiterin Internationalisierung, Wirtschaftsförderung',
    company: null,
    costBearer: 'agency',
    estimatedCostEur: 2650,
  },
  {
    key: 'zwilling1',
    name: 'Jonas Beispielmann',
    function: 'Leiter Asiengeschäft',
    company: 'zwilling',
    costBearer: 'self',
    estimatedCostEur: 3100,
  },
  {
    key: 'zwilling2',
    name: 'Lena Musterfrau',
    function: 'Vertrieb China',
    company: 'zwilling',
    costBearer: 'self',
    estimatedCostEur: 2900,
  },
  {
    key: 'dovo',
    name: 'Geschäftsführer DOVO Stahlwaren',
    function: 'Geschäftsführer',
    company: 'dovo',
    costBearer: 'self',
    estimatedCostEur: 2750,
  },
  {
    key: 'sparkasse',
    name: 'Erika Musterfrau',
    function: 'Leiterin Firmenkunden International',
    company: 'sparkasse',
    costBearer: 'self',
    estimatedCostEur: 2750,
  },
  {
    key: 'stadtwerke',
    name: 'Peter Platzhalter',
    function: 'Leiter Unternehmensentwicklung',
    company: 'stadtwerke',
    costBearer: 'self',
    estimatedCostEur: 2750,
  },
  {
    key: 'startup',
    name: 'Tom Testmann',
    function: 'Gründer eines Solinger Start-ups (3D-Druck)',
    company: null,
    costBearer: 'self',
    estimatedCostEur: 2400,
  },
  {
    key: 'manufaktur',
    name: 'Sabine Beispiel',
    function: 'Geschäftsführerin einer Solinger Schneidwarenmanufaktur',
    company: null,
    costBearer: 'self',
    estimatedCostEur: 2750,
  },
  {
    key: 'logistik',
    name: 'Max Mustermann',
    function: 'Inhaber eines Solinger Logistikunternehmens',
    company: null,
    costBearer: 'self',
    estimatedCostEur: 2600,
  },
];

const CHINA_APPOINTMENTS: DemoAppointment[] = [
  // Beijing
  {
    key: 'welcome',
    title: 'Begrüßungsabend der Delegation',
    kind: 'networking',
    starts: '2019-10-20 18:30',
    ends: '2019-10-20 20:30',
    city: 'Peking',
    venue: 'Hotel der Delegation',
    notes: 'Ankunft am Nachmittag; Ablauf der Woche, Vorstellungsrunde.',
  },
  {
    key: 'briefing',
    title: 'Briefing zum chinesischen Markt bei der Auslandshandelskammer',
    kind: 'meeting',
    starts: '2019-10-21 09:00',
    ends: '2019-10-21 10:30',
    city: 'Peking',
    venue: 'Deutsche Auslandshandelskammer Peking',
  },
  {
    key: 'techParkTour',
    title: 'Rundgang durch den Technologiepark',
    kind: 'site_visit',
    starts: '2019-10-21 11:00',
    ends: '2019-10-21 12:30',
    city: 'Peking',
    venue: 'Technologiepark, Besucherzentrum',
    partner: 'techPark',
  },
  {
    key: 'techParkSigning',
    title: 'Unterzeichnung der Kooperationsvereinbarung mit dem Technologiepark',
    kind: 'signing',
    starts: '2019-10-21 14:00',
    ends: '2019-10-21 15:30',
    city: 'Peking',
    venue: 'Technologiepark, Verwaltungsgebäude',
    partner: 'techPark',
    attendees: [MAYOR, DIRECTOR, 'agency'],
    notes: 'Basis in Peking, um für Start-ups und Unternehmen Ansätze zu koordinieren.',
  },
  {
    key: 'reception',
    title: 'Staatsempfang',
    kind: 'state_reception',
    starts: '2019-10-21 18:00',
    ends: '2019-10-21 20:00',
    city: 'Peking',
    venue: 'Staatsgästehaus',
    restricted: true,
    attendees: [MAYOR, DIRECTOR],
    notes:
      'Geladen sind nur der Oberbürgermeister und der Geschäftsführer der Wirtschaftsförderung.',
  },
  {
    key: 'beijingFirms',
    title: 'Treffen mit Solinger Unternehmen mit Niederlassung in Peking',
    kind: 'meeting',
    starts: '2019-10-22 09:30',
    ends: '2019-10-22 11:00',
    city: 'Peking',
    venue: 'Deutsches Haus Peking',
    notes: 'Anschließend Fahrt mit dem Hochgeschwindigkeitszug nach Shanghai.',
  },
  // Shanghai
  {
    key: 'shanghaiEvening',
    title: 'Abendempfang mit der deutschen Wirtschaft in Shanghai',
    kind: 'networking',
    starts: '2019-10-22 19:00',
    ends: '2019-10-22 21:00',
    city: 'Shanghai',
    venue: 'German Centre Shanghai',
  },
  {
    key: 'zwillingVisit',
    title: 'Besuch bei Zwilling in Shanghai',
    kind: 'company_visit',
    starts: '2019-10-23 09:30',
    ends: '2019-10-23 11:30',
    city: 'Shanghai',
    venue: 'Zwilling, Niederlassung Shanghai',
    company: 'zwilling',
  },
  {
    key: 'campusTour',
    title: 'Besichtigung des 3D-Campus',
    kind: 'site_visit',
    starts: '2019-10-23 13:00',
    ends: '2019-10-23 14:30',
    city: 'Shanghai',
    venue: '3D-Campus, Werkstätten für additive Fertigung',
    partner: 'campus3d',
  },
  {
    key: 'campusSigning',
    title: 'Unterzeichnung der Kooperationsvereinbarung mit dem 3D-Campus',
    kind: 'signing',
    starts: '2019-10-23 15:00',
    ends: '2019-10-23 16:30',
    city: 'Shanghai',
    venue: '3D-Campus, Konferenzsaal',
    partner: 'campus3d',
    attendees: [MAYOR, DIRECTOR, 'agency'],
  },
  {
    key: 'shanghaiFirms',
    title: 'Netzwerkabend mit Solinger Unternehmen in Shanghai',
    kind: 'networking',
    starts: '2019-10-23 18:30',
    ends: '2019-10-23 21:00',
    city: 'Shanghai',
    venue: 'Restaurant am Bund',
    notes: 'Gastgeber: Solinger Firmen mit Zweigstellen in Shanghai.',
  },
  {
    key: 'startups',
    title: 'Austausch zur Start-up-Förderung',
    kind: 'meeting',
    starts: '2019-10-24 09:30',
    ends: '2019-10-24 11:00',
    city: 'Shanghai',
    venue: 'Innovationszentrum Shanghai',
  },
  {
    key: 'debrief',
    title: 'Abschlussbesprechung der Delegation',
    kind: 'other',
    starts: '2019-10-24 12:00',
    ends: '2019-10-24 13:30',
    city: 'Shanghai',
    venue: 'Hotel der Delegation',
    notes: 'Nächste Schritte, Nachbereitung der Kontakte; Rückflug am Abend.',
  },
];

const ISRAEL_DELEGATES: DemoParticipant[] = [
  { ...CHINA_DELEGATES[0], estimatedCostEur: 2200 },
  { ...CHINA_DELEGATES[1], estimatedCostEur: 2200 },
  {
    key: 'sparkasse',
    name: 'Erika Musterfrau',
    function: 'Leiterin Firmenkunden International',
    company: 'sparkasse',
    costBearer: 'self',
    estimatedCostEur: 2100,
  },
  {
    key: 'stadtwerke',
    name: 'Peter Platzhalter',
    function: 'Leiter Unternehmensentwicklung',
    company: 'stadtwerke',
    costBearer: 'self',
    estimatedCostEur: 2100,
  },
  {
    key: 'startup',
    name: 'Tom Testmann',
    function: 'Gründer eines Solinger Start-ups (3D-Druck)',
    company: null,
    costBearer: 'self',
    estimatedCostEur: 1900,
  },
];

const ISRAEL_APPOINTMENTS: DemoAppointment[] = [
  {
    key: 'innovation',
    title: 'Besuch eines Innovationszentrums für Start-ups',
    kind: 'site_visit',
    starts: '2017-11-06 10:00',
    ends: '2017-11-06 12:00',
    city: 'Tel Aviv',
    venue: 'Innovationszentrum Tel Aviv',
  },
  {
    key: 'chamber',
    title: 'Gespräch bei der Deutsch-Israelischen Handelskammer',
    kind: 'meeting',
    starts: '2017-11-06 15:00',
    ends: '2017-11-06 16:30',
    city: 'Tel Aviv',
    venue: 'Deutsch-Israelische Industrie- und Handelskammer',
  },
  {
    key: 'utilities',
    title: 'Fachgespräch Wasserwirtschaft und Energie',
    kind: 'meeting',
    starts: '2017-11-07 09:30',
    ends: '2017-11-07 11:30',
    city: 'Tel Aviv',
    venue: 'Kommunaler Versorger (Gastgeber)',
    attendees: ['stadtwerke', DIRECTOR],
  },
  {
    key: 'jerusalem',
    title: 'Empfang in Jerusalem',
    kind: 'networking',
    starts: '2017-11-08 18:00',
    ends: '2017-11-08 20:00',
    city: 'Jerusalem',
    venue: 'Rathaus Jerusalem',
  },
];

async function insertId(em: EntityManager, sql: string, params: unknown[]): Promise<string> {
  const [row] = (await em.query(sql, params)) as { id: string }[];
  return row.id;
}

async function insertTrip(
  em: EntityManager,
  ids: DemoTripIds,
  trip: {
    title: string;
    purpose: string;
    destinations: { country: string; city: string }[];
    startsOn: string;
    endsOn: string;
    timeZone: string;
    utcOffset: string;
    createdAt: string;
  },
  delegates: DemoParticipant[],
  appointments: DemoAppointment[],
): Promise<Map<string, string>> {
  const tripId = await insertId(
    em,
    `INSERT INTO trips (title, purpose, destinations, starts_on, ends_on, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'completed', $6, $6) RETURNING id`,
    [
      trip.title,
      trip.purpose,
      JSON.stringify(trip.destinations),
      trip.startsOn,
      trip.endsOn,
      trip.createdAt,
    ],
  );
  const participantIds = new Map<string, string>();
  for (const [i, d] of delegates.entries()) {
    participantIds.set(
      d.key,
      await insertId(
        em,
        `INSERT INTO participants (trip_id, name, function, company_id, cost_bearer, estimated_cost_eur, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz + $8 * interval '1 minute', $7::timestamptz + $8 * interval '1 minute')
         RETURNING id`,
        [
          tripId,
          d.name,
          d.function,
          d.company ? ids.companies[d.company] : null,
          d.costBearer,
          d.estimatedCostEur,
          trip.createdAt,
          i + 1,
        ],
      ),
    );
  }
  const appointmentIds = new Map<string, string>();
  for (const [i, a] of appointments.entries()) {
    const instant = (local: string) => `${local.replace(' ', 'T')}:00${trip.utcOffset}`;
    const id = await insertId(
      em,
      `INSERT INTO appointments (trip_id, title, kind, starts_at, ends_at, time_zone, city, venue, partner_id, company_id, restricted, notes, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::timestamptz + $14 * interval '1 minute', $13::timestamptz + $14 * interval '1 minute')
       RETURNING id`,
      [
        tripId,
        a.title,
        a.kind,
        instant(a.starts),
        instant(a.ends),
        trip.timeZone,
        a.city,
        a.venue,
        a.partner ? ids.partners[a.partner] : null,
        a.company ? ids.companies[a.company] : null,
        a.restricted ?? false,
        a.notes ?? null,
        trip.createdAt,
        100 + i,
      ],
    );
    appointmentIds.set(a.key, id);
    for (const attendee of a.attendees ?? []) {
      await em.query(
        'INSERT INTO appointment_attendees (appointment_id, participant_id) VALUES ($1, $2)',
        [id, participantIds.get(attendee)],
      );
    }
  }
  return appointmentIds;
}

/** Inserts the demo's trips, delegates, appointments and agreements through the caller's transaction. */
export async function seedDemoTrips(em: EntityManager, ids: DemoTripIds): Promise<void> {
  // Asia/Shanghai has kept +08:00 all year since 1991, so the offset can be written out.
  const china = await insertTrip(
    em,
    ids,
    {
      title: 'Wirtschaftsreise China 2019: Peking und Shanghai',
      purpose:
        'Erster Gegenbesuch in China nach zahlreichen chinesischen Delegationen in Solingen: Kontakte knüpfen, Netzwerke auf- und ausbauen, die Marke Solingen international bekannter machen. Kooperationsvereinbarungen mit einem Technologiepark in Peking und einem 3D-Campus in Shanghai; keine Städtepartnerschaft.',
      destinations: [
        { country: 'CN', city: 'Peking' },
        { country: 'CN', city: 'Shanghai' },
      ],
      startsOn: '2019-10-20',
      endsOn: '2019-10-24',
      timeZone: 'Asia/Shanghai',
      utcOffset: '+08:00',
      createdAt: '2019-06-03T08:00:00Z',
    },
    CHINA_DELEGATES,
    CHINA_APPOINTMENTS,
  );

  // Israel was on standard time (+02:00) again from 27 October 2017.
  await insertTrip(
    em,
    ids,
    {
      title: 'Wirtschaftsreise Israel 2017',
      purpose:
        'Erste Wirtschaftsreise der Internationalisierungsstrategie: Start-up-Szene, Wasser- und Energiewirtschaft, Kontakte zur deutsch-israelischen Wirtschaft.',
      destinations: [
        { country: 'IL', city: 'Tel Aviv' },
        { country: 'IL', city: 'Jerusalem' },
      ],
      startsOn: '2017-11-05',
      endsOn: '2017-11-09',
      timeZone: 'Asia/Jerusalem',
      utcOffset: '+02:00',
      createdAt: '2017-07-10T08:00:00Z',
    },
    ISRAEL_DELEGATES,
    ISRAEL_APPOINTMENTS,
  );

  const signatories = [
    'Oberbürgermeister der Stadt Solingen',
    'Geschäftsführer der Wirtschaftsförderung Solingen',
  ];
  await em.query(
    `INSERT INTO agreements (partner_id, title, kind, status, signed_on, appointment_id, signatories, review_on, summary, created_at, updated_at)
     VALUES ($1, $2, 'cooperation', 'signed', '2019-10-21', $3, $4, '2020-10-21', $5, '2019-10-21T07:30:00Z', '2019-10-21T07:30:00Z'),
            ($6, $7, 'cooperation', 'signed', '2019-10-23', $8, $9, '2020-10-23', $10, '2019-10-23T08:30:00Z', '2019-10-23T08:30:00Z')`,
    [
      ids.partners.techPark,
      'Kooperationsvereinbarung mit dem Technologiepark Peking',
      china.get('techParkSigning'),
      [...signatories, 'Leitung des Technologieparks'],
      'Eine Basis in Peking, von der aus die Wirtschaftsförderung für Solinger Start-ups und Unternehmen Ansätze koordinieren kann. Wissensaustausch und gegenseitige Besuche.',
      ids.partners.campus3d,
      'Kooperationsvereinbarung mit dem 3D-Campus Shanghai',
      china.get('campusSigning'),
      [...signatories, 'Leitung des 3D-Campus'],
      'Zusammenarbeit in der additiven Fertigung (3D-Druck): Austausch zwischen dem Campus und Solinger Unternehmen, Kontakte für Start-ups.',
    ],
  );
}

import type { EntityManager } from 'typeorm';
import { utcOffsetSeconds } from '../trips/time';
import { insert, insertEach, insertLinks, minutesAfter } from './insert';
import type {
  DemoCompanyKey,
  DemoOrganisations,
  DemoPartnerKey,
  DemoUserKey,
} from './organisations';

/**
 * The demo's delegation trips: the China trip of the article (Beijing and Shanghai from
 * 20 October 2019, 13 appointments, eleven delegates of whom the agency pays for its three city
 * delegates, a state reception for the mayor and the agency's director only, two signed
 * cooperation agreements) and the earlier trip to Israel in 2017.
 *
 * People named in the article appear only by their public function; everyone else is plainly
 * fictional. The Israel trip's exact days are not in the article and are made up.
 */

/** The records the trips point at. */
export type DemoTripIds = Pick<DemoOrganisations, 'companies' | 'partners' | 'users'>;

/** A seeded trip's id and the ids of its delegates and appointments, by their keys below. */
export interface DemoTrip {
  id: string;
  delegates: Record<string, string>;
  appointments: Record<string, string>;
}

export interface DemoTrips {
  china: DemoTrip;
  israel: DemoTrip;
}

interface DemoParticipant {
  name: string;
  function: string;
  company: DemoCompanyKey | null;
  costBearer: 'self' | 'agency';
  estimatedCostEur: number;
  /** The demo login that travels as this delegate: its calendar feed holds the trip. */
  login?: DemoUserKey;
}

interface DemoAppointment {
  title: string;
  kind: string;
  /** Local wall clock in the trip's zone: `2019-10-21 14:00`. */
  starts: string;
  ends: string;
  city: string;
  venue: string | null;
  partner?: DemoPartnerKey;
  company?: DemoCompanyKey;
  restricted?: boolean;
  /** Keys of the trip's delegates. */
  attendees?: string[];
  notes?: string;
  /** The cooperation agreement signed there with the partner, for a year until its review. */
  agreement?: { title: string; signatory: string; summary: string };
}

const SIGNATORIES = [
  'Oberbürgermeister der Stadt Solingen',
  'Geschäftsführer der Wirtschaftsförderung Solingen',
];

interface DemoTripPlan {
  title: string;
  purpose: string;
  /** The country visited; the destinations are the cities of the appointments, in order. */
  country: string;
  startsOn: string;
  endsOn: string;
  timeZone: string;
  createdAt: string;
  delegates: Record<string, DemoParticipant>;
  appointments: Record<string, DemoAppointment>;
}

const CHINA_DELEGATES: Record<string, DemoParticipant> = {
  mayor: {
    name: 'Oberbürgermeister der Stadt Solingen',
    function: 'Oberbürgermeister, Leiter der Delegation',
    company: null,
    costBearer: 'agency',
    estimatedCostEur: 2850,
  },
  director: {
    name: 'Geschäftsführer der Wirtschaftsförderung Solingen',
    function: 'Geschäftsführer Wirtschaftsförderung',
    company: null,
    costBearer: 'agency',
    estimatedCostEur: 2850,
  },
  agency: {
    name: 'Anna Beispiel',
    function: 'Projektleiterin Internationalisierung, Wirtschaftsförderung',
    company: null,
    costBearer: 'agency',
    estimatedCostEur: 2650,
    login: 'staff',
  },
  zwilling1: {
    name: 'Jonas Beispielmann',
    function: 'Leiter Asiengeschäft',
    company: 'zwilling',
    costBearer: 'self',
    estimatedCostEur: 3100,
    login: 'zwilling',
  },
  zwilling2: {
    name: 'Lena Musterfrau',
    function: 'Vertrieb China',
    company: 'zwilling',
    costBearer: 'self',
    estimatedCostEur: 2900,
  },
  dovo: {
    name: 'Geschäftsführer DOVO Stahlwaren',
    function: 'Geschäftsführer',
    company: 'dovo',
    costBearer: 'self',
    estimatedCostEur: 2750,
    login: 'dovo',
  },
  sparkasse: {
    name: 'Erika Musterfrau',
    function: 'Leiterin Firmenkunden International',
    company: 'sparkasse',
    costBearer: 'self',
    estimatedCostEur: 2750,
  },
  stadtwerke: {
    name: 'Peter Platzhalter',
    function: 'Leiter Unternehmensentwicklung',
    company: 'stadtwerke',
    costBearer: 'self',
    estimatedCostEur: 2750,
  },
  startup: {
    name: 'Tom Testmann',
    function: 'Gründer eines Solinger Start-ups (3D-Druck)',
    company: null,
    costBearer: 'self',
    estimatedCostEur: 2400,
  },
  manufaktur: {
    name: 'Sabine Beispiel',
    function: 'Geschäftsführerin einer Solinger Schneidwarenmanufaktur',
    company: null,
    costBearer: 'self',
    estimatedCostEur: 2750,
  },
  logistik: {
    name: 'Max Mustermann',
    function: 'Inhaber eines Solinger Logistikunternehmens',
    company: null,
    costBearer: 'self',
    estimatedCostEur: 2600,
  },
};

const CHINA_APPOINTMENTS: Record<string, DemoAppointment> = {
  // Beijing
  welcome: {
    title: 'Begrüßungsabend der Delegation',
    kind: 'networking',
    starts: '2019-10-20 18:30',
    ends: '2019-10-20 20:30',
    city: 'Peking',
    venue: 'Hotel der Delegation',
    notes: 'Ankunft am Nachmittag; Ablauf der Woche, Vorstellungsrunde.',
  },
  briefing: {
    title: 'Briefing zum chinesischen Markt bei der Auslandshandelskammer',
    kind: 'meeting',
    starts: '2019-10-21 09:00',
    ends: '2019-10-21 10:30',
    city: 'Peking',
    venue: 'Deutsche Auslandshandelskammer Peking',
  },
  techParkTour: {
    title: 'Rundgang durch den Technologiepark',
    kind: 'site_visit',
    starts: '2019-10-21 11:00',
    ends: '2019-10-21 12:30',
    city: 'Peking',
    venue: 'Technologiepark, Besucherzentrum',
    partner: 'techPark',
  },
  techParkSigning: {
    title: 'Unterzeichnung der Kooperationsvereinbarung mit dem Technologiepark',
    kind: 'signing',
    starts: '2019-10-21 14:00',
    ends: '2019-10-21 15:30',
    city: 'Peking',
    venue: 'Technologiepark, Verwaltungsgebäude',
    partner: 'techPark',
    attendees: ['mayor', 'director', 'agency'],
    notes: 'Basis in Peking, um für Start-ups und Unternehmen Ansätze zu koordinieren.',
    agreement: {
      title: 'Kooperationsvereinbarung mit dem Technologiepark Peking',
      signatory: 'Leitung des Technologieparks',
      summary:
        'Eine Basis in Peking, von der aus die Wirtschaftsförderung für Solinger Start-ups und Unternehmen Ansätze koordinieren kann. Wissensaustausch und gegenseitige Besuche.',
    },
  },
  reception: {
    title: 'Staatsempfang',
    kind: 'state_reception',
    starts: '2019-10-21 18:00',
    ends: '2019-10-21 20:00',
    city: 'Peking',
    venue: 'Staatsgästehaus',
    restricted: true,
    attendees: ['mayor', 'director'],
    notes:
      'Geladen sind nur der Oberbürgermeister und der Geschäftsführer der Wirtschaftsförderung.',
  },
  beijingFirms: {
    title: 'Treffen mit Solinger Unternehmen mit Niederlassung in Peking',
    kind: 'meeting',
    starts: '2019-10-22 09:30',
    ends: '2019-10-22 11:00',
    city: 'Peking',
    venue: 'Deutsches Haus Peking',
    notes: 'Anschließend Fahrt mit dem Hochgeschwindigkeitszug nach Shanghai.',
  },
  // Shanghai
  shanghaiEvening: {
    title: 'Abendempfang mit der deutschen Wirtschaft in Shanghai',
    kind: 'networking',
    starts: '2019-10-22 19:00',
    ends: '2019-10-22 21:00',
    city: 'Shanghai',
    venue: 'German Centre Shanghai',
  },
  zwillingVisit: {
    title: 'Besuch bei Zwilling in Shanghai',
    kind: 'company_visit',
    starts: '2019-10-23 09:30',
    ends: '2019-10-23 11:30',
    city: 'Shanghai',
    venue: 'Zwilling, Niederlassung Shanghai',
    company: 'zwilling',
  },
  campusTour: {
    title: 'Besichtigung des 3D-Campus',
    kind: 'site_visit',
    starts: '2019-10-23 13:00',
    ends: '2019-10-23 14:30',
    city: 'Shanghai',
    venue: '3D-Campus, Werkstätten für additive Fertigung',
    partner: 'campus3d',
  },
  campusSigning: {
    title: 'Unterzeichnung der Kooperationsvereinbarung mit dem 3D-Campus',
    kind: 'signing',
    starts: '2019-10-23 15:00',
    ends: '2019-10-23 16:30',
    city: 'Shanghai',
    venue: '3D-Campus, Konferenzsaal',
    partner: 'campus3d',
    attendees: ['mayor', 'director', 'agency'],
    agreement: {
      title: 'Kooperationsvereinbarung mit dem 3D-Campus Shanghai',
      signatory: 'Leitung des 3D-Campus',
      summary:
        'Zusammenarbeit in der additiven Fertigung (3D-Druck): Austausch zwischen dem Campus und Solinger Unternehmen, Kontakte für Start-ups.',
    },
  },
  shanghaiFirms: {
    title: 'Netzwerkabend mit Solinger Unternehmen in Shanghai',
    kind: 'networking',
    starts: '2019-10-23 18:30',
    ends: '2019-10-23 21:00',
    city: 'Shanghai',
    venue: 'Restaurant am Bund',
    notes: 'Gastgeber: Solinger Firmen mit Zweigstellen in Shanghai.',
  },
  startups: {
    title: 'Austausch zur Start-up-Förderung',
    kind: 'meeting',
    starts: '2019-10-24 09:30',
    ends: '2019-10-24 11:00',
    city: 'Shanghai',
    venue: 'Innovationszentrum Shanghai',
  },
  debrief: {
    title: 'Abschlussbesprechung der Delegation',
    kind: 'other',
    starts: '2019-10-24 12:00',
    ends: '2019-10-24 13:30',
    city: 'Shanghai',
    venue: 'Hotel der Delegation',
    notes: 'Nächste Schritte, Nachbereitung der Kontakte; Rückflug am Abend.',
  },
};

const ISRAEL_DELEGATES: Record<string, DemoParticipant> = {
  mayor: { ...CHINA_DELEGATES.mayor, estimatedCostEur: 2200 },
  director: { ...CHINA_DELEGATES.director, estimatedCostEur: 2200 },
  sparkasse: { ...CHINA_DELEGATES.sparkasse, estimatedCostEur: 2100 },
  stadtwerke: { ...CHINA_DELEGATES.stadtwerke, estimatedCostEur: 2100 },
  startup: { ...CHINA_DELEGATES.startup, estimatedCostEur: 1900 },
};

const ISRAEL_APPOINTMENTS: Record<string, DemoAppointment> = {
  innovation: {
    title: 'Besuch eines Innovationszentrums für Start-ups',
    kind: 'site_visit',
    starts: '2017-11-06 10:00',
    ends: '2017-11-06 12:00',
    city: 'Tel Aviv',
    venue: 'Innovationszentrum Tel Aviv',
  },
  chamber: {
    title: 'Gespräch bei der Deutsch-Israelischen Handelskammer',
    kind: 'meeting',
    starts: '2017-11-06 15:00',
    ends: '2017-11-06 16:30',
    city: 'Tel Aviv',
    venue: 'Deutsch-Israelische Industrie- und Handelskammer',
  },
  utilities: {
    title: 'Fachgespräch Wasserwirtschaft und Energie',
    kind: 'meeting',
    starts: '2017-11-07 09:30',
    ends: '2017-11-07 11:30',
    city: 'Tel Aviv',
    venue: 'Kommunaler Versorger (Gastgeber)',
    attendees: ['stadtwerke', 'director'],
  },
  jerusalem: {
    title: 'Empfang in Jerusalem',
    kind: 'networking',
    starts: '2017-11-08 18:00',
    ends: '2017-11-08 20:00',
    city: 'Jerusalem',
    venue: 'Rathaus Jerusalem',
  },
};

const CHINA_TRIP: DemoTripPlan = {
  title: 'Wirtschaftsreise China 2019: Peking und Shanghai',
  purpose:
    'Erster Gegenbesuch in China nach zahlreichen chinesischen Delegationen in Solingen: Kontakte knüpfen, Netzwerke auf- und ausbauen, die Marke Solingen international bekannter machen. Kooperationsvereinbarungen mit einem Technologiepark in Peking und einem 3D-Campus in Shanghai; keine Städtepartnerschaft.',
  country: 'CN',
  startsOn: '2019-10-20',
  endsOn: '2019-10-24',
  timeZone: 'Asia/Shanghai',
  createdAt: '2019-06-03T08:00:00Z',
  delegates: CHINA_DELEGATES,
  appointments: CHINA_APPOINTMENTS,
};

const ISRAEL_TRIP: DemoTripPlan = {
  title: 'Wirtschaftsreise Israel 2017',
  purpose:
    'Erste Wirtschaftsreise der Internationalisierungsstrategie: Start-up-Szene, Wasser- und Energiewirtschaft, Kontakte zur deutsch-israelischen Wirtschaft.',
  country: 'IL',
  startsOn: '2017-11-05',
  endsOn: '2017-11-09',
  timeZone: 'Asia/Jerusalem',
  createdAt: '2017-07-10T08:00:00Z',
  delegates: ISRAEL_DELEGATES,
  appointments: ISRAEL_APPOINTMENTS,
};

/** `2019-10-21 14:00` on the wall clocks of `timeZone` → the instant. */
function instant(local: string, timeZone: string): string {
  const asIfUtc = new Date(`${local.replace(' ', 'T')}:00Z`);
  return new Date(asIfUtc.getTime() - utcOffsetSeconds(asIfUtc, timeZone) * 1000).toISOString();
}

/**
 * The trip, then its delegates and appointments, each written a minute after the one before, and
 * each agreement as its signing ended.
 */
async function insertTrip(em: EntityManager, ids: DemoTripIds, plan: DemoTripPlan) {
  const { delegates, appointments, timeZone, createdAt } = plan;
  const tripId = await insert(em, 'trips', {
    title: plan.title,
    purpose: plan.purpose,
    destinations: JSON.stringify(
      [...new Set(Object.values(appointments).map((a) => a.city))].map((city) => ({
        country: plan.country,
        city,
      })),
    ),
    starts_on: plan.startsOn,
    ends_on: plan.endsOn,
    status: 'completed',
    created_at: createdAt,
    updated_at: createdAt,
  });
  const written = (minutes: number) => {
    const at = minutesAfter(createdAt, minutes);
    return { created_at: at, updated_at: at };
  };
  const delegateIds = await insertEach(em, 'participants', delegates, (d, i) => ({
    trip_id: tripId,
    name: d.name,
    function: d.function,
    company_id: d.company ? ids.companies[d.company] : null,
    user_id: d.login ? ids.users[d.login] : null,
    cost_bearer: d.costBearer,
    estimated_cost_eur: d.estimatedCostEur,
    ...written(1 + i),
  }));
  const appointmentIds = await insertEach(em, 'appointments', appointments, (a, i) => ({
    trip_id: tripId,
    title: a.title,
    kind: a.kind,
    starts_at: instant(a.starts, timeZone),
    ends_at: instant(a.ends, timeZone),
    time_zone: timeZone,
    city: a.city,
    venue: a.venue,
    partner_id: a.partner ? ids.partners[a.partner] : null,
    company_id: a.company ? ids.companies[a.company] : null,
    restricted: a.restricted ?? false,
    notes: a.notes ?? null,
    ...written(100 + i),
  }));
  for (const [key, a] of Object.entries(appointments)) {
    await insertLinks(
      em,
      'appointment_attendees',
      (a.attendees ?? []).map((attendee) => ({
        appointment_id: appointmentIds[key],
        participant_id: delegateIds[attendee],
      })),
    );
    if (!a.agreement) continue;
    const signedOn = a.starts.slice(0, 10);
    const recorded = instant(a.ends, timeZone);
    await insert(em, 'agreements', {
      partner_id: a.partner ? ids.partners[a.partner] : null,
      title: a.agreement.title,
      kind: 'cooperation',
      status: 'signed',
      signed_on: signedOn,
      appointment_id: appointmentIds[key],
      signatories: [...SIGNATORIES, a.agreement.signatory],
      review_on: `${Number(signedOn.slice(0, 4)) + 1}${signedOn.slice(4)}`,
      summary: a.agreement.summary,
      created_at: recorded,
      updated_at: recorded,
    });
  }
  return { id: tripId, delegates: delegateIds, appointments: appointmentIds };
}

/** The demo's trips with their delegates, appointments and agreements, in the caller's transaction. */
export async function seedDemoTrips(em: EntityManager, ids: DemoTripIds): Promise<DemoTrips> {
  const china = await insertTrip(em, ids, CHINA_TRIP);
  const israel = await insertTrip(em, ids, ISRAEL_TRIP);
  return { china, israel };
}

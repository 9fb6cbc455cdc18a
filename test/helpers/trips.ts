import type { TestApp } from './app';
import type { Session } from './auth';
import { Appointment, Participant, Trip, kit } from './make';

export type { Appointment, Participant, Trip };

export interface ArticleTrip {
  trip: Trip;
  delegates: Record<string, Participant>;
  appointments: Record<string, Appointment>;
  partners: { techPark: string; campus3d: string };
}

/**
 * The article's trip, made through the API: five days in Beijing and Shanghai, eleven delegates
 * (the mayor, the agency's director and one more agency delegate paid by the agency; eight paying
 * their own way, two of them of `zwillingId`'s company), 13 appointments in Asia/Shanghai time
 * with the state reception restricted to the mayor and the director.
 */
export async function articleTrip(
  app: TestApp,
  session: Session,
  companies: { zwilling: string; dovo: string; sparkasse: string; stadtwerke: string },
): Promise<ArticleTrip> {
  const make = kit(app, session);
  const partners = {
    techPark: (
      await make.row.partner({
        name: 'Technologiepark Peking',
        kind: 'technology_park',
        city: 'Peking',
      })
    ).id,
    campus3d: (
      await make.row.partner({ name: '3D-Campus Shanghai', kind: 'campus', city: 'Shanghai' })
    ).id,
  };
  const trip = await make.trip();
  const people: [string, Record<string, unknown>][] = [
    [
      'mayor',
      {
        name: 'Oberbürgermeister',
        function: 'Oberbürgermeister',
        costBearer: 'agency',
        estimatedCostEur: 2850,
      },
    ],
    [
      'director',
      {
        name: 'Geschäftsführer Wirtschaftsförderung',
        function: 'Geschäftsführer Wirtschaftsförderung',
        costBearer: 'agency',
        estimatedCostEur: 2850,
      },
    ],
    [
      'agency',
      {
        name: 'Anna Beispiel',
        function: 'Projektleiterin',
        costBearer: 'agency',
        estimatedCostEur: 2650,
      },
    ],
    [
      'zwilling1',
      {
        name: 'Jonas Beispielmann',
        function: 'Leiter Asiengeschäft',
        companyId: companies.zwilling,
        estimatedCostEur: 3100,
      },
    ],
    [
      'zwilling2',
      {
        name: 'Lena Musterfrau',
        function: 'Vertrieb China',
        companyId: companies.zwilling,
        estimatedCostEur: 2900,
      },
    ],
    [
      'dovo',
      {
        name: 'Geschäftsführer DOVO',
        function: 'Geschäftsführer',
        companyId: companies.dovo,
        estimatedCostEur: 2750,
      },
    ],
    [
      'sparkasse',
      {
        name: 'Erika Musterfrau',
        function: 'Firmenkunden',
        companyId: companies.sparkasse,
        estimatedCostEur: 2750,
      },
    ],
    [
      'stadtwerke',
      {
        name: 'Peter Platzhalter',
        function: 'Unternehmensentwicklung',
        companyId: companies.stadtwerke,
        estimatedCostEur: 2750,
      },
    ],
    ['startup', { name: 'Tom Testmann', function: 'Gründer', estimatedCostEur: 2400 }],
    [
      'manufaktur',
      { name: 'Sabine Beispiel', function: 'Geschäftsführerin', estimatedCostEur: 2750 },
    ],
    ['logistik', { name: 'Max Mustermann', function: 'Inhaber', estimatedCostEur: 2600 }],
  ];
  const delegates: Record<string, Participant> = {};
  for (const [key, body] of people)
    delegates[key] = await make.participant({ tripId: trip.id, ...body });

  const at = (day: string, from: string, to: string) => ({
    startsAt: `2019-10-${day}T${from}:00+08:00`,
    endsAt: `2019-10-${day}T${to}:00+08:00`,
  });
  const terms: [string, Record<string, unknown>][] = [
    ['welcome', { title: 'Begrüßungsabend', kind: 'networking', ...at('20', '18:30', '20:30') }],
    ['briefing', { title: 'Briefing AHK', ...at('21', '09:00', '10:30') }],
    [
      'techParkTour',
      {
        title: 'Rundgang Technologiepark',
        kind: 'site_visit',
        partnerId: partners.techPark,
        ...at('21', '11:00', '12:30'),
      },
    ],
    [
      'techParkSigning',
      {
        title: 'Unterzeichnung Technologiepark',
        kind: 'signing',
        partnerId: partners.techPark,
        attendeeIds: [delegates.mayor.id, delegates.director.id],
        ...at('21', '14:00', '15:30'),
      },
    ],
    [
      'reception',
      {
        title: 'Staatsempfang',
        kind: 'state_reception',
        restricted: true,
        attendeeIds: [delegates.mayor.id, delegates.director.id],
        venue: 'Staatsgästehaus',
        ...at('21', '18:00', '20:00'),
      },
    ],
    ['beijingFirms', { title: 'Solinger Firmen in Peking', ...at('22', '09:30', '11:00') }],
    [
      'shanghaiEvening',
      {
        title: 'Abendempfang Shanghai',
        kind: 'networking',
        city: 'Shanghai',
        ...at('22', '19:00', '21:00'),
      },
    ],
    [
      'zwillingVisit',
      {
        title: 'Besuch bei Zwilling in Shanghai',
        kind: 'company_visit',
        city: 'Shanghai',
        companyId: companies.zwilling,
        ...at('23', '09:30', '11:30'),
      },
    ],
    [
      'campusTour',
      {
        title: 'Besichtigung 3D-Campus',
        kind: 'site_visit',
        city: 'Shanghai',
        partnerId: partners.campus3d,
        ...at('23', '13:00', '14:30'),
      },
    ],
    [
      'campusSigning',
      {
        title: 'Unterzeichnung 3D-Campus',
        kind: 'signing',
        city: 'Shanghai',
        partnerId: partners.campus3d,
        ...at('23', '15:00', '16:30'),
      },
    ],
    [
      'shanghaiFirms',
      {
        title: 'Netzwerkabend Shanghai',
        kind: 'networking',
        city: 'Shanghai',
        ...at('23', '18:30', '21:00'),
      },
    ],
    ['startups', { title: 'Start-up-Förderung', city: 'Shanghai', ...at('24', '09:30', '11:00') }],
    [
      'debrief',
      {
        title: 'Abschlussbesprechung',
        kind: 'other',
        city: 'Shanghai',
        ...at('24', '12:00', '13:30'),
      },
    ],
  ];
  const appointments: Record<string, Appointment> = {};
  for (const [key, body] of terms)
    appointments[key] = await make.appointment({ tripId: trip.id, ...body });
  return { trip, delegates, appointments, partners };
}

import { dictionary } from './kit/i18n';

/** The words of the pages for the phone on a trip: today, an appointment's people, the bottom bar. */
export const w = dictionary({
  today: ['Heute', 'Today'],
  todayTitle: ['Heute auf der Reise', 'Today on the trip'],
  alsoUnderWay: ['Ebenfalls heute', 'Also today'],
  nextTrip: [
    'Heute ist keine Ihrer Reisen unterwegs. Die nächste beginnt am {day}:',
    'None of your trips is under way today. The next one begins on {day}:',
  ],
  latestTrip: [
    'Heute ist keine Ihrer Reisen unterwegs und keine steht bevor. Ihre letzte Reise endete am {day}; ihre Tage zum Nachlesen:',
    'None of your trips is under way today and none lies ahead. Your latest trip ended on {day}; its days to look back on:',
  ],
  noTrip: ['Sie sind auf keiner Reise eingetragen.', 'You are on no trip.'],
  notTravelling: [
    'Sie sind bei keiner Reise als Delegationsmitglied eingetragen; gezeigt werden alle Reisen, die Sie sehen.',
    'You are not a delegate on any trip; shown are all the trips you can see.',
  ],
  dayOf: ['Tag {n} von {of}', 'Day {n} of {of}'],
  previousDay: ['Vorheriger Tag', 'Previous day'],
  nextDayLink: ['Nächster Tag', 'Next day'],
  tripDays: ['Tage der Reise', "The trip's days"],
  noAppointmentsDay: ['An diesem Tag keine Termine.', 'No appointments on this day.'],
  showMap: ['Karte', 'Map'],
  people: ['Personen', 'People'],
  peopleOf: ['Personen: {title}', 'People: {title}'],
  withWhom: ['Mit wem', 'With whom'],
  ourDelegates: ['Teilnehmende der Delegation', 'Attending delegates'],
  theirPeople: ['Kontakte vor Ort', 'Contacts there'],
  metHere: ['hier getroffen', 'met here'],
  noPeople: ['Keine Personen eingetragen.', 'Nobody recorded.'],
  call: ['Anrufen', 'Call'],
  writeMail: ['E-Mail schreiben', 'Write an email'],
  logHere: ['Kontakt bei diesem Termin erfassen', 'Log a contact at this appointment'],
  logPerson: ['Kontakt erfassen', 'Log a contact'],
  toToday: ['Zum Tag', 'To the day'],
});

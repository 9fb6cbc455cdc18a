import { dictionary } from './kit/i18n';

/** The words of the sessions pages (one's own, and a user's on the admin's user page). */
export const sessionWords = dictionary({
  title: ['Angemeldete Sitzungen', 'Signed-in sessions'],
  intro: [
    'Hier sind Sie angemeldet: in Browsern und in Programmen, die die API nutzen. Beenden Sie jede Sitzung, die Sie nicht kennen; ihr nächster Zugriff wird sofort abgewiesen.',
    'You are signed in here: in browsers and in programs that use the API. End any session you do not recognise; its next request is refused at once.',
  ],
  link: ['Angemeldete Sitzungen verwalten', 'Manage signed-in sessions'],
  client: ['Gerät', 'Client'],
  kind: ['Art', 'Kind'],
  kind_browser: ['Browser', 'Browser'],
  kind_api: ['API', 'API'],
  address: ['Adresse', 'Address'],
  created: ['Angemeldet', 'Signed in'],
  lastUsed: ['Zuletzt aktiv', 'Last active'],
  current: ['diese Sitzung', 'this session'],
  on: ['unter', 'on'],
  unknownClient: ['Unbekanntes Programm', 'Unknown client'],
  end: ['Beenden', 'End'],
  endConfirm: ['Diese Sitzung beenden?', 'End this session?'],
  endOthers: ['Alle anderen Sitzungen beenden', 'End all other sessions'],
  endOthersConfirm: [
    'Alle anderen Sitzungen beenden? Nur diese bleibt angemeldet.',
    'End all other sessions? Only this one stays signed in.',
  ],
  endAll: ['Alle Sitzungen beenden', 'End all sessions'],
  endAllConfirm: [
    'Alle Sitzungen dieser Person beenden? Sie muss sich überall neu anmelden.',
    'End all sessions of this person? They must sign in again everywhere.',
  ],
  none: ['Keine offene Sitzung.', 'No open session.'],
  ended: ['Die Sitzung ist beendet.', 'The session has ended.'],
  endedOthers: ['Alle anderen Sitzungen sind beendet.', 'All other sessions have ended.'],
  sessionsEnded: ['Alle Sitzungen sind beendet.', 'All sessions have ended.'],
  more: ['Weitere Sitzungen', 'More sessions'],
});

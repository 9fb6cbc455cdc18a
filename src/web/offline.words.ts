import { dictionary } from './kit/i18n';

/** The words of the device queue's page, the offline banner and the trip kept for offline. */
export const offlineWords = dictionary({
  queue: ['Auf diesem Gerät', 'On this device'],
  queueIntro: [
    'Was Sie ohne Verbindung erfassen, wartet hier und wird gesendet, sobald das Gerät wieder online ist – jeder Eintrag genau einmal. Was der Server ablehnt, bleibt hier, bis Sie es korrigieren oder verwerfen.',
    'What you record without a connection waits here and is sent as soon as the device is back online – each entry exactly once. What the server refuses stays here until you fix or discard it.',
  ],
  queueEmpty: ['Nichts wartet auf diesem Gerät.', 'Nothing is waiting on this device.'],
  needsScript: ['Die Warteschlange braucht JavaScript.', 'The queue needs JavaScript.'],
  waiting: ['wartet', 'waiting'],
  sending: ['wird gesendet', 'sending'],
  sent: ['gesendet', 'sent'],
  failed: ['abgelehnt', 'refused'],
  signInToSend: ['Zum Senden anmelden', 'Sign in to send'],
  offlineNow: [
    'Ohne Verbindung: wird gesendet, sobald das Gerät online ist.',
    'No connection: sent as soon as the device is online.',
  ],
  retryAt: ['nächster Versuch', 'next try'],
  sendNow: ['Jetzt senden', 'Send now'],
  open: ['Öffnen', 'Open'],
  fix: ['Korrigieren', 'Fix'],
  discard: ['Verwerfen', 'Discard'],
  discardConfirm: ['Diesen Eintrag endgültig verwerfen?', 'Discard this entry for good?'],
  clearSent: ['Gesendete ausblenden', 'Hide sent entries'],
  created: ['erfasst', 'recorded'],
  kind_log: ['Kontakt erfassen', 'Log a contact'],
  kind_scan: ['Karte scannen', 'Scan a card'],
  waitingBadge: ['warten auf Versand', 'waiting to be sent'],
  fixing: [
    'Eintrag der Warteschlange: Speichern ersetzt ihn.',
    'Entry of the queue: saving replaces it.',
  ],
  savedAt: ['Offline – gespeichert am', 'Offline – saved at'],
  notSaved: [
    'Offline – diese Seite ist auf dem Gerät nicht gespeichert.',
    'Offline – this page is not saved on this device.',
  ],
  keptOffline: [
    'Reiseplan, Delegation und verknüpfte Kontakte sind auf diesem Gerät zum Lesen ohne Verbindung gespeichert.',
    'The itinerary, delegates and linked contacts are saved on this device to read offline.',
  ],
});

import { dictionary } from './kit/i18n';

/** The words of a contact's personal data page (German first, English second). */
export const p = dictionary({
  personalData: ['Personenbezogene Daten', 'Personal data'],
  personalDataOf: ['Personenbezogene Daten von', 'Personal data of'],
  accessIntro: [
    'Alles, was die Wirtschaftsförderung über diese Person gespeichert hat (Auskunft nach Art. 15 DSGVO). Die Seite lässt sich drucken; die Daten gibt es auch als Datei.',
    'Everything the agency has stored about this person (right of access, GDPR Article 15). The page prints; the data is also available as a file.',
  ],
  downloadJson: ['Als JSON herunterladen', 'Download as JSON'],
  backToContact: ['Zurück zum Kontakt', 'Back to the contact'],
  record: ['Stammdaten', 'Record'],
  legalBasisTitle: ['Rechtsgrundlage', 'Legal basis'],
  mergedContacts: [
    'Zusammengeführte Einträge derselben Person',
    'Merged entries of the same person',
  ],
  otherParticipants: ['Weitere Beteiligte', 'Other participants'],
  leadNotes: ['Notizen', 'Notes'],
  tripsAndAppointments: ['Reisen, Termine, Delegation', 'Trips, appointments, delegation'],
  delegates: ['Delegationsmitglieder', 'Delegates'],
  importRows: ['Importierte Zeilen', 'Imported rows'],
  importRow: ['Zeile', 'Row'],
  cards: ['Visitenkarte', 'Business card'],
  cardPhoto: ['Foto', 'Photo'],
  cardFront: ['Vorderseite', 'Front'],
  cardBack: ['Rückseite', 'Back'],
  cardScan: ['Gelesen von der Karte', 'Read from the card'],
  history: ['Verlauf im Protokoll', 'History in the audit log'],
  changedFields: ['Geänderte Felder', 'Changed fields'],
  places: ['Wo die Person gespeichert ist', 'Where the person is stored'],
  table: ['Tabelle', 'Table'],
  column: ['Spalte', 'Column'],
  rows: ['Zeilen', 'Rows'],
  deleted: ['gelöscht', 'deleted'],
  none: ['Keine.', 'None.'],
  eraseTitle: ['Löschen (Art. 17 DSGVO)', 'Erase (GDPR Article 17)'],
  eraseIntro: [
    'Entfernt die Person überall: den Kontakt (und mit ihm zusammengeführte Einträge), die Verknüpfungen, Name, E-Mail, Telefon und WeChat-ID in Begegnungen, Leads, Notizen, Wiedervorlagen, Importen, Mails und Benachrichtigungen sowie die Werte im Protokoll. Das Protokoll behält, wer wann welche Felder geändert hat. Das lässt sich nicht rückgängig machen.',
    'Removes the person everywhere: the contact (and entries merged into it), the links to it, its name, e-mail, phone and WeChat ID in interactions, leads, notes, follow-ups, imports, mails and notifications, and the values in the audit log. The audit log keeps who changed which fields when. This cannot be undone.',
  ],
  eraseConfirm: [
    'Ich habe geprüft, dass diese Person gelöscht werden muss.',
    'I have checked that this person must be erased.',
  ],
  eraseConfirmMissing: [
    'Bitte bestätigen Sie die Löschung mit dem Häkchen.',
    'Please confirm the erasure with the checkbox.',
  ],
  eraseStale: [
    'Der Kontakt wurde inzwischen geändert. Bitte prüfen Sie die Daten erneut und bestätigen Sie dann.',
    'The contact was changed meanwhile. Please check the data again, then confirm.',
  ],
  eraseButton: ['Endgültig löschen', 'Erase for good'],
  erased: [
    'Die Person wurde gelöscht; das Protokoll nennt nur noch die Felder.',
    'The person was erased; the audit log names only the fields.',
  ],
});

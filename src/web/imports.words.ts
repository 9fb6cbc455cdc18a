import { dictionary, Locale } from './kit/i18n';

/** The words of the import wizard (German first, English second). */
const WORDS = {
  importsTitle: ['Importe', 'Imports'],
  newImport: ['Importieren', 'Import'],
  newImportTitle: ['Datei importieren', 'Import a file'],
  newImportHelp: [
    'CSV (z. B. aus Outlook oder Google Kontakte), Excel (XLSX) oder vCard. Die erste Zeile mit Spaltennamen wird erkannt; vor dem Import prüfen Sie die Zuordnung und sehen, was geschehen würde.',
    'CSV (e.g. from Outlook or Google Contacts), Excel (XLSX) or vCard. The row of column names is found by itself; before anything is imported you check the mapping and see what would happen.',
  ],
  whatToImport: ['Was wird importiert?', 'What is imported?'],
  file: ['Datei', 'File'],
  upload: ['Hochladen', 'Upload'],
  noFile: ['Bitte eine Datei wählen.', 'Please choose a file.'],
  tooLarge: ['Die Datei ist zu groß.', 'The file is too large.'],
  unreadable: [
    'Diese Datei lässt sich nicht lesen. Bitte eine CSV-, XLSX- oder vCard-Datei wählen.',
    'This file cannot be read. Please choose a CSV, XLSX or vCard file.',
  ],
  kind: ['Art', 'Kind'],
  status: ['Stand', 'Status'],
  rows: ['Zeilen', 'Rows'],
  startedAt: ['Hochgeladen', 'Uploaded'],
  finishedAt: ['Abgeschlossen', 'Finished'],
  undoneAt: ['Rückgängig gemacht', 'Undone'],
  uploadedBy: ['Hochgeladen von', 'Uploaded by'],
  format: ['Format', 'Format'],
  encoding: ['Zeichensatz', 'Encoding'],
  delimiter: ['Trennzeichen', 'Delimiter'],
  headerRow: ['Zeile der Spaltennamen', 'Row of column names'],
  // Steps.
  stepMapping: ['1. Spalten zuordnen', '1. Map the columns'],
  stepCheck: ['2. Prüfen', '2. Check'],
  stepImport: ['3. Importieren', '3. Import'],
  mappingHelp: [
    'Jede Spalte der Datei wird einem Feld zugeordnet; der Vorschlag ist schon gewählt. Spalten ohne Feld werden nicht importiert.',
    'Each column of the file goes into a field; the suggestion is already chosen. Columns without a field are not imported.',
  ],
  column: ['Spalte', 'Column'],
  samples: ['Beispielwerte', 'Sample values'],
  target: ['Feld', 'Field'],
  targetOf: ['Feld für Spalte', 'Field for column'],
  notImported: ['— nicht importieren —', '— not imported —'],
  options: ['Optionen', 'Options'],
  duplicates: ['Dubletten', 'Duplicates'],
  duplicatesHelp: [
    'Wenn ein Eintrag schon vorhanden ist (gleiche E-Mail, Telefonnummer, WeChat-ID oder gleicher Name):',
    'When a record is there already (same email, phone number, WeChat ID or name):',
  ],
  newOrganisations: ['Neue Organisationen', 'New organisations'],
  newOrganisationsHelp: [
    'Eine Organisation, die es noch nicht gibt, wird angelegt als:',
    'An organisation that does not exist yet is created as:',
  ],
  check: ['Prüfen', 'Check'],
  checkHelp: [
    'Die Prüfung ändert nichts; sie zeigt, was der Import tun würde.',
    'The check changes nothing; it shows what the import would do.',
  ],
  backToMapping: ['Zurück zur Zuordnung', 'Back to the mapping'],
  // Progress.
  progress: ['Fortschritt', 'Progress'],
  progressOf: ['von', 'of'],
  refresh: ['Aktualisieren', 'Refresh'],
  refreshHelp: ['Die Seite aktualisiert sich von selbst.', 'The page updates itself.'],
  cancelImport: ['Import abbrechen', 'Cancel the import'],
  cancelConfirm: [
    'Import abbrechen? Was schon importiert ist, bleibt (und lässt sich rückgängig machen).',
    'Cancel the import? What is imported so far stays (and can be undone).',
  ],
  // The check's result.
  checkResult: ['Ergebnis der Prüfung', 'Result of the check'],
  rowErrors: ['Zeilen mit Fehlern', 'Rows with errors'],
  rowErrorsHelp: [
    'Diese Zeilen werden nicht importiert; sie stehen danach in der Datei der fehlgeschlagenen Zeilen.',
    'These rows are not imported; afterwards they are in the file of failed rows.',
  ],
  noRowErrors: ['Keine Zeile mit Fehlern.', 'No row with errors.'],
  duplicatesFound: ['Dubletten', 'Duplicates'],
  noDuplicates: ['Keine Dubletten.', 'No duplicates.'],
  row: ['Zeile', 'Row'],
  message: ['Fehler', 'Error'],
  value: ['Wert', 'Value'],
  duplicateOf: ['Schon vorhanden als', 'Already there as'],
  reason: ['Erkannt an', 'Found by'],
  decision: ['Was tun?', 'What to do?'],
  saveDecisions: ['Auswahl speichern', 'Save the choices'],
  decisionsSaved: ['Auswahl gespeichert.', 'Choices saved.'],
  runImport: ['Importieren', 'Import'],
  runHelp: [
    'Importiert alle gültigen Zeilen; mit „Rückgängig machen“ lässt sich der Import danach zurücknehmen.',
    'Imports every valid row; “Undo” takes the import back afterwards.',
  ],
  earlierRow: ['eine frühere Zeile dieser Datei', 'an earlier row of this file'],
  more: ['Weitere anzeigen', 'Show more'],
  // The report.
  report: ['Bericht', 'Report'],
  failedCsv: ['Fehlgeschlagene Zeilen als CSV', 'Failed rows as CSV'],
  undo: ['Rückgängig machen', 'Undo'],
  undoConfirm: [
    'Den Import rückgängig machen? Angelegte Einträge werden gelöscht, geänderte erhalten ihre früheren Werte.',
    'Undo the import? Records it created are deleted, records it updated get their earlier values back.',
  ],
  undoneNote: ['Dieser Import wurde rückgängig gemacht.', 'This import was undone.'],
  failedNote: ['Der Import ist fehlgeschlagen.', 'The import failed.'],
  startAgain: ['Neue Datei hochladen', 'Upload a new file'],
  notNow: [
    'Das geht in diesem Schritt des Imports nicht (mehr). Die Seite zeigt den aktuellen Stand.',
    'That is not possible in this step of the import (any more). The page shows where it is now.',
  ],
  changedMeanwhile: [
    'Der Import wurde inzwischen geändert. Bitte die Zuordnung prüfen und erneut absenden.',
    'The import was changed in the meantime. Please look at the mapping and send it again.',
  ],
  mappingProblem: ['Bitte die Zuordnung prüfen.', 'Please check the mapping.'],
  targetTwice: [
    'Dieses Feld ist mehreren Spalten zugeordnet.',
    'This field is chosen for more than one column.',
  ],
  needsName_contact: [
    'Bitte eine Spalte dem Nachnamen, dem ganzen Namen oder dem Namen in Originalschrift zuordnen.',
    'Please map a column to the last name, the full name or the name in native script.',
  ],
  needsName_organisation: [
    'Bitte eine Spalte dem Namen zuordnen.',
    'Please map a column to the name.',
  ],
  earlierRowOf: ['Zeile', 'row'],
  earlierRowFile: ['dieser Datei', 'of this file'],
  backToImports: ['Alle Importe', 'All imports'],
  // Counts.
  count_rows: ['Zeilen', 'Rows'],
  count_valid: ['Gültig', 'Valid'],
  count_errors: ['Mit Fehlern', 'With errors'],
  count_duplicates: ['Dubletten', 'Duplicates'],
  count_created: ['Angelegt', 'Created'],
  count_updated: ['Aktualisiert', 'Updated'],
  count_skipped: ['Übersprungen', 'Skipped'],
  count_failed: ['Fehlgeschlagen', 'Failed'],
  count_undone: ['Zurückgenommen', 'Undone'],
  count_kept: [
    'Beibehalten (inzwischen verknüpft oder geändert)',
    'Kept (linked or changed since)',
  ],
  // Kinds.
  kind_contact: ['Kontakte', 'Contacts'],
  kind_company: ['Unternehmen', 'Companies'],
  kind_partner: ['Partner', 'Partners'],
  // Statuses.
  status_mapping: ['Zuordnung', 'Mapping'],
  status_checking: ['Wird geprüft', 'Checking'],
  status_checked: ['Geprüft', 'Checked'],
  status_running: ['Wird importiert', 'Importing'],
  status_done: ['Importiert', 'Imported'],
  status_cancelled: ['Abgebrochen', 'Cancelled'],
  status_failed: ['Fehlgeschlagen', 'Failed'],
  status_undoing: ['Wird rückgängig gemacht', 'Undoing'],
  status_undone: ['Rückgängig gemacht', 'Undone'],
  // Options.
  dup_skip: ['überspringen', 'skip'],
  dup_update: ['aktualisieren', 'update'],
  dup_create: ['trotzdem neu anlegen', 'create anyway'],
  dupOption_skip: ['Zeile überspringen (nichts ändern)', 'Skip the row (change nothing)'],
  dupOption_update: [
    'Vorhandenen Eintrag mit den Werten der Datei aktualisieren',
    'Update the existing record with the file’s values',
  ],
  dupOption_create: ['Trotzdem neu anlegen', 'Create a new one anyway'],
  org_partner: ['Partner (Organisation im Ausland)', 'Partner (an organisation abroad)'],
  org_company: ['Unternehmen (Firma vor Ort)', 'Company (a local firm)'],
  reason_email: ['E-Mail', 'email'],
  reason_phone: ['Telefonnummer', 'phone number'],
  reason_wechatId: ['WeChat-ID', 'WeChat ID'],
  reason_name: ['Name', 'name'],
  reason_row: ['doppelt in der Datei', 'twice in the file'],
  // Target fields.
  field_familyName: ['Nachname', 'Last name'],
  field_givenName: ['Vorname', 'First name'],
  field_fullName: ['Ganzer Name (wird geteilt)', 'Full name (split up)'],
  field_nativeName: ['Name in Originalschrift', 'Name in native script'],
  field_salutation: ['Anrede', 'Salutation'],
  field_position: ['Funktion', 'Position'],
  field_organisation: ['Organisation', 'Organisation'],
  field_email: ['E-Mail', 'Email'],
  field_phone: ['Telefon', 'Phone'],
  field_wechatId: ['WeChat-ID', 'WeChat ID'],
  field_languages: ['Sprachen', 'Languages'],
  field_country: ['Land', 'Country'],
  field_city: ['Ort', 'City'],
  field_notes: ['Notizen', 'Notes'],
  field_tags: ['Schlagwörter', 'Tags'],
  field_name: ['Name', 'Name'],
  field_legalName: ['Firmierung', 'Legal name'],
  field_industry: ['Branche', 'Industry'],
  field_website: ['Website', 'Website'],
  field_description: ['Beschreibung', 'Description'],
  field_branchCountries: ['Niederlassungen im Ausland', 'Branches abroad'],
  field_kind: ['Art', 'Kind'],
  field_address: ['Adresse', 'Address'],
  // Problems of a row (codes of the import beside the validation rules' codes).
  code_duplicate: ['Schon vorhanden.', 'Already there.'],
  code_country: [
    'Unbekanntes Land; bitte Ländername oder ISO-Code (DE, CN).',
    'Unknown country; please a country name or ISO code (DE, CN).',
  ],
  code_phone: ['Keine gültige Telefonnummer.', 'Not a valid phone number.'],
  code_email: ['Keine gültige E-Mail-Adresse.', 'Not a valid email address.'],
  code_name: ['Ein Name fehlt.', 'A name is missing.'],
  code_empty: ['Die Datei enthält keine Daten.', 'The file holds no data.'],
  code_organisation: [
    'Die Organisation lässt sich nicht zuordnen.',
    'The organisation cannot be matched.',
  ],
  code_language: ['Unbekanntes Sprachkürzel.', 'Unknown language code.'],
  code_website: ['Keine gültige Web-Adresse.', 'Not a valid web address.'],
  code_kind: ['Unbekannte Art.', 'Unknown kind.'],
  // Why a file cannot be read.
  code_encoding: [
    'Der Zeichensatz der Datei ist nicht zu erkennen.',
    'The character encoding of the file cannot be recognised.',
  ],
  code_quotes: ['Ein Anführungszeichen wird nicht geschlossen.', 'A quotation mark is not closed.'],
  code_format: [
    'Das ist keine CSV-, XLSX- oder vCard-Datei.',
    'This is not a CSV, XLSX or vCard file.',
  ],
  'code_too-many-columns': ['Die Datei hat zu viele Spalten.', 'The file has too many columns.'],
} as const satisfies Record<string, readonly [string, string]>;

export const w = dictionary(WORDS);

export type ImportWord = keyof typeof WORDS;

/** The word of an API value by its family (`status` + `done`), or undefined for an unknown one. */
export const wordOf = (
  locale: Locale,
  family: 'count' | 'kind' | 'status' | 'dup' | 'dupOption' | 'org' | 'reason' | 'field' | 'code',
  value: string | null | undefined,
): string | undefined => {
  const key = `${family}_${value}`;
  return value && Object.hasOwn(WORDS, key) ? w(locale, key as ImportWord) : undefined;
};

import { dictionary } from './kit/i18n';

/** The words of the export control of every list and of a contact's vCard. */
export const x = dictionary({
  export: ['Exportieren', 'Export'],
  exportHint: [
    'Alle Einträge mit den aktuellen Filtern und der Sortierung',
    'Every entry with the current filters and sort',
  ],
  csv: ['CSV', 'CSV'],
  csvExcel: ['CSV für Excel (;)', 'CSV for Excel (;)'],
  xlsx: ['Excel (XLSX)', 'Excel (XLSX)'],
  vcard: ['vCard (Adressbuch)', 'vCard (address book)'],
  vcardOne: ['vCard', 'vCard'],
});

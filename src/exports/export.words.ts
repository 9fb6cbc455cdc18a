import { dictionary } from '../web/kit/i18n';

/** The headers of export columns that the interface's words do not have. */
export const EXPORT_WORDS = {
  id: ['ID', 'ID'],
  lastLogin: ['Letzte Anmeldung', 'Last sign-in'],
  invitation: ['Einladung', 'Invitation'],
} as const;
export type ExportWord = keyof typeof EXPORT_WORDS;

export const exportWord = dictionary(EXPORT_WORDS);

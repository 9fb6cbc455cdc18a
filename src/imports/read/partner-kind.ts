import { options } from '../../web/kit/i18n';
import { headerKey } from './targets';

/** Words for a partner's kind beside its labels in the app. */
const ALIASES: Record<string, string> = {
  'Technology Park': 'technology_park',
  'Science Park': 'technology_park',
  Wissenschaftspark: 'technology_park',
  Technologiezentrum: 'technology_park',
  'Hightech Zone': 'technology_park',
  Industriepark: 'technology_park',
  Gewerbepark: 'technology_park',
  科技园: 'technology_park',
  科技园区: 'technology_park',
  高新区: 'technology_park',
  工业园区: 'technology_park',
  园区: 'technology_park',
  Universität: 'university',
  Hochschule: 'university',
  Fachhochschule: 'university',
  大学: 'university',
  Forschungscampus: 'campus',
  IHK: 'chamber',
  AHK: 'chamber',
  Handelskammer: 'chamber',
  'Chamber of Commerce': 'chamber',
  商会: 'chamber',
  Ministerium: 'government',
  Regierung: 'government',
  Stadtverwaltung: 'government',
  Ministry: 'government',
  政府: 'government',
  Verein: 'association',
  协会: 'association',
  Firma: 'company',
  公司: 'company',
  企业: 'company',
};

const BY_WORD: Map<string, string> = (() => {
  const words = new Map<string, string>();
  // the labels' keys are the kinds (PARTNER_KINDS), read here without the entity and TypeORM
  for (const locale of ['de', 'en'] as const)
    for (const { value, label } of options(locale, 'partnerKind')) {
      words.set(headerKey(value), value);
      words.set(headerKey(label), value);
    }
  for (const [word, kind] of Object.entries(ALIASES)) words.set(headerKey(word), kind);
  return words;
})();

/** A partner's kind as its API value ("Technologiepark", "Science Park" → technology_park), or null. */
export function partnerKind(value: string): string | null {
  return BY_WORD.get(headerKey(value)) ?? null;
}

import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { normalize, pinyinForms } from '../common/search';

/**
 * The keys by which two records are found to be one person: the phone in E.164 and the name
 * whatever its script and order. Pure functions (no Nest, no database): the contacts service
 * keeps them in `contacts.phone_key` and `contacts.name_key`, and the duplicate list and the
 * import's dry run compare them.
 */

const HAN = /\p{Script=Han}/u;

/**
 * A phone as E.164 (`0171 1234567` in Germany → `+491711234567`), read in the record's country
 * (else Germany, where the agency is); null when it holds no phone number.
 */
export function phoneE164(
  phone: string | null | undefined,
  country?: string | null,
): string | null {
  const text = phone?.trim();
  if (!text || !/\d/.test(text)) return null;
  const region = (
    country && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : 'DE'
  ) as CountryCode;
  try {
    const parsed = parsePhoneNumberFromString(text, { defaultCountry: region, extract: false });
    return parsed?.isPossible() ? parsed.number : null;
  } catch {
    return null;
  }
}

/**
 * A person's name as one key, the same for `Li Wei`, `Wei Li`, `李伟` and `LI, Wei`: the Chinese
 * script read as pinyin when the name has any, else the romanised name; without accents, its
 * words sorted (which name comes first differs between lists).
 */
export function nameKey(c: {
  familyName: string | null | undefined;
  givenName?: string | null;
  nativeName?: string | null;
}): string | null {
  const han = [c.nativeName, c.familyName, c.givenName].find((part) => part && HAN.test(part));
  const words = han
    ? (pinyinForms(han)[0] ?? '')
    : normalize(`${c.familyName ?? ''} ${c.givenName ?? ''}`).replace(/[@.]/g, ' ');
  const sorted = words.split(' ').filter(Boolean).sort();
  return sorted.length ? sorted.join(' ') : null;
}

/** Both match columns of a contact, ready to be written. */
export const contactMatchColumns = (c: {
  familyName: string;
  givenName?: string | null;
  nativeName?: string | null;
  phone?: string | null;
  country?: string | null;
}) => ({ nameKey: nameKey(c), phoneKey: phoneE164(c.phone, c.country) });

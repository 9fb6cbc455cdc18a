import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { countryCode } from './country';

/**
 * A phone as E.164 (`+8613812345678`), read in the country given (a code or a name) or else in
 * Germany; null when it is no phone number of that country or, with its `+` or `00`, of any.
 */
export function phoneE164(phone: string, country?: string | null): string | null {
  const text = phone?.trim();
  if (!text || !/\d/.test(text)) return null;
  const region = (countryCode(country) ?? 'DE') as CountryCode;
  try {
    const number = parsePhoneNumberFromString(text, { defaultCountry: region, extract: false });
    return number?.isPossible() ? number.number : null;
  } catch {
    return null;
  }
}

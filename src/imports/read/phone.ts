import { phoneE164 as e164 } from '../../contacts/match-keys';
import { countryCode } from './country';

/**
 * A phone as E.164 (`+8613812345678`) by the contacts' own rule (src/contacts/match-keys.ts), the
 * country as a file writes it: a code or a name (`China`, `Deutschland`).
 */
export const phoneE164 = (phone: string, country?: string | null): string | null =>
  e164(phone, countryCode(country));

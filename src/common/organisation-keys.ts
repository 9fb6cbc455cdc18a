import { normalize, pinyinForms } from './search';

/**
 * The keys by which two companies or partners are found to be one: each name without case,
 * accents, punctuation, spaces and legal form (`Zwilling J.A. Henckels AG` and `ZWILLING J. A.
 * HENCKELS` are `name:zwillingjahenckels`), a name in Chinese script also as its pinyin run
 * together, and the website's domain (`web:zwilling.com`). Pure; the services keep them in
 * `match_keys` and the duplicate list joins on them (src/merge/).
 */

const HAN = /\p{Script=Han}/u;

/** Legal forms in Chinese script, longest first: dropped from the end of a name. */
const HAN_LEGAL_FORMS = ['股份有限公司', '有限责任公司', '有限公司', '集团公司', '公司'];

/**
 * Legal forms as the words `normalize` leaves of them (dots dropped), dropped from the end of a
 * name as long as one is there: `GmbH & Co. KG` goes as `kg`, `co`, `gmbh`.
 */
const LEGAL_FORMS = [
  ['gmbh'],
  ['mbh'],
  ['ag'],
  ['kg'],
  ['kgaa'],
  ['ohg'],
  ['gbr'],
  ['ug'],
  ['se'],
  ['e', 'k'],
  ['ek'],
  ['e', 'v'],
  ['ev'],
  ['co'],
  ['ltd'],
  ['limited'],
  ['inc'],
  ['llc'],
  ['corp'],
  ['corporation'],
  ['plc'],
  ['sarl'],
  ['sa'],
  ['bv'],
  ['nv'],
  ['spa'],
  ['srl'],
];

/** One name's key without its legal form, or null when nothing is left of it. */
export function organisationNameKey(name: string | null | undefined): string | null {
  if (!name) return null;
  let text = name.trim();
  for (let dropped = true; dropped;) {
    dropped = false;
    for (const form of HAN_LEGAL_FORMS)
      if (text.endsWith(form) && text.length > form.length) {
        text = text.slice(0, -form.length).trim();
        dropped = true;
      }
  }
  const words = normalize(text).replace(/[@.]/g, ' ').split(' ').filter(Boolean);
  for (let dropped = true; dropped;) {
    dropped = false;
    for (const form of LEGAL_FORMS) {
      const tail = words.slice(-form.length);
      if (words.length > form.length && tail.join(' ') === form.join(' ')) {
        words.splice(-form.length);
        dropped = true;
      }
    }
  }
  const key = HAN.test(text) ? (pinyinForms(text)[1] ?? '') : words.join('');
  return key || null;
}

/** The host of a website without `www.`, or null: `https://www.zwilling.com/de/` → `zwilling.com`. */
export function websiteDomain(website: string | null | undefined): string | null {
  if (!website) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(website) ? website : `https://${website}`);
    const host = url.hostname
      .toLowerCase()
      .replace(/^www\./, '')
      .replace(/\.$/, '');
    return host.includes('.') ? host : null;
  } catch {
    return null;
  }
}

/** Every key of an organisation, deduplicated: `name:…` for each name, `web:…` for the website. */
export function organisationMatchKeys(o: {
  names: (string | null | undefined)[];
  website?: string | null;
}): string[] {
  const keys = new Set<string>();
  for (const name of o.names) {
    const key = organisationNameKey(name);
    if (key) keys.add(`name:${key}`);
  }
  const domain = websiteDomain(o.website);
  if (domain) keys.add(`web:${domain}`);
  return [...keys];
}

/** The reasons two organisations' keys give for being one: `name`, `website`. */
export const MATCH_KEY_REASONS: Record<string, string> = { name: 'name', web: 'website' };

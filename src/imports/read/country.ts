import { countries } from '../../web/kit/format';
import { headerKey } from './targets';

/** Names in use that are not the country's name in Intl's German, English or Chinese. */
const ALIASES: Record<string, string> = {
  'VR China': 'CN',
  'Volksrepublik China': 'CN',
  "People's Republic of China": 'CN',
  PRC: 'CN',
  'P.R. China': 'CN',
  'Mainland China': 'CN',
  'China (Volksrepublik)': 'CN',
  中华人民共和国: 'CN',
  中國: 'CN',
  大陆: 'CN',
  Hongkong: 'HK',
  'Hong Kong': 'HK',
  香港: 'HK',
  Macau: 'MO',
  Macao: 'MO',
  澳门: 'MO',
  臺灣: 'TW',
  BRD: 'DE',
  'Bundesrepublik Deutschland': 'DE',
  'Federal Republic of Germany': 'DE',
  USA: 'US',
  'U.S.A.': 'US',
  'United States of America': 'US',
  'Vereinigte Staaten von Amerika': 'US',
  UK: 'GB',
  'Great Britain': 'GB',
  Großbritannien: 'GB',
  England: 'GB',
  Korea: 'KR',
  'Republic of Korea': 'KR',
  'Korea, Republic of': 'KR',
  'Czech Republic': 'CZ',
  'Tschechische Republik': 'CZ',
  Turkey: 'TR',
  Holland: 'NL',
  Russland: 'RU',
  'Russian Federation': 'RU',
  UAE: 'AE',
  VAE: 'AE',
  Schweiz: 'CH',
  Switzerland: 'CH',
  Österreich: 'AT',
};

const BY_NAME: Map<string, string> = (() => {
  const names = new Map<string, string>();
  const chinese = new Intl.DisplayNames(['zh'], { type: 'region', fallback: 'none' });
  for (const { value: code, label } of countries('en')) {
    names.set(headerKey(label), code);
    const inChinese = chinese.of(code);
    if (inChinese) names.set(headerKey(inChinese), code);
  }
  for (const { value: code, label } of countries('de')) names.set(headerKey(label), code);
  for (const [name, code] of Object.entries(ALIASES)) names.set(headerKey(name), code);
  return names;
})();

const CODES = new Set(countries('en').map(({ value }) => value));

/**
 * The ISO 3166-1 alpha-2 code of a country written as a code ("cn") or named in German, English
 * or Chinese ("China", "Deutschland", "VR China", "中国"); null when it names no country.
 */
export function countryCode(value: string | null | undefined): string | null {
  const text = value?.trim();
  if (!text) return null;
  if (CODES.has(text.toUpperCase())) return text.toUpperCase();
  return BY_NAME.get(headerKey(text)) ?? null;
}

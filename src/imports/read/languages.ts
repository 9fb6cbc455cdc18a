import { headerKey } from './targets';

/** Languages an agency's contacts speak, by their BCP 47 tag. */
const LANGUAGES = [
  'de',
  'en',
  'zh',
  'yue',
  'fr',
  'es',
  'it',
  'pt',
  'nl',
  'pl',
  'cs',
  'sk',
  'hu',
  'ro',
  'bg',
  'hr',
  'sr',
  'sl',
  'el',
  'tr',
  'ru',
  'uk',
  'ar',
  'fa',
  'he',
  'hi',
  'ur',
  'bn',
  'ja',
  'ko',
  'vi',
  'th',
  'id',
  'ms',
  'tl',
  'sv',
  'da',
  'nb',
  'no',
  'fi',
  'et',
  'lv',
  'lt',
  'ga',
  'is',
  'sq',
  'mk',
  'ka',
  'hy',
  'az',
  'kk',
  'uz',
  'mn',
  'sw',
  'af',
  'ta',
  'te',
];

const ALIASES: Record<string, string> = {
  Mandarin: 'zh',
  Hochchinesisch: 'zh',
  Putonghua: 'zh',
  普通话: 'zh',
  汉语: 'zh',
  华语: 'zh',
  Kantonesisch: 'yue',
  Cantonese: 'yue',
  粤语: 'yue',
  广东话: 'yue',
  Englisch: 'en',
  Deutsch: 'de',
  Hochdeutsch: 'de',
  Norwegisch: 'no',
  Norwegian: 'no',
};

const BY_NAME: Map<string, string> = (() => {
  const names = new Map<string, string>();
  for (const locale of ['en', 'de', 'zh']) {
    const display = new Intl.DisplayNames([locale], { type: 'language', fallback: 'none' });
    for (const tag of LANGUAGES) {
      const name = display.of(tag);
      if (name) names.set(headerKey(name), tag);
    }
  }
  for (const [name, tag] of Object.entries(ALIASES)) names.set(headerKey(name), tag);
  return names;
})();

/**
 * A language as its BCP 47 tag: a tag as written (`zh-cn` → `zh-CN`) or a language named in
 * German, English or Chinese ("Chinesisch", "English", "中文" → `zh`); null when it is neither.
 */
export function languageTag(value: string): string | null {
  const text = value.trim();
  if (!text) return null;
  const named = BY_NAME.get(headerKey(text));
  if (named) return named;
  if (!/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(text.replace(/_/g, '-'))) return null;
  try {
    return Intl.getCanonicalLocales(text.replace(/_/g, '-'))[0] ?? null;
  } catch {
    return null;
  }
}

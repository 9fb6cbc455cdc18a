import { pinyin } from 'pinyin-pro';

/** Makes `%`, `_` and `\` literal in a LIKE/ILIKE pattern (PostgreSQL's default escape is `\`). */
export const escapeLike = (term: string): string => term.replace(/[\\%_]/g, (c) => `\\${c}`);

const HAN = /\p{Script=Han}/u;
const SPECIAL: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Lowercase, without accents, words separated by one space: `Müller-Lüdenscheidt` → `muller ludenscheidt`. */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßæœøłđðþı]/g, (c) => SPECIAL[c] ?? c)
    .replace(/[^\p{L}\p{N}@.]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/** `王芳` → [`wang fang`, `wangfang`]: pinyin without tones, as syllables and run together. */
export function pinyinForms(text: string): string[] {
  if (!HAN.test(text)) return [];
  const syllables = pinyin(text, { toneType: 'none', type: 'array', nonZh: 'removed', v: true })
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (syllables.length === 0) return [];
  return [syllables.join(' '), syllables.join('')];
}

/**
 * The text a record is found by: every part normalized, plus the pinyin forms of any Chinese
 * script, so `wang fang`, `wangfang`, `王芳` and `Wang` all find 王芳 Wang Fang.
 */
export function searchKey(parts: (string | null | undefined)[]): string {
  const words: string[] = [];
  for (const part of parts) {
    if (!part) continue;
    words.push(normalize(part));
    words.push(...pinyinForms(part));
    // An email is found by its whole address and by its parts (`anna.schmidt@x.de` → `anna schmidt x de`).
    if (part.includes('@')) words.push(normalize(part.replace(/[@.]/g, ' ')));
  }
  return [...new Set(words.filter(Boolean))].join(' ');
}

/** The first one and two characters of every word: what a one- or two-letter term matches. */
export function searchPrefixes(key: string): string[] {
  const out = new Set<string>();
  for (const word of key.split(' ')) {
    const chars = [...word];
    if (chars.length >= 1) out.add(chars[0]);
    if (chars.length >= 2) out.add(chars.slice(0, 2).join(''));
  }
  return [...out];
}

/** Both search columns of a record, ready to be written. */
export const searchColumns = (parts: (string | null | undefined)[]) => {
  const key = searchKey(parts);
  return { searchKey: key, searchPrefixes: searchPrefixes(key) };
};

export const MAX_SEARCH_WORDS = 8;

/**
 * The LIKE pattern of names that begin with a search term, normalised as the term is searched
 * (`Wang-F` → `wang f%`, wildcards escaped): what the search box ranks first, and a contacts list
 * searched by name lists first.
 */
export const namePrefixPattern = (term: string): string => `${escapeLike(normalize(term))}%`;

/** The part before the `@` of a word of an address, when it is long enough to look up. */
function emailLocalPart(word: string): string | undefined {
  const at = word.indexOf('@');
  if (at < 0) return undefined;
  const local = word.slice(0, at);
  return [...local].length >= 3 ? local : undefined;
}

/**
 * A WHERE condition for a search term over a record's `search_key`/`search_prefixes`: every word
 * of the term must occur. Words of three letters or more use the trigram index (`LIKE %word%`,
 * wildcards escaped); shorter ones match word prefixes. Beside a longer word, a short one is a
 * regular expression on the search key (`(^| )f`, a word that begins with it), which the trigram
 * index answers in the same scan as the longer word, reading only what its rare trigrams point
 * to: as the prefix array, its own index read all 45,000 contacts with a word in "f" to
 * intersect them with 3,700 "wang" for "wang f" (16 of 25 ms). Alone, short words use the array
 * index (a regular expression of one or two letters has no trigram to look up). A word of an
 * address is looked up by its part before the `@` (emailLocalPart). Terms in Chinese script are
 * also tried as pinyin.
 */
export function searchCondition(
  alias: string,
  term: string,
  paramPrefix = 'search',
): { sql: string; params: Record<string, unknown> } {
  const words = normalize(term).split(' ').filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  // Punctuation and wildcards separate words and are never wildcards; a term of nothing else
  // finds nothing (rather than everything).
  if (words.length === 0) return { sql: 'FALSE', params: {} };
  const long = (word: string) => [...word].length >= 3;
  const anyLong = words.some(long);
  const params: Record<string, unknown> = {};
  const clauses = words.map((word, i) => {
    const name = `${paramPrefix}${i}`;
    if (long(word)) {
      params[name] = `%${escapeLike(word)}%`;
      const local = emailLocalPart(word);
      if (local === undefined) return `${alias}.search_key LIKE :${name}`;
      // An address: the index looks up the part before the `@`, the whole word is checked on
      // the rows found (the same matches). A domain is shared by many (qq.com, a company's), and
      // the trigram index read the trigrams of every contact with an address there: by e-mail at
      // 200,000 contacts 281 → 362 requests a second. `|| ''` keeps the index out of the second
      // comparison. Other words of the term (a hyphenated domain's) are looked up as any word.
      params[`${name}local`] = `%${escapeLike(local)}@%`;
      return `(${alias}.search_key LIKE :${name}local AND (${alias}.search_key || '') LIKE :${name})`;
    }
    if (anyLong) {
      // normalize() leaves letters, digits, `@` and `.`: only the dot means something here.
      params[name] = `(^| )${word.replace(/\./g, '\\.')}`;
      return `${alias}.search_key ~ :${name}`;
    }
    params[name] = [word];
    return `${alias}.search_prefixes @> CAST(:${name} AS text[])`;
  });
  return { sql: `(${clauses.join(' AND ')})`, params };
}

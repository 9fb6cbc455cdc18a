import { pinyin } from 'pinyin-pro';
import { fieldError, FieldError } from '../common/errors';
import type { NameSpec } from '../common/names';
import { contactNameOrder } from './contact-search';

/**
 * People's names: the romanised family and given name of a name written in Chinese, and the
 * order a name is shown in. Pure functions (no Nest, no database): the API and the web pages
 * use the same ones.
 */

const HAN = /\p{Script=Han}/u;
const HAN_ALL = /\p{Script=Han}/gu;
/** Kana or Hangul: a Japanese or Korean name, which pinyin would romanise wrongly. */
const KANA_OR_HANGUL = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const EAST_ASIAN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Family names of two characters, with their romanisation (simplified and traditional forms):
 * written out because several are read otherwise as surnames than as words (尉迟 Yuchi, 长孙
 * Zhangsun, 万俟 Moqi, 单于 Chanyu) and pinyin-pro knows only the simplified ones.
 */
export const COMPOUND_FAMILY_NAMES: Record<string, string> = {
  欧阳: 'Ouyang',
  歐陽: 'Ouyang',
  司马: 'Sima',
  司馬: 'Sima',
  诸葛: 'Zhuge',
  諸葛: 'Zhuge',
  上官: 'Shangguan',
  东方: 'Dongfang',
  東方: 'Dongfang',
  皇甫: 'Huangfu',
  尉迟: 'Yuchi',
  尉遲: 'Yuchi',
  公孙: 'Gongsun',
  公孫: 'Gongsun',
  慕容: 'Murong',
  令狐: 'Linghu',
  夏侯: 'Xiahou',
  长孙: 'Zhangsun',
  長孫: 'Zhangsun',
  宇文: 'Yuwen',
  司徒: 'Situ',
  端木: 'Duanmu',
  澹台: 'Tantai',
  澹臺: 'Tantai',
  轩辕: 'Xuanyuan',
  軒轅: 'Xuanyuan',
  呼延: 'Huyan',
  南宫: 'Nangong',
  南宮: 'Nangong',
  西门: 'Ximen',
  西門: 'Ximen',
  申屠: 'Shentu',
  钟离: 'Zhongli',
  鍾離: 'Zhongli',
  独孤: 'Dugu',
  獨孤: 'Dugu',
  万俟: 'Moqi',
  萬俟: 'Moqi',
  闻人: 'Wenren',
  聞人: 'Wenren',
  赫连: 'Helian',
  赫連: 'Helian',
  太史: 'Taishi',
  淳于: 'Chunyu',
  单于: 'Chanyu',
  單于: 'Chanyu',
  公羊: 'Gongyang',
  濮阳: 'Puyang',
  濮陽: 'Puyang',
  百里: 'Baili',
  东郭: 'Dongguo',
  東郭: 'Dongguo',
  拓跋: 'Tuoba',
  完颜: 'Wanyan',
  完顏: 'Wanyan',
};

const capitalise = (syllables: string[]): string => {
  const word = syllables.join('');
  return word.charAt(0).toUpperCase() + word.slice(1);
};

/** True when the name is written in Chinese characters (and not in Japanese kana or Hangul). */
export function isChineseName(name: string | null | undefined): name is string {
  return typeof name === 'string' && HAN.test(name) && !KANA_OR_HANGUL.test(name);
}

/**
 * The family and given name, in pinyin without tones, of a name written in Chinese: the family
 * name is the first character, or the first two for a compound family name (欧阳娜娜 → Ouyang /
 * Nana); the given name's syllables are joined (王小明 → Wang / Xiaoming). Characters of other
 * scripts are ignored. Undefined for a name that is not Chinese; givenName is null for a family
 * name alone (李, 欧阳).
 */
export function namesFromChinese(
  nativeName: string | null | undefined,
): { familyName: string; givenName: string | null } | undefined {
  if (!isChineseName(nativeName)) return undefined;
  const han = nativeName.match(HAN_ALL)!.join('');
  const chars = [...han];
  const compound = COMPOUND_FAMILY_NAMES[chars.slice(0, 2).join('')];
  // surname: 'head' reads the leading character as a family name (单 Shan, 曾 Zeng, 解 Xie).
  const syllables = pinyin(han, { toneType: 'none', type: 'array', surname: 'head' }).map((s) =>
    s.trim().toLowerCase(),
  );
  const familyLength = compound ? 2 : 1;
  const given = syllables.slice(familyLength);
  return {
    familyName: compound ?? capitalise(syllables.slice(0, 1)),
    givenName: given.length ? capitalise(given) : null,
  };
}

/**
 * The names a new contact is stored with: those given, or, when familyName is left out, those
 * of its nativeName in Chinese script (a given name that was given wins). Undefined when there
 * is neither: familyName is required.
 */
export function newContactNames(contact: {
  familyName?: string | null;
  givenName?: string | null;
  nativeName?: string | null;
}): { familyName: string; givenName: string | null } | undefined {
  if (contact.familyName)
    return { familyName: contact.familyName, givenName: contact.givenName ?? null };
  const derived = namesFromChinese(contact.nativeName);
  if (!derived) return undefined;
  return { familyName: derived.familyName, givenName: contact.givenName ?? derived.givenName };
}

/** What a new contact without either name is told. */
export const familyNameRequired = (field = 'familyName'): FieldError =>
  fieldError(
    field,
    'required',
    `${field} is required unless nativeName is a name in Chinese script`,
  );

/** Compares names regardless of case, spacing and accents' composition. */
const comparable = (name: string): string =>
  name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * A person's name as it is shown: family name first for East Asian names, which is the case
 * when the name in its own script is Chinese, Japanese or Korean ("Chen Jing 陈静"), or, without
 * one, when the family name itself is written so; otherwise the given name first ("Jürgen Müller"). The name in its own script follows when there is one and
 * it says something else than the romanised name.
 */
export function personName(contact: {
  familyName: string;
  givenName?: string | null;
  nativeName?: string | null;
}): string {
  const family = contact.familyName.trim();
  const given = contact.givenName?.trim() || null;
  const native = contact.nativeName?.trim() || null;
  const familyFirst = EAST_ASIAN.test(native ?? family);
  const romanised = [familyFirst ? family : given, familyFirst ? given : family]
    .filter((part): part is string => !!part)
    .join(' ');
  if (native === null) return romanised;
  const same = [romanised, [family, given].filter(Boolean).join(' ')].some(
    (name) => comparable(name) === comparable(native),
  );
  return same ? romanised : `${romanised} ${native}`;
}

/** A contact's name where a page links to it (`GET /contacts/names`), on the alias `c`. */
export const CONTACT_NAMES: NameSpec = {
  columns: { familyName: 'c.family_name', givenName: 'c.given_name', nativeName: 'c.native_name' },
  order: contactNameOrder('c'),
  of: (row) => personName({ ...row, familyName: row.familyName ?? '' }),
};

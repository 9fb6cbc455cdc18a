import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { escapeHtml } from '../web/kit/html';

/** What identifies a person in texts kept elsewhere: the columns of a contact erasure reads. */
export interface PersonValues {
  family_name: string | null;
  given_name: string | null;
  native_name: string | null;
  email: string | null;
  phone: string | null;
  phone_key: string | null;
  wechat_id: string | null;
}

/** The marker that stands where an erased value was (also in `erase_matches`, migration 1764280000000). */
export const ERASED = '[erased]';

const HAN = /\p{Script=Han}/u;
const WORD_START = /^[\p{L}\p{N}_]/u;
const WORD_END = /[\p{L}\p{N}_]$/u;
const NOT_AFTER_WORD = '(?<![[:alnum:]_])';
const NOT_BEFORE_WORD = '(?![[:alnum:]_])';

/** A literal for PostgreSQL's advanced regular expressions. */
const literal = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);

/** Words of a name, found whatever the spaces between them (`Wang  Fang`, a line break). */
function wordsPattern(words: string[]): string {
  const body = words.map(literal).join('\\s+');
  const text = words.join(' ');
  // A Latin name is matched as whole words (`Li` not in `Lieferung`); a Chinese one anywhere,
  // as Chinese text has no spaces between words (王芳 in 王芳女士).
  // Lookarounds rather than \m and \M: in a database whose locale knows only ASCII letters, \m
  // would never match before Ö, where a lookaround only keeps a match from starting in a word.
  if (HAN.test(text)) return body;
  return `${WORD_START.test(text) ? NOT_AFTER_WORD : ''}${body}${WORD_END.test(text) ? NOT_BEFORE_WORD : ''}`;
}

const SEPARATORS = '[\\s().\\/-]*';

/**
 * A phone's digits in any grouping: `+86 138 0013 8000`, `+8613800138000`, `138-0013-8000`; a
 * national number also after its trunk prefix (`0171 998 8776`, `+49 (0)171 …`).
 */
const digitsPattern = (digits: string, trunk = false) =>
  `(?<![0-9])${trunk ? `(?:0${SEPARATORS})?` : ''}${digits.split('').join(SEPARATORS)}(?![0-9])`;

const words = (text: string | null | undefined) => (text ?? '').trim().split(/\s+/).filter(Boolean);

/** Too short to find without finding others: `Li` alone is a name of millions. */
const distinctive = (text: string) => (HAN.test(text) ? text.length >= 2 : text.length >= 3);

/**
 * The same, and the family and the given name each alone, for the texts of the records linked to
 * the person (`Frau Xiaoqiao` in a note of its own lead is the person; elsewhere it names many).
 */
export function linkedPattern(people: PersonValues[]): string | null {
  const parts = people.flatMap((p) =>
    [p.family_name, p.given_name]
      .map((name) => name?.trim() ?? '')
      .filter((name) => name && distinctive(name) && !HAN.test(name))
      .map((name) => wordsPattern(name.split(/\s+/))),
  );
  const all = erasurePattern(people);
  if (all) parts.unshift(all);
  return parts.length ? `(?:${parts.join('|')})` : null;
}

/**
 * One regular expression (case-insensitive, for `~*` and `regexp_replace(…, 'gi')`) that matches
 * every way the people appear in text: the name as family + given, given + family and native
 * name (also as HTML escapes them, for kept mails' HTML), the e-mail, the phone as typed, in
 * E.164 and as its national number, and the WeChat id. Null when nothing distinctive is left.
 */
export function erasurePattern(people: PersonValues[]): string | null {
  const parts = new Set<string>();
  const addText = (text: string | null | undefined, pattern: (t: string) => string) => {
    const value = text?.trim();
    if (!value || !distinctive(value)) return;
    parts.add(pattern(value));
    const escaped = escapeHtml(value);
    if (escaped !== value) parts.add(pattern(escaped));
  };
  for (const p of people) {
    const family = words(p.family_name);
    const given = words(p.given_name);
    for (const name of [
      [...family, ...given],
      [...given, ...family],
      words(p.native_name),
      // The Chinese order without the space: WangFang is rare, 王 芳 is not.
      HAN.test(p.family_name ?? '') ? [[...family, ...given].join('')] : [],
    ]) {
      if (name.length) addText(name.join(' '), (t) => wordsPattern(t.split(' ')));
    }
    addText(p.email, literal);
    addText(p.wechat_id, (t) => wordsPattern([t]));
    addText(p.phone, literal);
    for (const phone of [p.phone_key, p.phone]) {
      const digits = (phone ?? '').replace(/\D/g, '');
      if (digits.length >= 6) parts.add(digitsPattern(digits));
    }
    const national = p.phone_key ? parsePhoneNumberFromString(p.phone_key)?.nationalNumber : null;
    if (national && national.length >= 6) parts.add(digitsPattern(national, true));
  }
  return parts.size ? `(?:${[...parts].join('|')})` : null;
}

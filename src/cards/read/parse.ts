// The full metadata: validity by the number's ranges, not just its length (OCR garbage after a
// label is often a number of a possible length).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { phoneE164 } from '../../contacts/match-keys';
import { COMPOUND_FAMILY_NAMES, namesFromChinese } from '../../contacts/names';

/**
 * The fields of a business card, read from the text OCR found on it. Pure functions (no Nest,
 * no I/O): what the reader proposes for the user to confirm or correct, so a wrong guess costs a
 * correction, a missing one a typed field.
 */
export interface CardFields {
  /** The name in Chinese script, without spaces (欧阳娜娜). */
  nativeName?: string;
  /** Latin: as printed on the card, else the pinyin of nativeName (Ouyang / Nana). */
  familyName?: string;
  givenName?: string;
  /** The organisation's name in latin script when the card has one, else as printed. */
  organisation?: string;
  /** The organisation's name in Chinese script. */
  nativeOrganisation?: string;
  /** The position in latin script when the card has one, else as printed. */
  position?: string;
  nativePosition?: string;
  emails: string[];
  /** Telephone and mobile numbers in E.164 (+8613812345678), mobiles first. */
  phones: string[];
  fax?: string;
  wechatId?: string;
  /** The postal address in latin script when the card has one, else as printed. */
  address?: string;
  nativeAddress?: string;
  /** Host and path, lower case, without the scheme (www.example.com). */
  website?: string;
  /** ISO 3166 code of the country of the first phone (CN, DE). */
  country?: string;
}

/** A line of a card's text; where it was on the image, when known, helps to read it. */
export interface CardLine {
  text: string;
  /** Height of the line's box: a card's name is its largest text. */
  height?: number;
  top?: number;
  left?: number;
  width?: number;
  /** Which image (side of the card) the line is on. */
  side?: number;
}

const HAN_CHAR = '\\p{Script=Han}';
const HAN = /\p{Script=Han}/u;
const CJK_PUNCT = '\\u3000-\\u303f\\uff00-\\uffef';
const BETWEEN_HAN = new RegExp(
  `(?<=[${HAN_CHAR}${CJK_PUNCT}])[ \\t]+(?=[${HAN_CHAR}${CJK_PUNCT}])`,
  'gu',
);

/** Tesseract reads each Chinese character as a word and puts spaces between them: undone. */
export function joinHan(text: string): string {
  return text.replace(BETWEEN_HAN, '');
}

/** Also the spaces between Chinese and latin or digits, which Chinese text does not have. */
const joinHanAll = (text: string) =>
  joinHan(text)
    .replace(new RegExp(`(?<=[${HAN_CHAR}])\\s+(?=[\\w#-])`, 'gu'), '')
    .replace(new RegExp(`(?<=[\\w#-])\\s+(?=[${HAN_CHAR}])`, 'gu'), '');

// ---- labels --------------------------------------------------------------------------------

type Label = 'mobile' | 'phone' | 'fax' | 'email' | 'wechat' | 'address' | 'website';

const LABEL_WORDS: [Label, string][] = [
  ['mobile', '手机|移动电话|mobile(?:\\s*phone)?|mob|cell(?:phone)?|handy|mobil'],
  ['fax', '传真|tele?fax|fax'],
  ['phone', '电话|座机|办公电话|tel(?:ephone|efon)?|phone|fon|office'],
  ['email', '电子邮件|电子邮箱|邮箱|电邮|e-?mail|mail'],
  ['wechat', '微信号?|wechat(?:\\s*id)?|weixin'],
  ['address', '地址|address|addr|adresse|anschrift|add'],
  ['website', '网址|网站|主页|website|web|internet|homepage|url'],
];
const SHORT_LABELS: Record<string, Label> = {
  m: 'mobile',
  t: 'phone',
  p: 'phone',
  f: 'fax',
  e: 'email',
  w: 'website',
  a: 'address',
};

/** A label and its colon; words only at a word's start (so "Mobile" is not "Mob" + "ile"). */
const LABEL = new RegExp(
  `(?:^|(?<=[\\s|/;,]))(?:(${LABEL_WORDS.map(([, w]) => `(?:${w})`).join('|')})(?![a-z])\\.?\\s*[:：;]?|([MTPFEWA])\\s*[:：.])\\s*`,
  'giu',
);
const labelOf = (word: string | undefined, letter: string | undefined): Label | undefined => {
  if (letter) return SHORT_LABELS[letter.toLowerCase()];
  const text = word!.toLowerCase();
  return LABEL_WORDS.find(([, w]) => new RegExp(`^(?:${w})$`, 'iu').test(text))?.[0];
};
/** A line that is only a label ("手机：", "E-Mail"): its value was read as a line of its own. */
const LABEL_ONLY = new RegExp(
  `^(?:${LABEL_WORDS.map(([, w]) => w).join('|')}|[MTPFEWA])\\.?\\s*[:：]?\\s*$`,
  'iu',
);

interface Segment {
  label?: Label;
  value: string;
}

function shortLabelFits(letter: string, after: string): boolean {
  if (letter !== letter.toUpperCase()) return false;
  if ('MTPF'.includes(letter)) return /^\s*[+(\d]/.test(after);
  if (letter === 'E') return /^\s*\S+@/.test(after);
  if (letter === 'W') return /^\s*(?:www|http)/i.test(after);
  return /^\s*\d/.test(after);
}

/** "Tel: 010 1234 5678  Fax: 010 1234 5679" → a segment per label (the text before: none). */
function segments(line: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  let label: Label | undefined;
  for (const m of line.matchAll(LABEL)) {
    const found = labelOf(m[1], m[2]);
    if (!found) continue;
    // A one-letter label only in capitals and before what it labels: "M: 138…", "E: a@b.cn",
    // not the M of "M. Sc." or the e of "e.V.".
    if (m[2] && !shortLabelFits(m[2], line.slice(m.index + m[0].length))) continue;
    const before = trimValue(line.slice(last, m.index));
    if (before || label) out.push({ label, value: before });
    label = found;
    last = m.index + m[0].length;
  }
  const rest = trimValue(line.slice(last));
  if (rest || label) out.push({ label, value: rest });
  return out;
}

const trimValue = (value: string) => value.replace(/^[\s:;,.|'>·-]+|[\s|'>·]+$/g, '');

// ---- values --------------------------------------------------------------------------------

/** OCR reads 0 as O and 1 as l or I inside numbers: fixed within runs that are mostly digits. */
const PHONE_RUN = /(?:\+|00)?[\s(]*[\dOoIl|]{1,5}[)\s./-]*(?:[\dOoIl|][\s()./-]*){5,}[\dOo]/g;

function phoneRuns(text: string): string[] {
  const runs: string[] = [];
  for (const m of text.matchAll(PHONE_RUN)) {
    const run = m[0];
    const digits = run.replace(/\D/g, '').length;
    const letters = run.replace(/[^OoIl|]/g, '').length;
    if (digits < 6 || letters > 3 || letters * 3 > digits) continue;
    runs.push(run.replace(/[Oo]/g, '0').replace(/[Il|]/g, '1'));
  }
  return runs;
}

/** The phones in a value, E.164. */
function phonesIn(value: string): string[] {
  const out: string[] = [];
  for (const run of phoneRuns(value)) {
    const cleaned = run.replace(/\(\s*0\s*\)/, ' ').trim();
    const e164 = phoneE164(cleaned, 'CN');
    // Valid, not just possible: OCR garbage after a label is often a possible number.
    if (!e164 || !parsePhoneNumberFromString(e164)?.isValid()) continue;
    if (!out.includes(e164)) out.push(e164);
  }
  return out;
}

const EMAIL = /[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/gi;

function emailsIn(text: string): string[] {
  const fixed = text
    .replace(/\s*[@©®]\s*/g, '@')
    .replace(/\(at\)|\[at\]/gi, '@')
    .replace(/(?<=@[^\s]*)\s*[,;]\s*(?=[a-z]{2,}\b)/gi, '.')
    .replace(/\s*\.\s*(?=[a-z0-9])/gi, '.');
  const out: string[] = [];
  for (const m of fixed.matchAll(EMAIL)) {
    let email = m[0].toLowerCase().replace(/^[._%+-]+/, '');
    // Digits where a domain has letters: O for 0 is likelier there than a 0 in a name.
    const [local, domain] = email.split('@');
    email = `${local}@${domain.replace(/(?<=[a-z])0(?=[a-z])/g, 'o').replace(/(?<=[a-z])1(?=[a-z])/g, 'l')}`;
    out.push(email);
  }
  return out;
}

const WEBSITE =
  /\b(?:https?:\/\/)?((?:www\d?\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})(\/[^\s]*)?/i;
const WWW = /\b(?:https?:\/\/\S+|www\d?\s*\.\s*[a-z0-9-]+(?:\s*\.\s*[a-z0-9-]+)+)/i;

/**
 * The web addresses a value may be: where OCR lost the dot after www or read it as a letter
 * ("wwwexample.com", "wwwxexample.com") both readings; the e-mails' domains choose.
 */
function websitesIn(value: string, labelled: boolean): string[] {
  const glued = /\bwww(?=[a-z0-9-]+\.)/i.exec(value);
  const readings = glued
    ? [value.replace(/\bwww/i, 'www.'), value.replace(/\bwww[a-z0-9]/i, 'www.')]
    : [value.replace(/\bwww\s+/i, 'www.')];
  return readings.flatMap((r) => websiteIn(r, labelled) ?? []);
}

function websiteIn(value: string, labelled: boolean): string | undefined {
  let text = value;
  if (labelled) {
    text = text
      .trim()
      .replace(/\s*\.\s*/g, '.')
      .replace(/\s+(?=[a-z]{2,4}$)/i, '.');
  }
  const found = labelled ? text : WWW.exec(text)?.[0];
  if (!found) return undefined;
  const m = WEBSITE.exec(found.replace(/\s*\.\s*/g, '.').replace(/,(?=[a-z]{2,}\b)/i, '.'));
  if (!m || found.includes('@')) return undefined;
  return (m[1] + (m[2] ?? '')).toLowerCase().replace(/[/.,;]+$/, '');
}

/** A WeChat id: 6 to 20 letters, digits, _ and -, starting with a letter; or a phone number. */
function wechatIn(value: string): string | undefined {
  // An id has no spaces: where OCR saw one between its parts, the card had an underscore.
  const joined = /^[-_a-z0-9]+(?:\s+[-_a-z0-9]+)+$/i.test(value.trim())
    ? value
        .trim()
        .replace(/\s*([-_])\s*/g, '$1')
        .replace(/\s+/g, '_')
    : value;
  const id = /[a-z][-_a-z0-9]{5,19}/i.exec(joined);
  if (id) return id[0];
  const digits = value.replace(/[\s-]/g, '');
  return /^\+?\d{6,15}$/.test(digits) ? digits : undefined;
}

// ---- what a line is ------------------------------------------------------------------------

const ORGANISATION =
  /(有限公司|有限责任公司|公司|集团|研究院|研究所|大学|学院|银行|协会|委员会|商会|事务所|医院|管理局|管委会|政府|办公室|促进会|基金会|\bGmbH\b|\bAG\b|\bKG(?:aA)?\b|\bIHK\b|\bHandelskammer\b|\bStadtwerke\b|\be\.\s?V\.|\bCo\.?,?\s*Ltd\b|\bLtd\b|\bLimited\b|\bInc\b|\bCorp(?:oration)?\b|\bGroup\b|\bUniversity\b|\bUniversität\b|\bHochschule\b|\bInstitute?\b|\bAssociation\b|\bChamber\b|\bBank\b|\bCompany\b|\bLLC\b|\bCommittee\b|\bBureau\b|\bAgency\b|\bFoundation\b|\bStiftung\b|\bVerband\b|\bKammer\b|\bHoldings?\b|\bTechnolog(?:y|ies)\b|\bIndustries\b|\bTrading\b|\bConsulting\b|\bPartners\b|\bWirtschaftsförderung\b|\bAmt\b|\bMinistry\b|\bCommission\b|\bCouncil\b)/iu;

const POSITION =
  /(总经理|副总经理|经理|总监|主任|总裁|副总裁|董事长|董事|主管|秘书长|会长|部长|处长|局长|科长|院长|所长|教授|工程师|顾问|首席|代表|合伙人|专员|助理|主席|书记|\bCEO\b|\bCFO\b|\bCTO\b|\bCOO\b|\bDirector\b|\bManager\b|\bHead\b|\bPresident\b|\bChairman\b|\bChairwoman\b|\bChair\b|\bFounder\b|\bPartner\b|\bEngineer\b|\bConsultant\b|\bRepresentative\b|\bOfficer\b|\bSecretary\b|\bProfessor\b|\bGeschäftsführer(?:in)?\b|\bLeiter(?:in)?\b|\bReferent(?:in)?\b|\bVorstand\b|\bVorsitzender?\b|\bBerater(?:in)?\b|\bProjektleiter(?:in)?\b|\bAssistant\b|\bSpecialist\b|\bCoordinator\b|\bAnalyst\b|\bLead\b|\bChief\b|\bSales\b|\bExecutive\b|\bAbteilungsleiter(?:in)?\b|\bSachbearbeiter(?:in)?\b|\bMitarbeiter(?:in)?\b|\bBeauftragte[r]?\b)/iu;

const HAN_ADDRESS = /(省|市|区|县|镇|路|街|道|大道|号|楼|座|室|层|大厦|广场|园区|弄|巷)/u;
const LATIN_ADDRESS =
  /(\b(?:Road|Rd|Street|St|Avenue|Ave|Boulevard|Blvd|Lane|Drive|District|Floor|Fl|Room|Rm|Tower|Building|Bldg|Plaza|Square|Park|Zone|Suite|Unit|Province|P\.\s?R\.\s?China|China|Germany|Deutschland)\b\.?|(?:straße|strasse|str\.|weg|platz|allee|ring|damm|gasse|ufer|chaussee)\b)/iu;
const POSTCODE = /\b(?:D-)?\d{5}\s+\p{Lu}\p{Ll}+|\b\d{6}\b/u;

const hasDigit = (text: string) => /\d/.test(text);

function looksLikeAddress(text: string): boolean {
  if (HAN.test(text)) {
    const han = joinHanAll(text);
    return HAN_ADDRESS.test(han) && (hasDigit(han) || /(省|市).*(区|县|路|街)/u.test(han));
  }
  return (LATIN_ADDRESS.test(text) && hasDigit(text)) || POSTCODE.test(text);
}

// ---- names ---------------------------------------------------------------------------------

/** The commonest single-character family names: a line of 2–4 of them is likelier a name. */
const FAMILY_NAMES = new Set(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝'.split(
    '',
  ),
);

const HONORIFIC =
  /^(?:(?:Dr|Prof|Dipl|Ing|Mag|Mr|Mrs|Ms|Miss|Herr|Frau|rer|nat|med|phil|oec|h\.\s?c)\.?[-\s]*)+/i;
const PARTICLES = new Set(['von', 'van', 'de', 'der', 'zu', 'den', 'del', 'da', 'di', 'le', 'la']);
const NAME_WORD = /^(?:\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}?[\p{Ll}'’]+)*|\p{Lu}{2,}(?:-\p{Lu}{2,})?)$/u;
const NOT_A_NAME =
  /^(?:China|Germany|Deutschland|Beijing|Shanghai|Guangzhou|Shenzhen|Chengdu|Wuhan|Tianjin|Nanjing|Hangzhou|Suzhou|Berlin|Munich|München|Hamburg|Düsseldorf|Cologne|Köln|Frankfurt|Stuttgart|Business|Card|Office|Department|Dept|Marketing|International|Development|Economic|Trade|Investment|Research|Global)$/iu;

const titleCase = (word: string) =>
  PARTICLES.has(word.toLowerCase())
    ? word.toLowerCase()
    : word
        .split('-')
        .map((part) =>
          part === part.toUpperCase()
            ? part.charAt(0) + part.slice(1).toLowerCase()
            : part.charAt(0).toUpperCase() + part.slice(1),
        )
        .join('-');

/** Chinese name in a line: 2–4 characters (5 with a compound family name), nothing else Chinese. */
function hanName(text: string): string | undefined {
  const han = joinHanAll(text)
    .replace(/[^\p{Script=Han}]+/gu, ' ')
    .trim();
  if (!han || han.includes(' ')) return undefined;
  const chars = [...han];
  const compound = COMPOUND_FAMILY_NAMES[chars.slice(0, 2).join('')] !== undefined;
  if (chars.length < 2 || chars.length > (compound ? 5 : 4)) return undefined;
  if (ORGANISATION.test(han) || POSITION.test(han) || HAN_ADDRESS.test(han.slice(-1))) {
    return undefined;
  }
  if (/(部|处|科|中心|组|厅|局|办|系|院)$/u.test(han)) return undefined;
  return han;
}

/** The latin name words in a line ("Dr. Klaus-Peter Müller", "OUYANG Nana"), or undefined. */
function latinName(text: string): string[] | undefined {
  if (/[\d@:/]|www/i.test(text) || HAN.test(text)) return undefined;
  if (ORGANISATION.test(text) || POSITION.test(text)) return undefined;
  const words = text
    .replace(HONORIFIC, '')
    .replace(/[,]/g, ' , ')
    .replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
    .split(/\s+/)
    .filter(Boolean);
  const plain = words.filter((w) => w !== ',');
  if (plain.length < 2 || plain.length > 4) return undefined;
  if (words.filter((w) => w === ',').length > 1) return undefined;
  if (!plain.every((w) => NAME_WORD.test(w) || PARTICLES.has(w))) return undefined;
  if (plain.some((w) => NOT_A_NAME.test(w))) return undefined;
  return words;
}

/** Which of the latin words are the family name: the card's order, told by its form. */
function splitLatin(
  words: string[],
  nativeName: string | undefined,
): { familyName: string; givenName?: string } {
  const comma = words.indexOf(',');
  if (comma > 0) {
    return {
      familyName: words.slice(0, comma).map(titleCase).join(' '),
      givenName:
        words
          .slice(comma + 1)
          .map(titleCase)
          .join(' ') || undefined,
    };
  }
  const plain = words.map((w) => w);
  const pinyin = nativeName ? namesFromChinese(nativeName)?.familyName : undefined;
  let family: number;
  const match = pinyin
    ? plain.findIndex((w) => w.replace(/-/g, '').toLowerCase() === pinyin.toLowerCase())
    : -1;
  if (match >= 0) family = match;
  else if (/^\p{Lu}{2,}$/u.test(plain[0]) && plain.slice(1).some((w) => /\p{Ll}/u.test(w))) {
    family = 0;
  } else family = plain.length - 1;
  let start = family;
  while (start > 0 && PARTICLES.has(plain[start - 1])) start--;
  const familyName = plain
    .slice(start, family + 1)
    .map(titleCase)
    .join(' ');
  const given = [...plain.slice(0, start), ...plain.slice(family + 1)].map(titleCase);
  return { familyName, givenName: given.join(' ') || undefined };
}

// ---- the card ------------------------------------------------------------------------------

function normalise(text: string): string {
  return joinHan(
    text
      .normalize('NFKC')
      .replace(/[“”"‘’`´]/g, "'")
      .replace(/[—–]/g, '-')
      .replace(/\s+/g, ' ')
      .trim(),
  )
    .replace(/^[|'.,;:_~-]+\s*/, '')
    .replace(/\s*[|'_~]+$/, '');
}

/**
 * A line OCR broke in two where it was turned on the photo ("Dr. Klaus-Peter" | "Müller"): the
 * second starts just after the first ends, about as high. Joined again.
 */
function joinBroken(lines: CardLine[]): CardLine[] {
  const out = [...lines];
  const continues = (a: CardLine, b: CardLine) =>
    a !== b &&
    a.width !== undefined &&
    b.left !== undefined &&
    a.side === b.side &&
    Math.abs(b.height! - a.height!) < a.height! * 0.35 &&
    Math.abs(b.top! - a.top!) < a.height! * 0.7 &&
    b.left > a.left! + a.width &&
    b.left - (a.left! + a.width) < a.height! * 0.8;
  for (let i = 0; i < out.length; i++) {
    const next = out.findIndex((b) => continues(out[i], b));
    if (next < 0) continue;
    const [a, b] = [out[i], out[next]];
    out[i] = { ...a, text: `${a.text} ${b.text}`, width: b.left! + (b.width ?? 0) - a.left! };
    out.splice(next, 1);
    if (next < i) i--;
    i--;
  }
  return out;
}

/**
 * English OCR has no umlauts: Müller comes out as Muller or Miller, Düsseldorf as Diisseldorf.
 * Put back what the card itself tells (the e-mail's ue for ü) or what is a well-known place.
 */
const GERMAN_WORDS = [
  'Geschäftsführerin',
  'Geschäftsführer',
  'Präsidentin',
  'Präsident',
  'Bürgermeisterin',
  'Bürgermeister',
  'Büroleiterin',
  'Büroleiter',
  'Vizepräsident',
  'Prüfer',

  'Köln',
  'Düsseldorf',
  'München',
  'Nürnberg',
  'Würzburg',
  'Lübeck',
  'Göttingen',
  'Saarbrücken',
  'Mönchengladbach',
  'Osnabrück',
  'Tübingen',
  'Fürth',
  'Gütersloh',
  'Lüneburg',
  'Jülich',
  'Neuss-Düsseldorf',
];
const UMLAUT_OCR: Record<string, string> = {
  ä: '(?:a|ä)',
  ö: '(?:o|ö|6|é|6)',
  ü: '(?:u|ü|ii|i|ti)',
};
const GERMAN_READINGS = GERMAN_WORDS.map((place) => ({
  place,
  reading: new RegExp(`\\b${[...place].map((c) => UMLAUT_OCR[c] ?? c).join('')}\\b`, 'gu'),
}));

function germanWords(text: string): string {
  let out = text.replace(/(?<=\p{Ll})stra(?:B|l|1|fs)e\b/gu, 'straße');
  for (const { place, reading } of GERMAN_READINGS) out = out.replace(reading, place);
  return out;
}

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
};

/** "Schafer" with anna.schaefer@…: Schäfer. The e-mail writes ä, ö, ü, ß as ae, oe, ue, ss. */
function umlautsFromEmail(name: string, emails: string[]): string {
  const parts = emails.flatMap((e) => e.split('@')[0].split(/[._-]+/)).filter((p) => p.length > 2);
  const lower = name.toLowerCase();
  for (const part of parts) {
    if (!/ae|oe|ue|ss/.test(part)) continue;
    const spelled = part
      .replace(/ae/g, 'ä')
      .replace(/oe/g, 'ö')
      .replace(/ue/g, 'ü')
      .replace(/ss/g, 'ß');
    if (spelled === lower || part === lower) return name;
    // Only a word of the name's length (Müller: Muller, Miller, Mtiller), not one it is part of.
    if (Math.abs(spelled.length - lower.length) > 1 || spelled[0] !== lower[0]) continue;
    if (distance(lower, spelled) <= 2 && distance(lower, spelled) < distance(lower, part)) {
      return name.charAt(0) + spelled.slice(1);
    }
    if (distance(lower, spelled) <= 2 && distance(lower, spelled) === distance(lower, part)) {
      // As near the one as the other (Schafer: Schäfer or Schaefer): OCR drops dots, not letters.
      if (lower.length === spelled.length) return name.charAt(0) + spelled.slice(1);
    }
  }
  return name;
}

/** Labels whose value OCR read as a line of its own (a column of labels beside one of values). */
function pairLabels(lines: CardLine[]): CardLine[] {
  const labels = lines.filter((l) => LABEL_ONLY.test(l.text) && l.top !== undefined);
  if (!labels.length) return lines;
  const used = new Set<CardLine>();
  const merged = new Map<CardLine, CardLine>();
  for (const label of labels) {
    const h = label.height ?? 0;
    const middle = label.top! + h / 2;
    let best: CardLine | undefined;
    for (const line of lines) {
      if (line === label || used.has(line) || LABEL_ONLY.test(line.text)) continue;
      if (line.side !== label.side || line.top === undefined || line.left === undefined) continue;
      if (line.left <= (label.left ?? 0)) continue;
      const lh = line.height ?? 0;
      const distance = Math.abs(line.top + lh / 2 - middle);
      if (distance > Math.max(h, lh) * 0.6) continue;
      if (!best || line.left < best.left!) best = line;
    }
    if (!best) continue;
    used.add(best);
    merged.set(best, { ...best, text: `${label.text.replace(/[:：\s]*$/, '')}: ${best.text}` });
    merged.set(label, { ...label, text: '' });
  }
  return lines.map((l) => merged.get(l) ?? l).filter((l) => l.text);
}

/**
 * The fields of a card from its text: a string (lines), or lines with where they were on the
 * image (both sides of a bilingual card one after the other, each line with its side).
 */
export function parseCard(input: string | readonly (string | CardLine)[]): CardFields {
  const raw: CardLine[] = (typeof input === 'string' ? input.split(/\r?\n/) : input).map((l) =>
    typeof l === 'string' ? { text: l } : l,
  );
  const lines = pairLabels(
    joinBroken(
      raw
        .map((l) => ({ ...l, text: germanWords(normalise(l.text)) }))
        .filter((l) => /[\p{L}\p{N}]/u.test(l.text)),
    ),
  );

  const fields: CardFields = { emails: [], phones: [] };
  const mobiles: string[] = [];
  const others: string[] = [];
  const nativeNames: { name: string; height: number; index: number }[] = [];
  const latinNames: { words: string[]; height: number; index: number }[] = [];
  const organisations: string[] = [];
  const positions: string[] = [];
  const addresses: string[] = [];
  const websites: string[] = [];
  const leftovers: string[] = [];
  /** Lines that may be a name: those that are not the name are left over. */
  const candidates = new Map<number, string>();
  let addressIndex = -2;

  const addEmail = (email: string) => {
    if (!fields.emails.includes(email)) fields.emails.push(email);
  };

  lines.forEach((line, index) => {
    const text = line.text;
    let rest = '';
    for (const { label, value } of segments(text)) {
      if (label === 'email') emailsIn(value).forEach(addEmail);
      else if (label === 'mobile') mobiles.push(...phonesIn(value));
      else if (label === 'phone') others.push(...phonesIn(value));
      else if (label === 'fax') fields.fax ??= phonesIn(value)[0];
      else if (label === 'wechat') fields.wechatId ??= wechatIn(value);
      else if (label === 'website') websites.push(...websitesIn(value, true));
      else if (label === 'address') {
        if (value) addresses.push(value);
        addressIndex = index;
      } else rest += ` ${value}`;
    }
    rest = rest.trim();
    if (!rest) return;

    const emails = emailsIn(rest);
    if (emails.length) {
      emails.forEach(addEmail);
      return;
    }
    const sites = websitesIn(rest, false);
    if (sites.length) {
      websites.push(...sites);
      return;
    }
    if (!/\p{L}{3,}/u.test(rest.replace(/[OoIl]/g, '')) || !HAN.test(rest)) {
      const phones = phonesIn(rest);
      const letters = rest.replace(/[^\p{L}]/gu, '').length;
      if (phones.length && (letters <= 4 || !looksLikeAddress(rest))) {
        others.push(...phones);
        return;
      }
    }
    const height = line.height ?? 0;
    const native = hanName(rest.replace(/\s*[A-Za-z][A-Za-z\s.,'-]*$/u, ''));
    if (native) nativeNames.push({ name: native, height, index });
    const latinPart = HAN.test(rest) ? rest.replace(/^[\p{Script=Han}\s]+/u, '') : rest;
    const latin = latinPart ? latinName(latinPart) : undefined;
    if (latin) latinNames.push({ words: latin, height, index });
    if (native || latin) {
      candidates.set(index, rest);
      return;
    }

    const isAddress = looksLikeAddress(rest);
    const isOrganisation = ORGANISATION.test(rest);
    const isPosition = POSITION.test(rest);
    if (isAddress && !(isOrganisation && !hasDigit(rest))) {
      if (addressIndex === index - 1 && addresses.length) {
        addresses[addresses.length - 1] += `${HAN.test(rest) ? '' : ', '}${rest}`;
      } else addresses.push(rest);
      addressIndex = index;
      return;
    }
    if (addressIndex === index - 1 && addresses.length && !isOrganisation && !isPosition) {
      // The address's next line (a city, a postcode, a country).
      if (
        /^[\p{L}\s.,\d-]+$/u.test(rest) &&
        !HAN.test(addresses[addresses.length - 1]) === !HAN.test(rest)
      ) {
        addresses[addresses.length - 1] += `, ${rest}`;
        addressIndex = index;
        return;
      }
    }
    if (isPosition && !(isOrganisation && /(公司|GmbH|Ltd|AG\b|Inc)/i.test(rest))) {
      positions.push(rest);
      return;
    }
    if (isOrganisation) {
      organisations.push(rest);
      return;
    }
    // "Co., Ltd." on a line of its own belongs to the line before.
    if (/^(?:Co\.?,?\s*)?Ltd\.?$/i.test(rest) && organisations.length) {
      organisations[organisations.length - 1] += ` ${rest}`;
    } else leftovers.push(rest);
  });

  fields.phones = [...new Set([...mobiles, ...others])].filter((p) => p !== fields.fax);
  const domains = fields.emails.map((e) => e.split('@')[1]);
  const host = (site: string) => site.split('/')[0].replace(/^www\d?\./, '');
  fields.website =
    websites.find((w) => domains.some((d) => d === host(w) || d.endsWith(`.${host(w)}`))) ??
    websites[0];

  // The name: the largest text of its kind (the first when sizes are not known).
  const largest = <T extends { height: number; index: number }>(list: T[]) =>
    [...list].sort((a, b) => b.height - a.height || a.index - b.index)[0];
  // A line starting with a common family name is likelier the name than a slogan or a unit.
  const familyFirst = nativeNames.filter(
    (c) => FAMILY_NAMES.has(c.name[0]) || COMPOUND_FAMILY_NAMES[c.name.slice(0, 2)] !== undefined,
  );
  const nativeChoice = largest(familyFirst.length ? familyFirst : nativeNames);
  const native = nativeChoice?.name;
  if (native) fields.nativeName = native;
  const pinyin = native ? namesFromChinese(native) : undefined;
  const latinCandidates = pinyin
    ? latinNames.filter((c) =>
        c.words.some((w) => w.replace(/-/g, '').toLowerCase() === pinyin.familyName.toLowerCase()),
      )
    : latinNames;
  const latin = largest(latinCandidates);
  if (latin) {
    // A Chinese name's pinyin has ue (Yue, Xue) that is no ü.
    const words = native ? latin.words : latin.words.map((w) => umlautsFromEmail(w, fields.emails));
    Object.assign(fields, splitLatin(words, native));
  } else if (pinyin) {
    fields.familyName = pinyin.familyName;
    if (pinyin.givenName) fields.givenName = pinyin.givenName;
  }

  const byScript = (list: string[]) => ({
    native: list.find((s) => HAN.test(s)),
    latin: list.find((s) => !HAN.test(s)),
  });
  // Without a word that says so, the organisation is the line left over that reads like a name
  // of something: words of letters, one of them at least four long (not OCR's crumbs).
  if (!organisations.length) {
    const chosen = [nativeChoice?.index, latin?.index];
    for (const [index, text] of candidates) if (!chosen.includes(index)) leftovers.push(text);
    const named = leftovers.find((l) =>
      HAN.test(l) ? [...joinHanAll(l)].length >= 4 : /\p{Lu}\p{Ll}{3,}.*\s\p{L}{2,}/u.test(l),
    );
    if (named) organisations.push(named);
  }
  const org = byScript(organisations);
  if (org.native) fields.nativeOrganisation = joinHanAll(org.native);
  fields.organisation = org.latin ?? fields.nativeOrganisation;
  const pos = byScript(positions);
  if (pos.native) fields.nativePosition = joinHanAll(pos.native);
  fields.position = pos.latin ?? fields.nativePosition;
  const addr = byScript(addresses);
  if (addr.native) fields.nativeAddress = joinHanAll(addr.native);
  fields.address = addr.latin?.replace(/\s*,\s*,?/g, ', ') ?? fields.nativeAddress;

  const first = fields.phones[0] ?? fields.fax;
  const country = first ? parsePhoneNumberFromString(first)?.country : undefined;
  if (country) fields.country = country;

  for (const key of Object.keys(fields) as (keyof CardFields)[]) {
    if (fields[key] === undefined) delete fields[key];
  }
  return fields;
}

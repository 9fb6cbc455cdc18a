import { parsePhoneNumberFromString } from 'libphonenumber-js';
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
  `(?:^|(?<=[\\s|/;,]))(?:(${LABEL_WORDS.map(([, w]) => `(?:${w})`).join('|')})\\.?\\s*[:：]?|([MTPFEWA])\\s*[:：.])\\s*`,
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

/** "Tel: 010 1234 5678  Fax: 010 1234 5679" → a segment per label (the text before: none). */
function segments(line: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  let label: Label | undefined;
  for (const m of line.matchAll(LABEL)) {
    const found = labelOf(m[1], m[2]);
    if (!found) continue;
    // A one-letter label only before what it labels: "M: 138…", not the M of "M. Sc.".
    if (m[2] && !/^[\s]*[+(\d@a-z]/i.test(line.slice(m.index + m[0].length))) continue;
    const before = line.slice(last, m.index).trim();
    if (before || label) out.push({ label, value: before });
    label = found;
    last = m.index + m[0].length;
  }
  const rest = line.slice(last).trim();
  if (rest || label) out.push({ label, value: rest });
  return out;
}

// ---- values --------------------------------------------------------------------------------

/** OCR reads 0 as O and 1 as l or I inside numbers: fixed within runs that are mostly digits. */
const PHONE_RUN = /(?:\+|00)?[\s(]*[\dOoIl|]{1,5}[)\s./-]*(?:[\dOoIl|][\s()./-]*){5,}[\dOo]/g;

function phoneRuns(text: string): string[] {
  const runs: string[] = [];
  for (const m of text.matchAll(PHONE_RUN)) {
    const run = m[0];
    const digits = run.replace(/\D/g, '').length;
    const letters = run.replace(/[^OoIl|]/g, '').length;
    if (digits < 6 || letters > 2) continue;
    runs.push(run.replace(/[Oo]/g, '0').replace(/[Il|]/g, '1'));
  }
  return runs;
}

/** The phones in a value, E.164; unlabelled text only when the number is valid, not just possible. */
function phonesIn(value: string, labelled: boolean): string[] {
  const out: string[] = [];
  for (const run of phoneRuns(value)) {
    const cleaned = run.replace(/\(\s*0\s*\)/, ' ').trim();
    const e164 = phoneE164(cleaned, 'CN');
    if (!e164) continue;
    if (!labelled && !parsePhoneNumberFromString(e164)?.isValid()) continue;
    out.push(e164);
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

function websiteIn(text: string, labelled: boolean): string | undefined {
  const found = labelled ? text : WWW.exec(text)?.[0];
  if (!found) return undefined;
  const m = WEBSITE.exec(found.replace(/\s*\.\s*/g, '.').replace(/,(?=[a-z]{2,}\b)/i, '.'));
  if (!m || found.includes('@')) return undefined;
  return (m[1] + (m[2] ?? '')).toLowerCase().replace(/[/.,;]+$/, '');
}

/** A WeChat id: 6 to 20 letters, digits, _ and -, starting with a letter; or a phone number. */
function wechatIn(value: string): string | undefined {
  const id = /[a-z][-_a-z0-9]{5,19}/i.exec(value.replace(/\s+(?=[-_])|(?<=[-_])\s+/g, ''));
  if (id) return id[0];
  const digits = value.replace(/[\s-]/g, '');
  return /^\+?\d{6,15}$/.test(digits) ? digits : undefined;
}

// ---- what a line is ------------------------------------------------------------------------

const ORGANISATION =
  /(有限公司|有限责任公司|公司|集团|研究院|研究所|大学|学院|银行|协会|委员会|商会|事务所|医院|管理局|管委会|政府|办公室|促进会|基金会|\bGmbH\b|\bAG\b|\bKG(?:aA)?\b|\bSE\b|\be\.\s?V\.|\bCo\.?,?\s*Ltd\b|\bLtd\b|\bLimited\b|\bInc\b|\bCorp(?:oration)?\b|\bGroup\b|\bUniversity\b|\bUniversität\b|\bHochschule\b|\bInstitute?\b|\bAssociation\b|\bChamber\b|\bBank\b|\bCompany\b|\bLLC\b|\bCommittee\b|\bBureau\b|\bAgency\b|\bFoundation\b|\bStiftung\b|\bVerband\b|\bKammer\b|\bHoldings?\b|\bTechnolog(?:y|ies)\b|\bIndustries\b|\bTrading\b|\bConsulting\b|\bPartners\b|\bWirtschaftsförderung\b|\bAmt\b|\bMinistry\b|\bCommission\b|\bCouncil\b)/iu;

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
  word
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
    raw.map((l) => ({ ...l, text: normalise(l.text) })).filter((l) => /[\p{L}\p{N}]/u.test(l.text)),
  );

  const fields: CardFields = { emails: [], phones: [] };
  const mobiles: string[] = [];
  const others: string[] = [];
  const nativeNames: { name: string; height: number; index: number }[] = [];
  const latinNames: { words: string[]; height: number; index: number }[] = [];
  const organisations: string[] = [];
  const positions: string[] = [];
  const addresses: string[] = [];
  let addressIndex = -2;

  const addEmail = (email: string) => {
    if (!fields.emails.includes(email)) fields.emails.push(email);
  };

  lines.forEach((line, index) => {
    const text = line.text;
    let rest = '';
    for (const { label, value } of segments(text)) {
      if (label === 'email') emailsIn(value).forEach(addEmail);
      else if (label === 'mobile') mobiles.push(...phonesIn(value, true));
      else if (label === 'phone') others.push(...phonesIn(value, true));
      else if (label === 'fax') fields.fax ??= phonesIn(value, true)[0];
      else if (label === 'wechat') fields.wechatId ??= wechatIn(value);
      else if (label === 'website') fields.website ??= websiteIn(value, true);
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
    const site = websiteIn(rest, false);
    if (site) {
      fields.website ??= site;
      return;
    }
    if (!/\p{L}{3,}/u.test(rest.replace(/[OoIl]/g, '')) || !HAN.test(rest)) {
      const phones = phonesIn(rest, false);
      if (phones.length && !looksLikeAddress(rest)) {
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
    if (native || latin) return;

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
    }
  });

  fields.phones = [...new Set([...mobiles, ...others])].filter((p) => p !== fields.fax);

  const byScript = (list: string[]) => ({
    native: list.find((s) => HAN.test(s)),
    latin: list.find((s) => !HAN.test(s)),
  });
  const org = byScript(organisations);
  if (org.native) fields.nativeOrganisation = joinHanAll(org.native);
  fields.organisation = org.latin ?? fields.nativeOrganisation;
  const pos = byScript(positions);
  if (pos.native) fields.nativePosition = joinHanAll(pos.native);
  fields.position = pos.latin ?? fields.nativePosition;
  const addr = byScript(addresses);
  if (addr.native) fields.nativeAddress = joinHanAll(addr.native);
  fields.address = addr.latin?.replace(/\s*,\s*,?/g, ', ') ?? fields.nativeAddress;

  // The name: the largest text of its kind (the first when sizes are not known).
  const largest = <T extends { height: number; index: number }>(list: T[]) =>
    [...list].sort((a, b) => b.height - a.height || a.index - b.index)[0];
  // A line starting with a common family name is likelier the name than a slogan or a unit.
  const familyFirst = nativeNames.filter(
    (c) => FAMILY_NAMES.has(c.name[0]) || COMPOUND_FAMILY_NAMES[c.name.slice(0, 2)] !== undefined,
  );
  const native = largest(familyFirst.length ? familyFirst : nativeNames)?.name;
  if (native) fields.nativeName = native;
  const pinyin = native ? namesFromChinese(native) : undefined;
  const latinCandidates = pinyin
    ? latinNames.filter((c) =>
        c.words.some((w) => w.replace(/-/g, '').toLowerCase() === pinyin.familyName.toLowerCase()),
      )
    : latinNames;
  const latin = largest(latinCandidates);
  if (latin) Object.assign(fields, splitLatin(latin.words, native));
  else if (pinyin) {
    fields.familyName = pinyin.familyName;
    if (pinyin.givenName) fields.givenName = pinyin.givenName;
  }

  const first = fields.phones[0] ?? fields.fax;
  const country = first ? parsePhoneNumberFromString(first)?.country : undefined;
  if (country) fields.country = country;

  for (const key of Object.keys(fields) as (keyof CardFields)[]) {
    if (fields[key] === undefined) delete fields[key];
  }
  return fields;
}

import type ICALModule from 'ical.js';
import { readFile } from 'node:fs/promises';
import { isChineseName, namesFromChinese } from '../../contacts/names';
import { countryCode } from './country';
import { byteOrderMark } from './text';
import { vcard21As30 } from './vcard21';
import { ImportFileError, type ImportEncoding, type SourceRow, type SourceTable } from './table';

/** A vCard file is read whole: address books of a few thousand cards are a few megabytes. */
const MAX_VCARD_BYTES = 50 * 1024 * 1024;

/** The columns every vCard file is read into; their names are those of the contact's fields. */
export const VCARD_HEADERS = [
  'Salutation',
  'Family Name',
  'Given Name',
  'Native Name',
  'Organisation',
  'Position',
  'Email',
  'Phone',
  'WeChat',
  'City',
  'Country',
  'Languages',
  'Notes',
  'Tags',
] as const;

type VcardColumn = (typeof VCARD_HEADERS)[number];

/** One card's values: the fixed columns, and all its phones and e-mail addresses. */
interface Card {
  values: Partial<Record<VcardColumn, string>>;
  phones: string[];
  emails: string[];
}

type Ical = typeof ICALModule;
type Property = InstanceType<Ical['Property']>;
type Component = InstanceType<Ical['Component']>;

/**
 * ical.js, loaded when a vCard is read: it is a development dependency of the app, so that
 * without it only vCard imports fail, not the app's start.
 */
function ical(): Ical {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('ical.js') as Ical & { default?: Ical };
    return module.default ?? module;
  } catch {
    throw new ImportFileError(
      'format',
      'vCard files cannot be read here: ical.js is not installed.',
    );
  }
}

function decode(bytes: Buffer): { text: string; encoding: ImportEncoding } {
  const bom = byteOrderMark(bytes);
  if (bom)
    return {
      text: new TextDecoder(bom.encoding).decode(bytes.subarray(bom.length)),
      encoding: bom.encoding,
    };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

const typesOf = (property: Property): string[] => {
  const type = property.getParameter('type');
  const types = Array.isArray(type) ? type : type ? [type] : [];
  return types.flatMap((t) => String(t).toLowerCase().split(','));
};

const text = (value: unknown): string =>
  (Array.isArray(value) ? value.join(' ') : value == null ? '' : String(value)).trim();

const isPreferred = (property: Property): boolean =>
  typesOf(property).includes('pref') || property.getParameter('pref') !== undefined;

/** Preferred first, then in the card's order; `first` comes before either (a mobile phone). */
function ranked(properties: Property[], first: (p: Property) => boolean = () => false) {
  const rank = (p: Property) => (first(p) ? 0 : isPreferred(p) ? 1 : 2);
  return properties
    .map((property, index) => ({ property, index }))
    .sort((a, b) => rank(a.property) - rank(b.property) || a.index - b.index)
    .map(({ property }) => property);
}

/** The WeChat id of `X-WECHAT`, `IMPP:weixin:…` or `X-SOCIALPROFILE;type=wechat`. */
function wechatId(card: Component): string | undefined {
  const strip = (value: string) =>
    value
      .trim()
      .replace(/^(x-apple|weixin|wechat|xmpp|im):(\/\/)?/i, '')
      .trim();
  const plain = card.getFirstPropertyValue('x-wechat');
  if (plain) return strip(text(plain));
  for (const property of card.getAllProperties('impp')) {
    const value = text(property.getFirstValue());
    const service = text(property.getParameter('x-service-type')).toLowerCase();
    if (/^(weixin|wechat):/i.test(value) || service === 'wechat' || service === 'weixin')
      return strip(value);
  }
  for (const property of card.getAllProperties('x-socialprofile')) {
    if (!typesOf(property).some((type) => type === 'wechat' || type === 'weixin')) continue;
    const user = text(property.getParameter('x-user'));
    return user || strip(text(property.getFirstValue()));
  }
  return undefined;
}

function readCard(card: Component): Card {
  const values: Card['values'] = {};
  const set = (column: VcardColumn, value: unknown) => {
    const v = text(value);
    if (v) values[column] = v;
  };

  const n = card.getFirstPropertyValue('n') as unknown;
  const parts = Array.isArray(n) ? n.map(text) : typeof n === 'string' ? n.split(';') : [];
  const [family = '', given = '', , prefix = ''] = parts;
  const fullName = text(card.getFirstPropertyValue('fn'));
  set('Salutation', prefix);
  const nativeName = isChineseName(fullName)
    ? fullName.replace(/\s/g, '')
    : isChineseName(family + given)
      ? family + given
      : undefined;
  if (nativeName) {
    set('Native Name', nativeName);
    const romanised = isChineseName(family + given)
      ? namesFromChinese(family + given)
      : family
        ? { familyName: family, givenName: given }
        : namesFromChinese(nativeName);
    set('Family Name', romanised?.familyName);
    set('Given Name', romanised?.givenName);
  } else if (family || given) {
    set('Family Name', family);
    set('Given Name', given);
  } else if (fullName) {
    const words = fullName.split(/\s+/);
    set('Family Name', words.pop());
    set('Given Name', words.join(' '));
  }

  const org = card.getFirstPropertyValue('org') as unknown;
  set('Organisation', Array.isArray(org) ? text(org[0]) : text(org).split(';')[0]);
  set('Position', card.getFirstPropertyValue('title'));

  const address = ranked(card.getAllProperties('adr'), (p) => typesOf(p).includes('work'))[0];
  if (address) {
    const adr = address.getFirstValue() as unknown;
    const fields = Array.isArray(adr) ? adr.map(text) : text(adr).split(';');
    set('City', fields[3]);
    const group = address.getParameter('group');
    const abCode = card
      .getAllProperties('x-abadr')
      .find((p) => p.getParameter('group') === group)
      ?.getFirstValue();
    const country = fields[6] || '';
    set('Country', countryCode(country) ?? countryCode(text(abCode)) ?? country);
  }
  set('WeChat', wechatId(card));
  const languages = card
    .getAllProperties('lang')
    .map((p) => text(p.getFirstValue()))
    .filter(Boolean);
  set('Languages', languages.join(', '));
  set(
    'Notes',
    card
      .getAllProperties('note')
      .map((p) => text(p.getFirstValue()))
      .filter(Boolean)
      .join('\n\n'),
  );
  set(
    'Tags',
    card
      .getAllProperties('categories')
      .flatMap((p) => p.getValues().map(text))
      .filter(Boolean)
      .join(', '),
  );

  const isMobile = (p: Property) =>
    typesOf(p).some((type) => type === 'cell' || type === 'mobile' || type === 'iphone');
  const phones = ranked(card.getAllProperties('tel'), isMobile)
    .map((p) => text(p.getFirstValue()).replace(/^tel:/i, ''))
    .filter(Boolean);
  const emails = ranked(card.getAllProperties('email'))
    .map((p) => text(p.getFirstValue()).replace(/^mailto:/i, ''))
    .filter(Boolean);
  return { values, phones, emails };
}

/** The cards of a vCard file (3.0 or 4.0), one row each: row is the card's number. */
export async function openVcard(
  path: string,
): Promise<{ table: SourceTable; rows: AsyncIterable<SourceRow> }> {
  const bytes = await readFile(path);
  if (bytes.length > MAX_VCARD_BYTES)
    throw new ImportFileError(
      'format',
      `The vCard file is larger than ${MAX_VCARD_BYTES / 1024 / 1024} MB; split it into smaller files.`,
    );
  const { text: source, encoding } = decode(bytes);
  const ICAL = ical();
  let parsed: unknown;
  try {
    parsed = ICAL.parse(vcard21As30(source));
  } catch (error) {
    throw new ImportFileError(
      'format',
      `The file cannot be read as vCard: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const components = (
    Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : (parsed as unknown[])
  ) as unknown[][];
  const cards = components
    .filter((jcal) => Array.isArray(jcal) && jcal[0] === 'vcard')
    .map((jcal) => readCard(new ICAL.Component(jcal)));
  if (!cards.length) throw new ImportFileError('empty', 'The file holds no vCard.');

  const phoneColumns = Math.max(1, ...cards.map((card) => card.phones.length));
  const emailColumns = Math.max(1, ...cards.map((card) => card.emails.length));
  const numbered = (name: string, count: number) =>
    Array.from({ length: count }, (_, i) => (i ? `${name} ${i + 1}` : name));
  const headers = [
    ...VCARD_HEADERS,
    ...numbered('Phone', phoneColumns).slice(1),
    ...numbered('Email', emailColumns).slice(1),
  ];
  const rows: SourceRow[] = cards.map((card, index) => {
    const cells = VCARD_HEADERS.map((column) => card.values[column] ?? '');
    cells[VCARD_HEADERS.indexOf('Phone')] = card.phones[0] ?? '';
    cells[VCARD_HEADERS.indexOf('Email')] = card.emails[0] ?? '';
    for (let i = 1; i < phoneColumns; i++) cells.push(card.phones[i] ?? '');
    for (let i = 1; i < emailColumns; i++) cells.push(card.emails[i] ?? '');
    return { row: index + 1, cells };
  });
  return {
    table: { format: 'vcard', encoding, delimiter: null, headerRow: 0, headers },
    rows: {
      async *[Symbol.asyncIterator]() {
        yield* rows;
      },
    },
  };
}

import type { ImportKind } from './table';

/** A field of the kind's create request (or, for contacts, `organisation` and `fullName`). */
export type TargetField = string;

/**
 * What an import can fill, by kind: the fields of CreateContactDto, CreateCompanyDto and
 * CreatePartnerDto without ids, owners and the legal basis. For contacts also `organisation`
 * (the name of the company or partner the person works at; the importer finds or creates it)
 * and `fullName` (a whole name in one column, which mapRow splits into the name fields).
 */
export const TARGETS: Record<ImportKind, readonly TargetField[]> = {
  contact: [
    'familyName',
    'givenName',
    'fullName',
    'nativeName',
    'salutation',
    'position',
    'organisation',
    'email',
    'phone',
    'wechatId',
    'languages',
    'country',
    'city',
    'notes',
    'tags',
  ],
  company: [
    'name',
    'legalName',
    'industry',
    'city',
    'country',
    'website',
    'description',
    'branchCountries',
  ],
  partner: ['name', 'nativeName', 'kind', 'country', 'city', 'address', 'website', 'description'],
};

/**
 * A header reduced to its words: lower case, without accents, punctuation and spaces
 * ("E-Mail 2: Adresse" → "email2adresse", "Telefon geschäftlich" → "telefongeschaftlich").
 */
export function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** The same without numbers: the second of a repeated column ("E-Mail 2", "Phone 1 - Value"). */
const withoutNumbers = (key: string): string => key.replace(/\d+/g, '');

// Header words by target, written as headerKey gives them. Outlook's CSV export (German and
// English), Google Contacts' (the current and the old format) and hand-made sheets.
const PERSON_WORDS: Record<string, string[]> = {
  familyName: [
    'nachname',
    'familienname',
    'zuname',
    'lastname',
    'familyname',
    'surname',
    '姓',
    '姓氏',
  ],
  givenName: ['vorname', 'rufname', 'firstname', 'givenname', 'forename', '名'],
  fullName: [
    'name',
    'fullname',
    'vollstandigername',
    'displayname',
    'anzeigename',
    'kontakt',
    'kontaktperson',
    'ansprechpartner',
    'contact',
    'contactname',
    'person',
    '姓名',
    '联系人',
  ],
  nativeName: [
    'nativename',
    'chinesischername',
    'chinesename',
    'nameinchinese',
    'nameinchinesisch',
    'chinesischschreibweise',
    'originalname',
    'nameinlandessprache',
    'nameinoriginalschrift',
    '中文名',
    '中文名字',
    '中文姓名',
    '汉字名',
  ],
  salutation: ['anrede', 'titel', 'title', 'salutation', 'nameprefix', 'prefix', '称呼', '称谓'],
  position: [
    'position',
    'jobtitle',
    'funktion',
    'berufsbezeichnung',
    'stellung',
    'rolle',
    'role',
    'organizationtitle',
    'occupation',
    'jobposition',
    '职位',
    '职务',
    '头衔',
  ],
  organisation: [
    'firma',
    'firmenname',
    'company',
    'companyname',
    'organisation',
    'organization',
    'organizationname',
    'organisationname',
    'unternehmen',
    'arbeitgeber',
    'institution',
    '公司',
    '公司名称',
    '单位',
    '工作单位',
    '机构',
  ],
  email: [
    'email',
    'emailadresse',
    'emailaddress',
    'emailvalue',
    'mail',
    'mailadresse',
    'emailgeschaftlich',
    'emailprivat',
    '邮箱',
    '电子邮件',
    '电子邮箱',
    '邮件',
    'email地址',
  ],
  phone: [
    'telefon',
    'telefonnummer',
    'telefonnr',
    'telnr',
    'rufnummer',
    'tel',
    'phone',
    'phonenumber',
    'phonevalue',
    'telephone',
    'telefongeschaftlich',
    'telefonprivat',
    'telefonfirma',
    'haupttelefon',
    'weiterestelefon',
    'businessphone',
    'homephone',
    'primaryphone',
    'companymainphone',
    'otherphone',
    'telefonhandy',
    '电话',
    '电话号码',
    '联系电话',
    '座机',
  ],
  wechatId: ['wechat', 'wechatid', 'weixin', 'weixinid', 'wechatkennung', '微信', '微信号'],
  languages: ['sprache', 'sprachen', 'language', 'languages', '语言'],
  country: [
    'land',
    'country',
    'landregion',
    'countryregion',
    'landregiongeschaftlich',
    'landregionprivat',
    'weitereslandregion',
    'weitereselandregion',
    'businesscountryregion',
    'homecountryregion',
    'othercountryregion',
    'addresscountry',
    'staat',
    '国家',
    '国家地区',
  ],
  city: [
    'stadt',
    'ort',
    'city',
    'ortgeschaftlich',
    'ortprivat',
    'weitererort',
    'businesscity',
    'homecity',
    'othercity',
    'addresscity',
    'wohnort',
    '城市',
  ],
  notes: [
    'notizen',
    'notiz',
    'notes',
    'note',
    'bemerkung',
    'bemerkungen',
    'anmerkung',
    'anmerkungen',
    'kommentar',
    'kommentare',
    'comment',
    'comments',
    'hinweis',
    'hinweise',
    '备注',
    '说明',
  ],
  tags: [
    'tags',
    'tag',
    'labels',
    'kategorien',
    'kategorie',
    'categories',
    'stichworter',
    'schlagworter',
    'keywords',
    'groupmembership',
    'gruppen',
    '标签',
  ],
};

/** Mobile phone columns: preferred for `phone` over business and home ones. */
const MOBILE_WORDS = [
  'mobil',
  'mobile',
  'mobiltelefon',
  'mobilnummer',
  'mobilephone',
  'handy',
  'handynummer',
  'handynr',
  'mobilnr',
  'mobilfunk',
  'mobilfunknummer',
  'cell',
  'cellphone',
  'mobiltelefon2',
  '手机',
  '手机号',
  '手机号码',
  '移动电话',
];

const ORGANISATION_WORDS: Record<string, string[]> = {
  name: [
    'name',
    'firma',
    'firmenname',
    'company',
    'companyname',
    'organisation',
    'organization',
    'organizationname',
    'unternehmen',
    'institution',
    'einrichtung',
    'partner',
    '公司',
    '公司名称',
    '企业',
    '名称',
    '机构',
    '单位',
  ],
  legalName: [
    'legalname',
    'firmierung',
    'rechtlichername',
    'vollstandigername',
    'registeredname',
    'offiziellername',
    '全称',
    '公司全称',
  ],
  industry: ['branche', 'industry', 'sector', 'sektor', 'wirtschaftszweig', 'industrie', '行业'],
  nativeName: PERSON_WORDS.nativeName.concat(['chinesischerfirmenname', '中文名称']),
  kind: ['art', 'typ', 'kind', 'type', 'partnerart', 'partnertyp', 'einrichtungsart', '类型'],
  address: [
    'adresse',
    'anschrift',
    'address',
    'strasse',
    'street',
    'addressformatted',
    'addressstreet',
    'postanschrift',
    '地址',
  ],
  website: [
    'website',
    'webseite',
    'homepage',
    'url',
    'internet',
    'web',
    'webpage',
    'internetseite',
    'websitevalue',
    '网址',
    '网站',
  ],
  description: [
    'beschreibung',
    'description',
    'profil',
    'profile',
    '描述',
    '简介',
    ...PERSON_WORDS.notes,
  ],
  branchCountries: [
    'branchcountries',
    'niederlassungen',
    'niederlassungslander',
    'standortlander',
    'branches',
    '分支机构',
  ],
  city: PERSON_WORDS.city,
  country: PERSON_WORDS.country,
};

const wordsOf = (kind: ImportKind): Map<string, TargetField> => {
  const source =
    kind === 'contact'
      ? { ...PERSON_WORDS, phone: [...MOBILE_WORDS, ...PERSON_WORDS.phone] }
      : ORGANISATION_WORDS;
  const words = new Map<string, TargetField>();
  for (const target of TARGETS[kind])
    for (const word of source[target] ?? []) if (!words.has(word)) words.set(word, target);
  return words;
};

const WORDS: Record<ImportKind, Map<string, TargetField>> = {
  contact: wordsOf('contact'),
  company: wordsOf('company'),
  partner: wordsOf('partner'),
};

/** The target a header names for the kind, or null. */
export function targetOf(kind: ImportKind, header: string): TargetField | null {
  const key = headerKey(header);
  if (!key) return null;
  const words = WORDS[kind];
  return words.get(key) ?? words.get(withoutNumbers(key)) ?? null;
}

/** A header that says mobile phone ("Mobiltelefon", "Handy", "Mobile Phone", "手机"). */
export function isMobileHeader(header: string): boolean {
  const key = withoutNumbers(headerKey(header));
  return MOBILE_WORDS.some((word) => key === word || key.startsWith(word));
}

/** True when the header is a column name of some kind: how the header row is recognised. */
export function isKnownHeader(header: string): boolean {
  return (['contact', 'company', 'partner'] as const).some((kind) => targetOf(kind, header));
}

/** One target (or null: not imported) per header, from the header's words. */
export function suggestMapping(kind: ImportKind, headers: string[]): (TargetField | null)[] {
  const mapping = headers.map((header) => targetOf(kind, header));
  if (kind !== 'contact' || !mapping.includes('fullName')) return mapping;
  // "Name" beside "Nachname" is the display name Google's old export repeats; beside "Vorname"
  // alone it is the family name, as German lists write it ("Name, Vorname").
  const instead = mapping.includes('familyName')
    ? null
    : mapping.includes('givenName')
      ? 'familyName'
      : 'fullName';
  return mapping.map((target) => (target === 'fullName' ? instead : target));
}

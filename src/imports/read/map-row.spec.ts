import { PARTNER_KINDS } from '../../partners/partner.entity';
import { options } from '../../web/kit/i18n';
import { countryCode } from './country';
import { languageTag } from './languages';
import { mapRow, splitFullName, splitList } from './map-row';
import { phoneE164 } from './phone';

describe('mapRow', () => {
  const headers = ['Vorname', 'Nachname', 'Telefon', 'Handy', 'E-Mail', 'E-Mail 2', 'Land', 'Egal'];
  const mapping = ['givenName', 'familyName', 'phone', 'phone', 'email', 'email', 'country', null];

  it('trims, leaves out the empty and the unmapped, lists the second value of a target as extra', () => {
    expect(
      mapRow(mapping, headers, [
        ' Max ',
        'Muster',
        '0211 123',
        '',
        'max@example.de',
        'max@privat.example.de',
        ' ',
        'nichts',
      ]),
    ).toEqual({
      values: {
        givenName: 'Max',
        familyName: 'Muster',
        phone: '0211 123',
        email: 'max@example.de',
      },
      extra: [{ header: 'E-Mail 2', value: 'max@privat.example.de' }],
    });
  });

  it('takes a mobile phone before another, wherever its column', () => {
    expect(
      mapRow(mapping, headers, ['Max', 'Muster', '0211 123', '0171 1234567', '', '', '', '']),
    ).toEqual({
      values: { givenName: 'Max', familyName: 'Muster', phone: '0171 1234567' },
      extra: [{ header: 'Telefon', value: '0211 123' }],
    });
  });

  it('writes a country named in words as its code, and leaves one it does not know', () => {
    const country = (value: string) => mapRow(['country'], ['Land'], [value]).values.country;
    expect(country('Deutschland')).toBe('DE');
    expect(country('VR China')).toBe('CN');
    expect(country('cn')).toBe('CN');
    expect(country('Atlantis')).toBe('Atlantis');
  });

  it('splits a whole name, and takes a name in Chinese script as the native name', () => {
    const names = (value: string) => mapRow(['fullName'], ['Name'], [value]).values;
    expect(names('Max Mustermann')).toEqual({ givenName: 'Max', familyName: 'Mustermann' });
    expect(names('Mustermann, Max')).toEqual({ givenName: 'Max', familyName: 'Mustermann' });
    expect(names('Dr. Eva Maria Tal')).toEqual({
      salutation: 'Dr.',
      givenName: 'Eva Maria',
      familyName: 'Tal',
    });
    expect(names('欧阳娜娜')).toEqual({
      nativeName: '欧阳娜娜',
      familyName: 'Ouyang',
      givenName: 'Nana',
    });
    // a family name given wins over the whole name
    expect(
      mapRow(['fullName', 'familyName'], ['Name', 'Nachname'], ['Max Muster', 'Muster']).values,
    ).toEqual({ familyName: 'Muster' });
  });

  it('romanises a native name, and moves Chinese script out of the name columns', () => {
    expect(mapRow(['nativeName'], ['中文名'], ['王小明']).values).toEqual({
      nativeName: '王小明',
      familyName: 'Wang',
      givenName: 'Xiaoming',
    });
    expect(mapRow(['familyName', 'givenName'], ['姓', '名'], ['李', '伟']).values).toEqual({
      nativeName: '李伟',
      familyName: 'Li',
      givenName: 'Wei',
    });
    // romanised names given are kept
    expect(
      mapRow(
        ['familyName', 'givenName', 'nativeName'],
        ['Nachname', 'Vorname', '中文名'],
        ['Wong', 'Ka-Ming', '王家明'],
      ).values,
    ).toEqual({ familyName: 'Wong', givenName: 'Ka-Ming', nativeName: '王家明' });
  });

  it('writes lists as `a, b`: tags without Google’s own labels, languages as tags', () => {
    expect(
      mapRow(
        ['tags', 'languages'],
        ['Labels', 'Sprachen'],
        ['VIP ::: * starred ::: Messe ::: vip ::: * myContacts', 'Deutsch; Chinesisch, en-gb'],
      ).values,
    ).toEqual({ tags: 'VIP, Messe', languages: 'de, zh, en-GB' });
    expect(mapRow(['tags'], ['Labels'], ['* myContacts']).values).toEqual({});
  });
});

describe("a partner's kind", () => {
  it('is written as its value when named in words', () => {
    const kind = (value: string) => mapRow(['kind'], ['Art'], [value]).values.kind;
    expect(kind('Technologiepark')).toBe('technology_park');
    expect(kind('Science Park')).toBe('technology_park');
    expect(kind('Hochschule')).toBe('university');
    expect(kind('IHK')).toBe('chamber');
    expect(kind('university')).toBe('university');
    expect(kind('高新区')).toBe('technology_park');
    expect(kind('Raumstation')).toBe('Raumstation');
    // the words are read from the app's labels, whose keys must be the kinds
    expect(options('en', 'partnerKind').map((o) => o.value)).toEqual([...PARTNER_KINDS]);
  });
});

describe('splitFullName and splitList', () => {
  it('splits', () => {
    expect(splitFullName('Herr Jürgen Müller')).toEqual({
      salutation: 'Herr',
      givenName: 'Jürgen',
      familyName: 'Müller',
    });
    expect(splitFullName('Madonna')).toEqual({ familyName: 'Madonna' });
    expect(splitList('a; b,c\nd ::: e')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(splitList(undefined)).toEqual([]);
  });
});

describe('phoneE164', () => {
  it.each([
    ['0171 1234567', 'DE', '+491711234567'],
    ['0171/1234567', undefined, '+491711234567'],
    ['+86 138 1234 5678', undefined, '+8613812345678'],
    ['+86 138 1234 5678', 'DE', '+8613812345678'],
    ['0086 138 1234 5678', null, '+8613812345678'],
    ['138 1234 5678', 'CN', '+8613812345678'],
    ['138 1234 5678', 'China', '+8613812345678'],
    ['010 1234 5678', 'CN', '+861012345678'],
    ['(0211) 89-0', undefined, '+49211890'],
    ['+49 (0)211 89-0', undefined, '+49211890'],
    ['8613812345678', 'CN', '+8613812345678'],
    ['0211 8990', 'Atlantis', '+492118990'],
  ])('%s in %s is %s', (phone, country, e164) => {
    expect(phoneE164(phone, country)).toBe(e164);
  });

  it.each([['call me'], ['12'], [''], ['+49 abc'], ['1234567890123456789']])(
    '%j is no phone number',
    (phone) => {
      expect(phoneE164(phone)).toBeNull();
    },
  );
});

describe('countryCode and languageTag', () => {
  it('read names in German, English and Chinese', () => {
    expect(
      [
        'China',
        'Deutschland',
        'Germany',
        'CN',
        'de',
        '中国',
        'Hongkong',
        'USA',
        'Großbritannien',
      ].map(countryCode),
    ).toEqual(['CN', 'DE', 'DE', 'CN', 'DE', 'CN', 'HK', 'US', 'GB']);
    expect(countryCode('Germany?')).toBe('DE');
    expect(['Atlantis', '', 'XX', 'Deutschland/China'].map(countryCode)).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(
      ['Chinesisch', 'English', '中文', 'Kantonesisch', 'zh_cn', 'klingonisch!!'].map(languageTag),
    ).toEqual(['zh', 'en', 'zh', 'yue', 'zh-CN', null]);
  });
});

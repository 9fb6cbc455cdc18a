import { organisationMatchKeys, organisationNameKey, websiteDomain } from './organisation-keys';

describe('organisation keys', () => {
  it('drops case, accents, punctuation and the legal form', () => {
    expect(organisationNameKey('Zwilling J.A. Henckels AG')).toBe('zwillingjahenckels');
    expect(organisationNameKey('ZWILLING J. A. HENCKELS')).toBe('zwillingjahenckels');
    expect(organisationNameKey('DOVO Stahlwaren Bracht GmbH & Co. KG')).toBe(
      'dovostahlwarenbracht',
    );
    expect(organisationNameKey('Müller e.K.')).toBe('muller');
    expect(organisationNameKey('Suzhou Precision Co., Ltd.')).toBe('suzhouprecision');
    expect(organisationNameKey('Acme Inc.')).toBe('acme');
  });

  it('keeps a name that is only a legal form, and the legal form inside a name', () => {
    expect(organisationNameKey('AG')).toBe('ag');
    expect(organisationNameKey('Co Working Solingen')).toBe('coworkingsolingen');
  });

  it('reads Chinese script as pinyin without its legal form', () => {
    expect(organisationNameKey('苏州工业园区')).toBe('suzhougongyeyuanqu');
    expect(organisationNameKey('华为技术有限公司')).toBe(organisationNameKey('华为技术'));
    expect(organisationNameKey('华为技术股份有限公司')).toBe('huaweijishu');
    expect(organisationNameKey('Suzhou Gongye Yuanqu')).toBe('suzhougongyeyuanqu');
  });

  it('takes the website domain without www', () => {
    expect(websiteDomain('https://www.zwilling.com/de/')).toBe('zwilling.com');
    expect(websiteDomain('zwilling.com')).toBe('zwilling.com');
    expect(websiteDomain('not a url')).toBeNull();
  });

  it('gives every key once', () => {
    expect(
      organisationMatchKeys({
        names: ['Zwilling', 'Zwilling GmbH'],
        website: 'https://zwilling.com',
      }),
    ).toEqual(['name:zwilling', 'web:zwilling.com']);
  });
});

import { suggestMapping, TARGETS } from './index';

/** The mapping as pairs of header and target, leaving out the headers mapped to nothing. */
const mapped = (kind: Parameters<typeof suggestMapping>[0], headers: string[]) => {
  const mapping = suggestMapping(kind, headers);
  return Object.fromEntries(
    headers.flatMap((header, i) => (mapping[i] ? [[header, mapping[i]]] : [])),
  );
};

describe('the targets', () => {
  it('are the fields of the create requests, and organisation for contacts', () => {
    expect(TARGETS.contact).toEqual(
      expect.arrayContaining([
        'familyName',
        'givenName',
        'nativeName',
        'salutation',
        'position',
        'email',
        'phone',
        'wechatId',
        'country',
        'city',
        'notes',
        'tags',
        'languages',
        'organisation',
      ]),
    );
    expect(TARGETS.contact).not.toContain('companyId');
    expect(TARGETS.contact).not.toContain('ownerId');
    expect(TARGETS.company).toEqual([
      'name',
      'legalName',
      'industry',
      'city',
      'country',
      'website',
      'description',
      'branchCountries',
    ]);
    expect(TARGETS.partner).toEqual([
      'name',
      'nativeName',
      'kind',
      'country',
      'city',
      'address',
      'website',
      'description',
    ]);
  });
});

describe('suggestMapping', () => {
  it("maps Outlook's English CSV export", () => {
    const headers = [
      'Title',
      'First Name',
      'Middle Name',
      'Last Name',
      'Suffix',
      'Company',
      'Department',
      'Job Title',
      'Business Street',
      'Business City',
      'Business State',
      'Business Postal Code',
      'Business Country/Region',
      'Home City',
      'Home Country/Region',
      "Assistant's Phone",
      'Business Fax',
      'Business Phone',
      'Business Phone 2',
      'Home Phone',
      'Mobile Phone',
      'Pager',
      'Categories',
      'E-mail Address',
      'E-mail Type',
      'E-mail Display Name',
      'E-mail 2 Address',
      'E-mail 3 Address',
      'Language',
      'Notes',
      'Web Page',
    ];
    expect(mapped('contact', headers)).toEqual({
      Title: 'salutation',
      'First Name': 'givenName',
      'Last Name': 'familyName',
      Company: 'organisation',
      'Job Title': 'position',
      'Business City': 'city',
      'Business Country/Region': 'country',
      'Home City': 'city',
      'Home Country/Region': 'country',
      'Business Phone': 'phone',
      'Business Phone 2': 'phone',
      'Home Phone': 'phone',
      'Mobile Phone': 'phone',
      Categories: 'tags',
      'E-mail Address': 'email',
      'E-mail 2 Address': 'email',
      'E-mail 3 Address': 'email',
      Language: 'languages',
      Notes: 'notes',
    });
  });

  it("maps Outlook's German CSV export", () => {
    const headers = [
      'Anrede',
      'Vorname',
      'Weitere Vornamen',
      'Nachname',
      'Firma',
      'Abteilung',
      'Position',
      'Ort geschäftlich',
      'Land/Region geschäftlich',
      'Fax geschäftlich',
      'Telefon geschäftlich',
      'Mobiltelefon',
      'E-Mail-Adresse',
      'E-Mail-Typ',
      'E-Mail: Angezeigter Name',
      'E-Mail 2: Adresse',
      'Kategorien',
      'Notizen',
      'Partner',
      'Sprache',
    ];
    expect(mapped('contact', headers)).toEqual({
      Anrede: 'salutation',
      Vorname: 'givenName',
      Nachname: 'familyName',
      Firma: 'organisation',
      Position: 'position',
      'Ort geschäftlich': 'city',
      'Land/Region geschäftlich': 'country',
      'Telefon geschäftlich': 'phone',
      Mobiltelefon: 'phone',
      'E-Mail-Adresse': 'email',
      'E-Mail 2: Adresse': 'email',
      Kategorien: 'tags',
      Notizen: 'notes',
      Sprache: 'languages',
    });
  });

  it("maps Google Contacts' export, new and old", () => {
    expect(
      mapped('contact', [
        'First Name',
        'Last Name',
        'Phonetic Last Name',
        'Name Prefix',
        'Organization Name',
        'Organization Title',
        'Notes',
        'Labels',
        'E-mail 1 - Label',
        'E-mail 1 - Value',
        'Phone 1 - Label',
        'Phone 1 - Value',
        'Phone 2 - Value',
        'Address 1 - Formatted',
        'Address 1 - City',
        'Address 1 - Country',
        'Website 1 - Value',
      ]),
    ).toEqual({
      'First Name': 'givenName',
      'Last Name': 'familyName',
      'Name Prefix': 'salutation',
      'Organization Name': 'organisation',
      'Organization Title': 'position',
      Notes: 'notes',
      Labels: 'tags',
      'E-mail 1 - Value': 'email',
      'Phone 1 - Value': 'phone',
      'Phone 2 - Value': 'phone',
      'Address 1 - City': 'city',
      'Address 1 - Country': 'country',
    });
    expect(
      mapped('contact', [
        'Name',
        'Given Name',
        'Additional Name',
        'Family Name',
        'Group Membership',
        'E-mail 1 - Type',
        'E-mail 1 - Value',
        'Phone 1 - Type',
        'Phone 1 - Value',
        'Organization 1 - Name',
        'Organization 1 - Title',
      ]),
    ).toEqual({
      // the display name beside the parts is left out
      'Given Name': 'givenName',
      'Family Name': 'familyName',
      'Group Membership': 'tags',
      'E-mail 1 - Value': 'email',
      'Phone 1 - Value': 'phone',
      'Organization 1 - Name': 'organisation',
      'Organization 1 - Title': 'position',
    });
  });

  it('maps simple German and Chinese sheets, whatever the case, spacing and punctuation', () => {
    expect(
      suggestMapping('contact', [
        'Name',
        'Firma',
        'E-Mail',
        'Telefon',
        'Handy',
        'Land',
        'Stadt',
        'WeChat',
        'Funktion',
        'Chinesischer Name',
        'Geburtstag',
      ]),
    ).toEqual([
      'fullName',
      'organisation',
      'email',
      'phone',
      'phone',
      'country',
      'city',
      'wechatId',
      'position',
      'nativeName',
      null,
    ]);
    expect(
      suggestMapping('contact', ['中文名', '姓名', '公司', '电话', '手机', '邮箱', '微信', '职位']),
    ).toEqual([
      'nativeName',
      'fullName',
      'organisation',
      'phone',
      'phone',
      'email',
      'wechatId',
      'position',
    ]);
    expect(
      suggestMapping('contact', ['  VORNAME ', 'nach-name', 'E_MAIL', 'We Chat ID', 'Mobil-Nr.']),
    ).toEqual(['givenName', 'familyName', 'email', 'wechatId', 'phone']);
  });

  it('takes "Name" beside "Vorname" as the family name', () => {
    expect(suggestMapping('contact', ['Name', 'Vorname', 'Firma'])).toEqual([
      'familyName',
      'givenName',
      'organisation',
    ]);
  });

  it('maps companies and partners by their own fields', () => {
    expect(
      suggestMapping('company', ['Firma', 'Branche', 'Ort', 'Land', 'Webseite', 'Beschreibung']),
    ).toEqual(['name', 'industry', 'city', 'country', 'website', 'description']);
    expect(
      suggestMapping('partner', ['Name', '中文名称', 'Art', 'Land', 'Stadt', 'Adresse', 'Website']),
    ).toEqual(['name', 'nativeName', 'kind', 'country', 'city', 'address', 'website']);
    // a contact's column is no company's field
    expect(suggestMapping('company', ['Vorname', 'Mobiltelefon'])).toEqual([null, null]);
  });

  it('maps a header it does not know to null', () => {
    expect(suggestMapping('contact', ['Lieblingsfarbe', '', '123', 'Fax geschäftlich'])).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
});

import { joinHan, parseCard } from './parse';

describe('parseCard', () => {
  it('reads a Chinese card as OCR gives it: spaces between characters, full-width colons', () => {
    const fields = parseCard(
      [
        '北 京 华 信 科 技 有 限 公 司',
        '欧 阳 娜 娜',
        '市 场 总 监',
        '手 机 ： 138 1234 5678',
        '电 话 : +86 10 6552 8899',
        '传 真 : 010 6552 8890',
        '邮 箱 : nana.ouyang @ huaxin-tech.cn',
        '微 信 : ouyang_nana88',
        '地 址 : 北 京 市 朝 阳 区 建 国 路 88 号 SOHO 现 代 城 A 座 1203 室',
        '网 址 : www.huaxin-tech.cn',
      ].join('\n'),
    );
    expect(fields).toEqual({
      nativeName: '欧阳娜娜',
      familyName: 'Ouyang',
      givenName: 'Nana',
      nativeOrganisation: '北京华信科技有限公司',
      organisation: '北京华信科技有限公司',
      nativePosition: '市场总监',
      position: '市场总监',
      emails: ['nana.ouyang@huaxin-tech.cn'],
      phones: ['+8613812345678', '+861065528899'],
      fax: '+861065528890',
      wechatId: 'ouyang_nana88',
      nativeAddress: '北京市朝阳区建国路88号SOHO现代城A座1203室',
      address: '北京市朝阳区建国路88号SOHO现代城A座1203室',
      website: 'www.huaxin-tech.cn',
      country: 'CN',
    });
  });

  it('takes the latin name of a bilingual card from its back, in the order the card gives', () => {
    const fields = parseCard([
      { text: '王小明', height: 80, side: 0 },
      { text: '总经理', height: 40, side: 0 },
      { text: '上海浦江国际贸易有限公司', height: 50, side: 0 },
      { text: 'Shanghai Pujiang International Trading Co., Ltd.', height: 45, side: 1 },
      { text: 'Xiaoming Wang', height: 90, side: 1 },
      { text: 'General Manager', height: 40, side: 1 },
      { text: 'Address: Suite 3501, Plaza 66 Tower 2', height: 30, side: 1 },
      { text: '1266 Nanjing West Road, Shanghai', height: 30, side: 1 },
    ]);
    expect(fields).toMatchObject({
      nativeName: '王小明',
      familyName: 'Wang',
      givenName: 'Xiaoming',
      organisation: 'Shanghai Pujiang International Trading Co., Ltd.',
      nativeOrganisation: '上海浦江国际贸易有限公司',
      position: 'General Manager',
      nativePosition: '总经理',
      address: 'Suite 3501, Plaza 66 Tower 2, 1266 Nanjing West Road, Shanghai',
    });
  });

  it('computes pinyin for a Chinese name without a latin form, a compound family name first', () => {
    expect(parseCard('司马光明\n投资总监')).toMatchObject({
      nativeName: '司马光明',
      familyName: 'Sima',
      givenName: 'Guangming',
    });
    expect(parseCard('张伟\n副总裁')).toMatchObject({ familyName: 'Zhang', givenName: 'Wei' });
  });

  it('picks the largest Chinese line as the name, not a department', () => {
    const fields = parseCard([
      { text: '市场部', height: 40 },
      { text: '李明', height: 110 },
      { text: '于机', height: 30 },
    ]);
    expect(fields.nativeName).toBe('李明');
  });

  it('reads a German card: title left out, umlauts OCR lost put back from the e-mail and places', () => {
    const fields = parseCard(
      [
        'Rheinwerk Maschinenbau GmbH',
        'Dr. Klaus-Peter Miller',
        'Geschaftsfiihrer',
        'Tel: +49 211 8993 120',
        'Mobil: +49 (0)171 2345678',
        'Fax: +49 211 8993 199',
        'E-Mail: k.mueller@rheinwerk-maschinen.de',
        'Königsallee 12',
        '40212 Diisseldorf',
        'www.rheinwerk-maschinen.de',
      ].join('\n'),
    );
    expect(fields).toEqual({
      familyName: 'Müller',
      givenName: 'Klaus-Peter',
      organisation: 'Rheinwerk Maschinenbau GmbH',
      position: 'Geschäftsführer',
      emails: ['k.mueller@rheinwerk-maschinen.de'],
      phones: ['+491712345678', '+492118993120'],
      fax: '+492118993199',
      address: 'Königsallee 12, 40212 Düsseldorf',
      website: 'www.rheinwerk-maschinen.de',
      country: 'DE',
    });
  });

  it('keeps a name particle with the family name and in lower case', () => {
    expect(parseCard('Katharina von Stein\nVorsitzende')).toMatchObject({
      familyName: 'von Stein',
      givenName: 'Katharina',
      position: 'Vorsitzende',
    });
    expect(parseCard('WANG Fang\nDirector, Investment Services')).toMatchObject({
      familyName: 'Wang',
      givenName: 'Fang',
    });
  });

  it('repairs OCR noise in e-mails, phones, web addresses and WeChat ids', () => {
    const fields = parseCard(
      [
        '"E-Mail: jonas.becker @ stadtwerke-k0eln , de',
        'Tel; +49 221 l78 44lO',
        'WeChat: mike brown_sf',
        'Web: wwwxstadtwerke-koeln.de',
      ].join('\n'),
    );
    expect(fields.emails).toEqual(['jonas.becker@stadtwerke-koeln.de']);
    expect(fields.phones).toEqual(['+492211784410']);
    expect(fields.wechatId).toBe('mike_brown_sf');
    expect(fields.website).toBe('www.stadtwerke-koeln.de');
  });

  it('does not take garbage after a phone label, nor a fax, as a phone', () => {
    const fields = parseCard(
      'Mobile: +86 150 2918 seas\n手机 : +86 150 2718 6543\nFax: 021-6279 3301',
    );
    expect(fields.phones).toEqual(['+8615027186543']);
    expect(fields.fax).toBe('+862162793301');
  });

  it('pairs a column of labels with the column of values beside it', () => {
    const fields = parseCard([
      { text: '手机 :', top: 600, left: 100, height: 40, width: 80 },
      { text: '微信 :', top: 650, left: 100, height: 40, width: 80 },
      { text: '138 1234 5678', top: 602, left: 220, height: 38, width: 300 },
      { text: 'ouyang_nana88', top: 651, left: 220, height: 38, width: 300 },
    ]);
    expect(fields.phones).toEqual(['+8613812345678']);
    expect(fields.wechatId).toBe('ouyang_nana88');
  });

  it('rejoins a name OCR broke in two on a turned photo', () => {
    const fields = parseCard([
      { text: 'Rheinwerk Maschinenbau GmbH', top: 531, left: 360, height: 38, width: 610 },
      { text: 'Miller', top: 641, left: 918, height: 57, width: 222 },
      { text: 'Dr. Klaus-Peter', top: 611, left: 358, height: 65, width: 534 },
      {
        text: 'E-Mail: k.mueller@rheinwerk-maschinen.de',
        top: 800,
        left: 900,
        height: 30,
        width: 500,
      },
    ]);
    expect(fields).toMatchObject({ familyName: 'Müller', givenName: 'Klaus-Peter' });
  });

  it('takes a line without a company word as the organisation when nothing else is one', () => {
    const fields = parseCard([
      { text: 'Sino-German Industrial Park Qingdao', height: 45 },
      { text: 'WANG Fang', height: 82 },
      { text: 'Director, Investment Services', height: 37 },
    ]);
    expect(fields.organisation).toBe('Sino-German Industrial Park Qingdao');
  });

  it('gives empty lists for a card without text', () => {
    expect(parseCard('')).toEqual({ emails: [], phones: [] });
  });
});

describe('joinHan', () => {
  it('removes the spaces OCR puts between Chinese characters and no others', () => {
    expect(joinHan('欧 阳 娜 娜 Nana Ouyang')).toBe('欧阳娜娜 Nana Ouyang');
    expect(joinHan('手 机 ： 138')).toBe('手机： 138');
  });
});

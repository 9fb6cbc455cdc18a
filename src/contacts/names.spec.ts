import { isChineseName, namesFromChinese, newContactNames, personName } from './names';

describe('names from a name in Chinese script', () => {
  it.each([
    ['李明', 'Li', 'Ming'],
    ['欧阳娜娜', 'Ouyang', 'Nana'],
    ['王小明', 'Wang', 'Xiaoming'],
    ['王芳', 'Wang', 'Fang'],
    ['司马迁', 'Sima', 'Qian'],
    ['諸葛亮', 'Zhuge', 'Liang'],
    ['尉迟恭', 'Yuchi', 'Gong'],
    ['長孫無忌', 'Zhangsun', 'Wuji'],
    ['上官婉儿', 'Shangguan', 'Waner'],
    // read as family names: 单 Shan (not Dan), 曾 Zeng (not Ceng), 解 Xie (not Jie)
    ['单雄信', 'Shan', 'Xiongxin'],
    ['曾国藩', 'Zeng', 'Guofan'],
    ['解缙', 'Xie', 'Jin'],
    ['吕布', 'Lü', 'Bu'],
    // a family name alone
    ['欧阳', 'Ouyang', null],
    ['李', 'Li', null],
    // other scripts and spaces around the characters are left out
    ['李 明 (Li Ming)', 'Li', 'Ming'],
  ])('%s → %s / %s', (native, familyName, givenName) => {
    expect(namesFromChinese(native)).toEqual({ familyName, givenName });
  });

  it.each([null, undefined, '', 'Müller', 'Иван Петров', '山田はな', '김민준', 'Li Ming'])(
    'leaves %p alone (not a name in Chinese script)',
    (native) => {
      expect(namesFromChinese(native)).toBeUndefined();
      expect(isChineseName(native)).toBe(false);
    },
  );
});

describe('the names of a new contact', () => {
  it('keeps the names given', () => {
    expect(newContactNames({ familyName: 'Li', givenName: 'Ming', nativeName: '李明' })).toEqual({
      familyName: 'Li',
      givenName: 'Ming',
    });
    expect(newContactNames({ familyName: 'Müller' })).toEqual({
      familyName: 'Müller',
      givenName: null,
    });
  });

  it('derives them from a name in Chinese script when familyName is left out', () => {
    expect(newContactNames({ nativeName: '王小明' })).toEqual({
      familyName: 'Wang',
      givenName: 'Xiaoming',
    });
    expect(newContactNames({ nativeName: '王小明', givenName: 'Tony' })).toEqual({
      familyName: 'Wang',
      givenName: 'Tony',
    });
  });

  it('has none without a family name or a name in Chinese script', () => {
    expect(newContactNames({ givenName: 'Jürgen', nativeName: 'Müller' })).toBeUndefined();
    expect(newContactNames({})).toBeUndefined();
  });
});

describe('personName', () => {
  it.each([
    [{ familyName: 'Chen', givenName: 'Jing', nativeName: '陈静' }, 'Chen Jing 陈静'],
    [{ familyName: 'Kim', givenName: 'Minjun', nativeName: '김민준' }, 'Kim Minjun 김민준'],
    [{ familyName: 'Yamada', givenName: 'Hana', nativeName: '山田はな' }, 'Yamada Hana 山田はな'],
    [{ familyName: 'Müller', givenName: 'Jürgen', nativeName: null }, 'Jürgen Müller'],
    [{ familyName: 'Müller', givenName: 'Jürgen' }, 'Jürgen Müller'],
    [{ familyName: 'Müller', givenName: 'Jürgen', nativeName: 'Jürgen Müller' }, 'Jürgen Müller'],
    [{ familyName: 'Müller', givenName: 'Jürgen', nativeName: 'müller  jürgen' }, 'Jürgen Müller'],
    [
      { familyName: 'Petrov', givenName: 'Ivan', nativeName: 'Иван Петров' },
      'Ivan Petrov Иван Петров',
    ],
    [{ familyName: 'Wang', givenName: null, nativeName: '王' }, 'Wang 王'],
    [{ familyName: 'Schmidt', givenName: '', nativeName: '' }, 'Schmidt'],
    [{ familyName: '陈', givenName: '静', nativeName: null }, '陈 静'],
  ])('%o → %s', (contact, shown) => {
    expect(personName(contact)).toBe(shown);
  });
});

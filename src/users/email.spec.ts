import { normalizeEmail } from './email';

describe('normalizeEmail', () => {
  it.each([
    ['upper case', 'Anna.Schmidt@Example.DE', 'anna.schmidt@example.de'],
    ['surrounding spaces', ' \t anna@example.de \u00a0', 'anna@example.de'],
    ['the Kelvin sign', '\u212Aelvin@example.de', 'kelvin@example.de'],
    ['full-width letters', 'ＡＤＭＩＮ＠liaison.test', 'admin@liaison.test'],
    ['NFD', 'jose\u0301@example.de', 'jos\u00e9@example.de'],
    ['NFC upper case', 'JOS\u00c9@example.de', 'jos\u00e9@example.de'],
  ])('folds %s', (_, given, expected) => {
    expect(normalizeEmail(given)).toBe(expected);
  });

  it('keeps a dotted capital I apart from a plain i', () => {
    expect(normalizeEmail('\u0130victim@example.de')).toBe('i\u0307victim@example.de');
    expect(normalizeEmail('\u0130victim@example.de')).not.toBe(
      normalizeEmail('ivictim@example.de'),
    );
  });

  it('is its own normal form for every code point', () => {
    const unstable: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const once = normalizeEmail(`a${String.fromCodePoint(cp)}@x`);
      if (normalizeEmail(once) !== once) unstable.push(cp.toString(16));
    }
    expect(unstable).toEqual([]);
  });
});

import type { ContactDto } from '../contacts/contacts.dto';
import { escapeText, fold, vcard } from './vcard';

const contact = (o: Partial<ContactDto> = {}): ContactDto => ({
  id: '0b6f4b53-3c1e-4d8e-9d0a-5b0f3c7e2a11',
  familyName: 'Li',
  givenName: 'Wei',
  nativeName: '李伟',
  salutation: null,
  position: null,
  companyId: null,
  partnerId: null,
  mergedIntoId: null,
  email: null,
  phone: null,
  wechatId: null,
  languages: [],
  country: null,
  city: null,
  ownerId: null,
  version: 1,
  createdAt: '2026-12-06T10:00:00.000Z',
  updatedAt: '2026-12-06T10:00:00.000Z',
  deletedAt: null,
  ...o,
});

describe('vCard', () => {
  it('escapes text: backslash, comma, line breaks; a semicolon only in a structured value', () => {
    expect(escapeText('a\\b, c; d\r\ne\nf')).toBe('a\\\\b\\, c; d\\ne\\nf');
    expect(escapeText('a;b', true)).toBe('a\\;b');
  });

  it('folds at 75 octets, never inside a character', () => {
    const line = `NOTE:${'李'.repeat(60)}`;
    const folded = fold(line).split('\r\n');
    expect(folded.length).toBeGreaterThan(1);
    for (const part of folded) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(folded.slice(1).every((part) => part.startsWith(' '))).toBe(true);
    expect(folded.map((part, i) => (i ? part.slice(1) : part)).join('')).toBe(line);
    expect(fold('FN:Li Wei')).toBe('FN:Li Wei');
  });

  it('names a Chinese contact romanised and in its own script', () => {
    const card = vcard(contact(), { organisation: null, countryName: null });
    expect(card.split('\r\n')).toEqual([
      'BEGIN:VCARD',
      'VERSION:4.0',
      'UID:urn:uuid:0b6f4b53-3c1e-4d8e-9d0a-5b0f3c7e2a11',
      'FN:Li Wei',
      'FN;LANGUAGE=zh:李伟',
      'N:Li;Wei;;;',
      'REV:20261206T100000Z',
      'END:VCARD',
      '',
    ]);
  });

  it('writes one FN for a name without another script, and what is known of the rest', () => {
    const card = vcard(
      contact({
        familyName: 'Müller',
        givenName: 'Jürgen',
        nativeName: null,
        salutation: 'Herr',
        position: 'Leiter, Vertrieb',
        email: 'j.mueller@example.de',
        phone: '+49 (212) 123-45',
        city: 'Solingen',
        country: 'DE',
        wechatId: 'jmueller',
        notes: 'Zwei; drei',
      }),
      { organisation: 'Klingen GmbH', countryName: 'Deutschland' },
    ).split('\r\n');
    expect(card.filter((l) => l.startsWith('FN'))).toEqual(['FN:Jürgen Müller']);
    expect(card).toEqual(
      expect.arrayContaining([
        'N:Müller;Jürgen;;Herr;',
        'ORG:Klingen GmbH',
        'TITLE:Leiter\\, Vertrieb',
        'EMAIL;TYPE=work:j.mueller@example.de',
        'TEL;TYPE=work;VALUE=uri:tel:+4921212345',
        'ADR;TYPE=work:;;;Solingen;;;Deutschland',
        'X-WECHAT:jmueller',
        'NOTE:Zwei; drei',
      ]),
    );
  });
});

import { nameKey, phoneE164 } from './match-keys';

describe('phoneE164', () => {
  it('reads a number in the record’s country, else in Germany', () => {
    expect(phoneE164('0171 1234567')).toBe('+491711234567');
    expect(phoneE164('(0211) 89-0', 'DE')).toBe('+49211890');
    expect(phoneE164('+86 138 1234 5678')).toBe('+8613812345678');
    expect(phoneE164('138 1234 5678', 'CN')).toBe('+8613812345678');
    expect(phoneE164('0086 138 1234 5678')).toBe('+8613812345678');
  });
  it('is null for what is no phone number', () => {
    expect(phoneE164('')).toBeNull();
    expect(phoneE164(null)).toBeNull();
    expect(phoneE164('n/a')).toBeNull();
    expect(phoneE164('12')).toBeNull();
  });
});

describe('nameKey', () => {
  it('is one key for a name in either script and either order', () => {
    const key = nameKey({ familyName: 'Li', givenName: 'Wei', nativeName: '李伟' });
    expect(key).toBe('li wei');
    expect(nameKey({ familyName: 'Wei', givenName: 'Li' })).toBe(key);
    expect(nameKey({ familyName: '李伟' })).toBe(key);
    expect(nameKey({ familyName: 'LI', givenName: 'Wei' })).toBe(key);
  });
  it('drops accents and punctuation', () => {
    expect(nameKey({ familyName: 'Müller-Lüdenscheidt', givenName: 'Jörg' })).toBe(
      'jorg ludenscheidt muller',
    );
  });
  it('is null for no name', () => {
    expect(nameKey({ familyName: ' ' })).toBeNull();
  });
});

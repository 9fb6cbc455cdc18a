import { decodeCursor, encodeCursor } from './cursor';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);
const payload = {
  sort: '-createdAt',
  value: '2026-10-20T08:00:00.000Z',
  id: '3f1c2b8e-1d6a-4a51-9a43-2f0b7f2c9e11',
};

describe('keyset cursor', () => {
  it('round-trips what it encodes', () => {
    expect(decodeCursor(key, encodeCursor(key, payload))).toEqual(payload);
    expect(decodeCursor(key, encodeCursor(key, { ...payload, value: 42 }))).toEqual({
      ...payload,
      value: 42,
    });
  });

  it('round-trips the tier of a sort in tiers, and refuses a tier that is not a count', () => {
    expect(decodeCursor(key, encodeCursor(key, { ...payload, tier: 1 }))).toEqual({
      ...payload,
      tier: 1,
    });
    for (const tier of [-1, 0.5, '1', null])
      expect(
        decodeCursor(key, encodeCursor(key, { ...payload, tier: tier as unknown as number })),
      ).toBeUndefined();
  });

  it('is opaque URL-safe text', () => {
    expect(encodeCursor(key, payload)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuses a cursor signed with another key', () => {
    expect(decodeCursor(otherKey, encodeCursor(key, payload))).toBeUndefined();
  });

  it('refuses any single changed character', () => {
    const token = encodeCursor(key, payload);
    for (let i = 0; i < token.length; i++) {
      const swapped = token[i] === 'A' ? 'B' : 'A';
      const tampered = token.slice(0, i) + swapped + token.slice(i + 1);
      const decoded = decodeCursor(key, tampered);
      // Base64 padding bits can make two strings decode to the same bytes; those are no tamper.
      if (decoded)
        expect(Buffer.from(tampered, 'base64url')).toEqual(Buffer.from(token, 'base64url'));
    }
  });

  it.each(['', '!!', 'a', 'A'.repeat(5000), '%27%20OR%201%3D1'])('refuses %j', (token) => {
    expect(decodeCursor(key, token)).toBeUndefined();
  });
});

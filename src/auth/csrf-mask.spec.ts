import { createHmac } from 'node:crypto';
import { maskToken, sameToken } from './csrf-mask';

const token = createHmac('sha256', 'key').update('session:1').digest('base64url');
const other = createHmac('sha256', 'key').update('session:2').digest('base64url');

describe('the CSRF token a page prints', () => {
  it('differs on every page and still stands for the token', () => {
    const [a, b] = [maskToken(token), maskToken(token)];
    expect(a).not.toBe(b);
    expect(a).not.toContain(token);
    expect(sameToken(token, a)).toBe(true);
    expect(sameToken(token, b)).toBe(true);
  });

  it('is refused for another token, altered, or of another length', () => {
    const masked = maskToken(token);
    expect(sameToken(other, masked)).toBe(false);
    const flipped = Buffer.from(masked, 'base64url');
    flipped[flipped.length - 1] ^= 1;
    expect(sameToken(token, flipped.toString('base64url'))).toBe(false);
    expect(sameToken(token, masked.slice(0, -4))).toBe(false);
    expect(sameToken(token, '')).toBe(false);
    expect(sameToken(token, 'ä'.repeat(43))).toBe(false);
  });

  it('still takes the token unmasked', () => {
    expect(sameToken(token, token)).toBe(true);
    expect(sameToken(token, other)).toBe(false);
  });
});

import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A CSRF token as a page prints it: fresh random bytes, then the token's bytes XOR those, so no
 * two answers carry the same text. Pages are sent compressed (src/web/kit/respond.ts); a secret
 * repeated in every compressed page beside text the requester chooses (a search term shown back)
 * could otherwise be found a character at a time from the answers' sizes (BREACH).
 */
export function maskToken(token: string): string {
  const raw = Buffer.from(token, 'base64url');
  const mask = randomBytes(raw.length);
  const masked = Buffer.alloc(raw.length * 2);
  mask.copy(masked);
  for (let i = 0; i < raw.length; i++) masked[raw.length + i] = raw[i] ^ mask[i];
  return masked.toString('base64url');
}

/** Whether `sent` is `token` itself or masked by maskToken, compared in constant time. */
export function sameToken(token: string, sent: string): boolean {
  const raw = Buffer.from(token, 'base64url');
  const bytes = Buffer.from(sent, 'base64url');
  let candidate: Buffer;
  if (bytes.length === raw.length * 2) {
    candidate = Buffer.alloc(raw.length);
    for (let i = 0; i < raw.length; i++) candidate[i] = bytes[i] ^ bytes[raw.length + i];
  } else {
    // The token as it was printed before masking (a page loaded earlier), compared as bytes: a
    // token as long in characters but not in bytes made timingSafeEqual throw.
    const [a, b] = [Buffer.from(token), Buffer.from(sent)];
    return a.length === b.length && timingSafeEqual(a, b);
  }
  return timingSafeEqual(raw, candidate);
}

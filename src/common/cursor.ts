import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a cursor remembers: the sort it was made for and the last row's sort value and id, and for
 * a sort in tiers (pagination.ts, TieredSortKey) the row's tier.
 */
export interface CursorPayload {
  sort: string;
  value: string | number | null;
  id: string;
  tier?: number;
}

const SIGNATURE_BYTES = 12;

/**
 * Cursors are opaque to clients and signed, so a cursor the server did not issue (tampered,
 * truncated, from another deployment) is recognised and refused instead of reaching SQL.
 */
export function encodeCursor(key: Buffer, payload: CursorPayload): string {
  const fields: unknown[] = [payload.sort, payload.value, payload.id];
  if (payload.tier !== undefined) fields.push(payload.tier);
  const body = Buffer.from(JSON.stringify(fields), 'utf8');
  const signature = createHmac('sha256', key).update(body).digest().subarray(0, SIGNATURE_BYTES);
  return Buffer.concat([signature, body]).toString('base64url');
}

/** The payload of a cursor this server issued, or undefined for anything else. */
export function decodeCursor(key: Buffer, token: string): CursorPayload | undefined {
  if (typeof token !== 'string' || token.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(token)) {
    return undefined;
  }
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= SIGNATURE_BYTES) return undefined;
  const signature = raw.subarray(0, SIGNATURE_BYTES);
  const body = raw.subarray(SIGNATURE_BYTES);
  const expected = createHmac('sha256', key).update(body).digest().subarray(0, SIGNATURE_BYTES);
  if (!timingSafeEqual(signature, expected)) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (!Array.isArray(parsed) || (parsed.length !== 3 && parsed.length !== 4)) return undefined;
    const [sort, value, id, tier] = parsed as unknown[];
    if (typeof sort !== 'string' || typeof id !== 'string') return undefined;
    if (value !== null && typeof value !== 'string' && typeof value !== 'number') return undefined;
    if (parsed.length === 3) return { sort, value, id };
    if (!Number.isSafeInteger(tier) || (tier as number) < 0) return undefined;
    return { sort, value, id, tier: tier as number };
  } catch {
    return undefined;
  }
}

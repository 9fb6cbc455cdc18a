import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../common/ids';

/** The HMAC key of feed URLs, derived from the one secret (app.module.ts, purpose 'calendar feed'). */
export const CALENDAR_FEED_KEY = Symbol('CALENDAR_FEED_KEY');

/** Where the feeds are: outside /api (no token, no version), and not a page (src/web/kit/respond.ts). */
export const CALENDAR_FEED_PATH = '/calendar/';

const MAC = /^[A-Za-z0-9_-]{43}$/;

const macOf = (key: Buffer, feedId: string): Buffer =>
  createHmac('sha256', key).update(`calendar feed ${feedId}`).digest();

/**
 * A feed's secret: `<feed id>.<HMAC-SHA256 of it, base64url>`. Recomputed whenever it is shown,
 * never stored, so the table alone opens no calendar; a new id (rotation) ends the old secret.
 */
export const feedToken = (key: Buffer, feedId: string): string =>
  `${feedId}.${macOf(key, feedId).toString('base64url')}`;

/** The feed id a token names, if its HMAC is right (compared in constant time); null else. */
export function feedIdOf(key: Buffer, token: string): string | null {
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const feedId = token.slice(0, dot);
  const mac = token.slice(dot + 1);
  if (!isUuid(feedId) || !MAC.test(mac)) return null;
  const given = Buffer.from(mac, 'base64url');
  return given.length === 32 && timingSafeEqual(given, macOf(key, feedId)) ? feedId : null;
}

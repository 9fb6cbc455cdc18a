import { SessionCache } from './session-cache';

const FAR = Number.MAX_SAFE_INTEGER;

function liveCache(ttlMs = 30_000, max = 100) {
  let now = 1_000;
  const cache = new SessionCache<string>(ttlMs, max, () => now);
  cache.setLive(true);
  return { cache, later: (ms: number) => (now += ms) };
}

describe('SessionCache', () => {
  it('answers a stored session for its user only, until its time is up', () => {
    const { cache, later } = liveCache(30_000);
    cache.store(cache.begin(), 's1', 'u1', 'actor', FAR);
    expect(cache.get('s1', 'u1')).toBe('actor');
    expect(cache.get('s1', 'u2')).toBeUndefined();
    cache.store(cache.begin(), 's1', 'u1', 'actor', FAR);
    later(30_000);
    expect(cache.get('s1', 'u1')).toBeUndefined();
  });

  it('never keeps an entry beyond its session’s expiry', () => {
    const { cache, later } = liveCache(30_000);
    cache.store(cache.begin(), 's1', 'u1', 'actor', 1_000 + 5_000);
    later(5_000);
    expect(cache.get('s1', 'u1')).toBeUndefined();
  });

  it('drops a session, or every session of a user, when told', () => {
    const { cache } = liveCache();
    cache.store(cache.begin(), 's1', 'u1', 'a', FAR);
    cache.store(cache.begin(), 's2', 'u1', 'b', FAR);
    cache.store(cache.begin(), 's3', 'u2', 'c', FAR);
    cache.invalidate('s:s1');
    expect(cache.get('s1', 'u1')).toBeUndefined();
    expect(cache.get('s2', 'u1')).toBe('b');
    cache.invalidate('u:u1');
    expect(cache.get('s2', 'u1')).toBeUndefined();
    expect(cache.get('s3', 'u2')).toBe('c');
    cache.invalidate('sync:1');
    expect(cache.get('s3', 'u2')).toBe('c');
  });

  it('does not store a read that began before an invalidation of its session or user', () => {
    const { cache } = liveCache();
    const bySession = cache.begin();
    cache.invalidate('s:s1');
    cache.store(bySession, 's1', 'u1', 'stale', FAR);
    expect(cache.get('s1', 'u1')).toBeUndefined();

    const byUser = cache.begin();
    cache.invalidate('u:u1');
    cache.store(byUser, 's1', 'u1', 'stale', FAR);
    expect(cache.get('s1', 'u1')).toBeUndefined();

    // Another key's invalidation does not hold it back; a read begun afterwards is stored.
    const other = cache.begin();
    cache.invalidate('s:s9');
    cache.store(other, 's1', 'u1', 'fresh', FAR);
    expect(cache.get('s1', 'u1')).toBe('fresh');
  });

  it('refuses every older read once it forgot which keys were invalidated', () => {
    const { cache } = liveCache();
    const ticket = cache.begin();
    for (let i = 0; i < 1_001; i++) cache.invalidate(`s:other-${i}`);
    cache.store(ticket, 's1', 'u1', 'maybe stale', FAR);
    expect(cache.get('s1', 'u1')).toBeUndefined();
    cache.store(cache.begin(), 's1', 'u1', 'fresh', FAR);
    expect(cache.get('s1', 'u1')).toBe('fresh');
  });

  it('is bypassed and emptied while the listener is away, and starts empty when it is back', () => {
    const { cache } = liveCache();
    cache.store(cache.begin(), 's1', 'u1', 'a', FAR);
    const inFlight = cache.begin();
    cache.setLive(false);
    expect(cache.enabled).toBe(false);
    expect(cache.get('s1', 'u1')).toBeUndefined();
    cache.store(cache.begin(), 's1', 'u1', 'b', FAR);
    cache.setLive(true);
    expect(cache.size).toBe(0);
    cache.store(inFlight, 's1', 'u1', 'from before the loss', FAR);
    expect(cache.get('s1', 'u1')).toBeUndefined();
  });

  it('keeps at most its size, the oldest going first; a TTL of 0 keeps nothing', () => {
    const { cache } = liveCache(30_000, 2);
    cache.store(cache.begin(), 's1', 'u1', 'a', FAR);
    cache.store(cache.begin(), 's2', 'u1', 'b', FAR);
    cache.store(cache.begin(), 's3', 'u1', 'c', FAR);
    expect(cache.get('s1', 'u1')).toBeUndefined();
    expect(cache.size).toBe(2);
    const off = liveCache(0).cache;
    off.store(off.begin(), 's1', 'u1', 'a', FAR);
    expect(off.get('s1', 'u1')).toBeUndefined();
  });
});

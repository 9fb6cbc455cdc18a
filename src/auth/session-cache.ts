/**
 * The answer of a session check kept a short while per session id, so that a burst of requests
 * with one token costs one query, not one each. It is safe only with its invalidations: every
 * change that ends or alters a session's caller is announced by the database (triggers NOTIFY
 * `SESSION_CHANNEL` at commit, migration 1764340000000) and `invalidate` drops the entries it
 * names on every instance. Plain logic, no I/O: src/auth/session-listener.ts feeds it.
 *
 * The rules that make it safe:
 * - A read that began before an invalidation of its session or user is not stored: `begin()`
 *   hands out the generation, `store()` refuses a ticket older than an invalidation of either
 *   key (kept per key; when too many are kept, the floor rises and older tickets all fail).
 * - While the listener is not connected, and until it has listened again, nothing is read from
 *   or stored in the cache (`live` false), and going back to live starts empty.
 * - An entry lives `ttlMs` at most, never beyond its session's expiry.
 */

/** The channel the triggers notify; a payload is `s:<session id>`, `u:<user id>` or `sync:…`. */
export const SESSION_CHANNEL = 'liaison_sessions';

/** At most this many sessions are kept; the oldest entry goes first. */
export const SESSION_CACHE_MAX = 10_000;
/** At most this many invalidations are remembered for reads in flight. */
const INVALIDATIONS_MAX = 1_000;

interface Entry<T> {
  value: T;
  userId: string;
  until: number;
}

export class SessionCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** The sessions kept per user, for an invalidation by user. */
  private readonly byUser = new Map<string, Set<string>>();
  private generation = 0;
  /** Tickets older than this are refused whatever they read. */
  private floor = 0;
  /** The generation of each key's latest invalidation (`s:…`, `u:…`). */
  private readonly invalidated = new Map<string, number>();
  private live = false;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = SESSION_CACHE_MAX,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0 && this.live;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached answer for a session of `userId`, if there is a fresh one. */
  get(sessionId: string, userId: string): T | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.userId !== userId || entry.until <= this.now()) {
      this.remove(sessionId);
      return undefined;
    }
    return entry.value;
  }

  /** A ticket for a read about to start: give it back to `store`. */
  begin(): number {
    return this.generation;
  }

  /**
   * Keeps a read's answer, unless something it depends on was invalidated since its ticket was
   * taken, or the cache is not live. `expiresAt`: the session's own end.
   */
  store(ticket: number, sessionId: string, userId: string, value: T, expiresAt: number): void {
    if (!this.enabled || ticket < this.floor) return;
    if ((this.invalidated.get(`s:${sessionId}`) ?? -1) > ticket) return;
    if ((this.invalidated.get(`u:${userId}`) ?? -1) > ticket) return;
    const until = Math.min(this.now() + this.ttlMs, expiresAt);
    if (until <= this.now()) return;
    this.remove(sessionId);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.remove(oldest);
    }
    this.entries.set(sessionId, { value, userId, until });
    let sessions = this.byUser.get(userId);
    if (!sessions) this.byUser.set(userId, (sessions = new Set()));
    sessions.add(sessionId);
  }

  /** A notification's payload: drops what it names (`s:<id>` a session, `u:<id>` a user's). */
  invalidate(key: string): void {
    this.generation++;
    if (this.invalidated.size >= INVALIDATIONS_MAX) {
      this.invalidated.clear();
      this.floor = this.generation;
    }
    this.invalidated.set(key, this.generation);
    if (key.startsWith('s:')) this.remove(key.slice(2));
    else if (key.startsWith('u:')) {
      for (const sessionId of this.byUser.get(key.slice(2)) ?? []) this.remove(sessionId);
    }
  }

  /**
   * The listener connected and listens (true), or lost its connection (false): either way
   * everything kept and every read in flight is forgotten, as a notification may have been missed.
   */
  setLive(live: boolean): void {
    this.live = live;
    this.entries.clear();
    this.byUser.clear();
    this.invalidated.clear();
    this.floor = ++this.generation;
  }

  private remove(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (!entry) return;
    this.entries.delete(sessionId);
    const sessions = this.byUser.get(entry.userId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.byUser.delete(entry.userId);
  }
}

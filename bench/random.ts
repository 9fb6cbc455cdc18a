/**
 * Deterministic randomness: the same seed gives the same agency, row for row, on every machine.
 * Each entity draws from its own stream, so changing how many companies there are does not
 * reshuffle the contacts.
 */

/** sfc32, a small fast generator with a 128-bit state; good enough for test data. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: string) {
    const h = hash32(stream);
    this.a = seed >>> 0;
    this.b = h;
    this.c = (seed ^ 0x9e3779b9) >>> 0;
    this.d = (h ^ 0x85ebca6b) >>> 0;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) return value;
    }
    return items[items.length - 1][0];
  }

  /**
   * An index in [0, n) with a Zipf-like skew (exponent s): index 0 is the most frequent. Used for
   * "a few companies have most leads" and "a few contacts are met again and again".
   */
  zipf(n: number, s: number): number {
    // Inverse transform of the continuous approximation of the Zipf distribution.
    const u = this.next();
    if (s === 1) return Math.min(n - 1, Math.floor(Math.exp(u * Math.log(n + 1))) - 1);
    const a = 1 - s;
    const x = Math.pow(u * (Math.pow(n + 1, a) - 1) + 1, 1 / a) - 1;
    return Math.min(n - 1, Math.max(0, Math.floor(x)));
  }

  /** k distinct indexes in [0, n), drawn by `draw`. */
  distinct(k: number, draw: () => number): number[] {
    const out: number[] = [];
    for (let tries = 0; out.length < k && tries < k * 10; tries++) {
      const i = draw();
      if (!out.includes(i)) out.push(i);
    }
    return out;
  }
}

/** FNV-1a, for turning a stream name into a seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: a bijection on 32-bit integers that scatters neighbouring inputs. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const hex8 = (x: number) => x.toString(16).padStart(8, '0');

/**
 * The id of the i-th row of an entity, computed rather than stored: a version-4-shaped UUID
 * whose first 32 bits are a bijection of i (so ids never collide within an entity) and that is
 * scattered like gen_random_uuid()'s, so indexes see the same random insert order.
 */
export function rowId(seed: number, entity: string, i: number): string {
  const e = hash32(entity) ^ seed;
  const w0 = mix32((i ^ e) >>> 0);
  const w1 = mix32((i + 0x9e3779b9 + e) >>> 0);
  const w2 = mix32((w1 ^ e ^ 0x27d4eb2f) >>> 0);
  const w3 = mix32((w0 + w2) >>> 0);
  const h = hex8(w0) + hex8(w1) + hex8(w2) + hex8(w3);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A fraction in [0, 1) that depends only on (entity, i): for properties looked up later. */
export function rowFraction(seed: number, entity: string, i: number): number {
  return (
    mix32((mix32((i ^ hash32(`${entity}#fraction`) ^ seed) >>> 0) + 0x6a09e667) >>> 0) / 4294967296
  );
}

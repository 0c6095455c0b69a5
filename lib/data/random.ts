/**
 * A small counter-based PRNG: every stream is keyed by integers (seed, image
 * index, copy…) so the same keys give the same numbers on any machine or
 * process, and streams do not depend on the order they are drawn in.
 * Keys are mixed with Wellons' `lowbias32` hash; each stream is Mulberry32.
 */

/** A source of uniform numbers in [0, 1). */
export interface RandomSource {
  next(): number;
}

function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Folds integer keys (any safe integer, negative too) into one 32-bit state. */
export function mixKeys(keys: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const k of keys) {
    if (!Number.isSafeInteger(k)) throw new RangeError(`random key must be a safe integer, got ${k}`);
    const lo = k >>> 0;
    const hi = Math.floor(k / 4294967296) >>> 0;
    h = lowbias32(h ^ lowbias32(lo + 0x6d2b79f5));
    h = lowbias32(h ^ lowbias32(hi ^ 0x85ebca6b));
  }
  return h;
}

/** A deterministic stream keyed by integers. */
export class KeyedRandom implements RandomSource {
  private state: number;

  constructor(...keys: number[]) {
    this.state = mixKeys(keys) | 0;
  }

  /** Uniform in [0, 1) (Mulberry32 step). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Fisher–Yates shuffle of a copy of `items`, driven by `rng`. */
export function seededShuffle<T>(items: readonly T[], rng: RandomSource): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

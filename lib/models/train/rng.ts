/**
 * Seeded shuffling. The permutation of an epoch is a pure function of
 * (seed, epoch), so a run resumed at epoch k shuffles exactly as the original
 * run would have: the only RNG state to checkpoint is the seed.
 */

/** mulberry32: small, fast, good enough for shuffling. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes seed and epoch into one 32-bit seed (so epochs differ, seeds differ). */
export function epochSeed(seed: number, epoch: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ (epoch >>> 0), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Fisher–Yates permutation of 0..n-1 for `epoch` of a run seeded `seed`. */
export function epochPermutation(n: number, seed: number, epoch: number): Int32Array {
  const rand = mulberry32(epochSeed(seed, epoch));
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}

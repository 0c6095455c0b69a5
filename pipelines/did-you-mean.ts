/** Levenshtein distance: the number of single-character edits between a and b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo
 * (at most a third of the word's length in edits, case ignored), else
 * undefined. A typo in the start of a longer name counts too ("rotaton" →
 * "rotationRange"), at one extra edit.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const name = candidate.toLowerCase();
    const whole = editDistance(lower, name);
    const distance = Math.min(whole, prefixDistance(lower, name));
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= limit ? best : undefined;
}

/** Distance from `word` to the start of a longer `name` (a prefix within one letter of its length), plus one. */
function prefixDistance(word: string, name: string): number {
  if (word.length < 4) return Infinity;
  let best = Infinity;
  for (let length = word.length - 1; length <= word.length + 1 && length < name.length; length++) {
    best = Math.min(best, editDistance(word, name.slice(0, length)) + 1);
  }
  return best;
}

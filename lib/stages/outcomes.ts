import type { StageOutcome } from './run-stage';

/**
 * The outcome of work made of parts (a stage's activities, a group's
 * shards): resumed if any part resumed, else computed if any computed, else
 * cached if any came from the cache; skipped when every part was (or there
 * were none).
 */
export function combinedOutcome(parts: readonly (StageOutcome | 'skipped')[]): StageOutcome | 'skipped' {
  for (const outcome of ['resumed', 'computed', 'cached'] as const) if (parts.includes(outcome)) return outcome;
  return 'skipped';
}

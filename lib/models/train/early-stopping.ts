import type { EarlyStoppingSpec } from '../types';
import type { EpochLogs } from './logs';

export interface EarlyStoppingState {
  readonly best: number;
  readonly bestEpoch: number;
  /** Epochs since the last improvement. */
  readonly wait: number;
  readonly stop: boolean;
}

/**
 * Early stopping as a pure function of the history, so a resumed run needs
 * no extra state. `val_*` falls back to the training metric when there is
 * no validation data. Improvement = better than the best by more than minDelta.
 */
export function earlyStoppingState(history: readonly EpochLogs[], spec: EarlyStoppingSpec): EarlyStoppingState {
  const maximize = spec.monitor === 'val_acc';
  const minDelta = Math.abs(spec.minDelta ?? 0);
  let best = maximize ? -Infinity : Infinity;
  let bestEpoch = 0;
  let wait = 0;
  for (const logs of history) {
    const value = maximize ? (logs.val_acc ?? logs.acc) : (logs.val_loss ?? logs.loss);
    const improved = maximize ? value > best + minDelta : value < best - minDelta;
    if (improved) {
      best = value;
      bestEpoch = logs.epoch;
      wait = 0;
    } else {
      wait++;
    }
  }
  return { best, bestEpoch, wait, stop: wait >= spec.patience && history.length > 0 };
}

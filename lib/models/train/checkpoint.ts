import * as tf from '@tensorflow/tfjs-node';
import type { OptimizerName } from '../types';
import type { EpochLogs } from './logs';

export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/**
 * Everything needed to continue a run after `epoch` completed epochs.
 * Tensors belong to whoever holds the object: dispose them when done.
 */
export interface TrainingCheckpoint {
  /** Completed epochs (the run continues at epoch + 1, counting from 1). */
  readonly epoch: number;
  /** The model's weights, in `orderedWeights(model)` order. */
  readonly weights: readonly NamedTensor[];
  /** `optimizer.getWeights()`: the iteration count, then its slots (Adam m/v…). */
  readonly optimizer: { readonly name: OptimizerName; readonly weights: readonly NamedTensor[] };
  readonly history: readonly EpochLogs[];
  /** Shuffling is keyed by (seed, epoch), so the seed is the whole RNG state. */
  readonly rng: { readonly seed: number };
  /** With early stopping's best-weights restore: the best epoch so far and its weights (same order as `weights`). */
  readonly best?: { readonly epoch: number; readonly weights: readonly NamedTensor[] };
}

export interface CheckpointStore {
  save(checkpoint: TrainingCheckpoint): Promise<void>;
  /** The latest checkpoint, or undefined when there is none. */
  load(): Promise<TrainingCheckpoint | undefined>;
  clear(): Promise<void>;
}

export function disposeCheckpoint(checkpoint: TrainingCheckpoint): void {
  tf.dispose([...checkpoint.weights, ...checkpoint.optimizer.weights, ...(checkpoint.best?.weights ?? [])].map((n) => n.tensor));
}

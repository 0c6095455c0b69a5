import * as tf from '@tensorflow/tfjs-node';
import type { NamedTensor } from './checkpoint';
import { crossEntropy } from './metrics';

/** One optimizer step on a batch, however it is computed. */
export interface TrainStep {
  /** The rows batches are gathered from (the training inputs, or what a fixed prefix made of them). */
  readonly input: tf.Tensor;
  /** Turns gathered rows into what `step` takes; returns a tensor the caller disposes. */
  prepare(rows: tf.Tensor): tf.Tensor;
  /** Trains on one batch; returns the forward pass' probabilities, for metrics (the caller disposes them). */
  step(x: tf.Tensor, y: tf.Tensor): tf.Tensor;
  /** Makes the model's variables hold the trained values (before evaluating or saving). */
  syncModel(): void;
  /** The optimizer state in `optimizer.getWeights()` order; the caller disposes what is not a tf.Variable. */
  optimizerWeights(): Promise<NamedTensor[]>;
  restoreOptimizer(weights: readonly NamedTensor[]): Promise<void>;
  dispose(): void;
}

/**
 * The general step: `optimizer.minimize` over the model's trainable weights
 * as they are when created, the forward pass with `training: true` (Dropout).
 */
export class ModelStep implements TrainStep {
  constructor(
    private readonly model: tf.LayersModel, readonly input: tf.Tensor,
    private readonly optimizer: tf.Optimizer, private readonly variables: tf.Variable[],
  ) {}

  prepare(rows: tf.Tensor): tf.Tensor {
    return rows.clone();
  }

  step(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let probs: tf.Tensor | undefined;
      this.optimizer.minimize(() => {
        const p = this.model.apply(x, { training: true }) as tf.Tensor;
        // Kept: minimize's inner tidy would free it, and a second forward pass would cost as much as the step.
        probs = tf.keep(p);
        return crossEntropy(y, p);
      }, false, this.variables);
      return probs!;
    });
  }

  syncModel(): void {}

  optimizerWeights(): Promise<NamedTensor[]> {
    return this.optimizer.getWeights();
  }

  async restoreOptimizer(weights: readonly NamedTensor[]): Promise<void> {
    await this.optimizer.setWeights(weights.map((w) => ({ name: w.name, tensor: w.tensor })));
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

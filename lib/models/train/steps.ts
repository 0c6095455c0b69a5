import * as tf from '@tensorflow/tfjs-node';
import type { NamedTensor } from './checkpoint';
import { ModelError } from '../../errors';
import { crossEntropy, exampleCrossEntropy } from './metrics';
import { setLearningRate } from './optimizer';

/** One optimizer step on a batch, however it is computed. */
export interface TrainStep {
  /** Turns training rows into what `step` takes; returns a tensor the caller disposes (it may be `rows`). */
  prepare(rows: tf.Tensor): tf.Tensor;
  /**
   * Trains on one batch, the loss being the mean of `weights`·cross-entropy
   * (plain mean without weights); returns the forward pass' probabilities,
   * for metrics (the caller disposes them).
   */
  step(x: tf.Tensor, y: tf.Tensor, weights: tf.Tensor | null): tf.Tensor;
  /** The rate of the next steps (each group's factor applies on top). */
  setLearningRate(learningRate: number): void;
  /** Only the top `count` layer groups train from now on. */
  activateGroups(count: number): void;
  /** Makes the model's variables hold the trained values (before evaluating or saving). */
  syncModel(): void;
  /** The optimizer state in `optimizer.getWeights()` order; the caller disposes what is not a tf.Variable. */
  optimizerWeights(): Promise<NamedTensor[]>;
  restoreOptimizer(weights: readonly NamedTensor[]): Promise<void>;
  dispose(): void;
}

/** A layer group as the general step trains it: its own optimizer, since tfjs optimizers key their state by position. */
export interface GroupOptimizer {
  readonly variables: readonly tf.Variable[];
  readonly optimizer: tf.Optimizer;
  readonly lrFactor: number;
}

/**
 * The general step: gradients of the model's forward pass (`training: true`,
 * for Dropout) with respect to the active groups' variables, each group
 * updated by its own optimizer at its own rate.
 */
export class ModelStep implements TrainStep {
  private active: number;

  constructor(
    private readonly model: tf.LayersModel, private readonly groups: readonly GroupOptimizer[],
  ) {
    this.active = groups.length;
  }

  prepare(rows: tf.Tensor): tf.Tensor {
    return rows;
  }

  step(x: tf.Tensor, y: tf.Tensor, weights: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => {
      const groups = this.groups.slice(0, this.active);
      let probs: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        const p = this.model.apply(x, { training: true }) as tf.Tensor;
        // Kept: the gradient's inner scope would free it, and a second forward pass would cost as much as the step.
        probs = tf.keep(p);
        return weights === null ? crossEntropy(y, p) : tf.mean(tf.mul(exampleCrossEntropy(y, p), weights)) as tf.Scalar;
      }, groups.flatMap((g) => g.variables));
      for (const group of groups) {
        const own: tf.NamedTensorMap = {};
        for (const v of group.variables) own[v.name] = grads[v.name]!;
        group.optimizer.applyGradients(own);
      }
      return probs!;
    });
  }

  setLearningRate(learningRate: number): void {
    for (const group of this.groups) setLearningRate(group.optimizer, learningRate * group.lrFactor);
  }

  activateGroups(count: number): void {
    this.active = Math.max(1, Math.min(this.groups.length, count));
  }

  syncModel(): void {}

  /** One group: the optimizer's own list. Several: each group's, names prefixed `g<i>|`. */
  async optimizerWeights(): Promise<NamedTensor[]> {
    if (this.groups.length === 1) return this.groups[0]!.optimizer.getWeights();
    const lists = await Promise.all(this.groups.map((g) => g.optimizer.getWeights()));
    return lists.flatMap((list, i) => list.map((w) => ({ name: `g${i}|${w.name}`, tensor: w.tensor })));
  }

  async restoreOptimizer(weights: readonly NamedTensor[]): Promise<void> {
    if (this.groups.length === 1) {
      await this.groups[0]!.optimizer.setWeights(weights.map((w) => ({ name: w.name, tensor: w.tensor })));
      return;
    }
    for (const [i, group] of this.groups.entries()) {
      const prefix = `g${i}|`;
      const own = weights.filter((w) => w.name.startsWith(prefix)).map((w) => ({ name: w.name.slice(prefix.length), tensor: w.tensor }));
      if (own.length === 0) throw new ModelError(`checkpoint has no optimizer state for layer group ${i}`);
      await group.optimizer.setWeights(own);
    }
  }

  dispose(): void {
    for (const group of this.groups) group.optimizer.dispose();
  }
}

import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import type { TrainSpec } from '../types';

/** What picks and tunes an optimizer: the `train` section's optimizer fields. */
export type OptimizerSettings = Pick<TrainSpec, 'optimizer' | 'learningRate' | 'weightDecay' | 'momentum' | 'nesterov'>;

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter): before each Adam
 * update, every kernel (rank ≥ 2: not biases, not BatchNorm's vectors)
 * shrinks by lr·weightDecay of itself. tfjs has Adam but not AdamW.
 */
export class AdamWOptimizer extends tf.AdamOptimizer {
  constructor(learningRate: number, private readonly weightDecay: number) {
    super(learningRate, 0.9, 0.999);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const keep = 1 - this.learningRate * this.weightDecay;
    tf.tidy(() => {
      for (const name of names) {
        const variable = tf.engine().registeredVariables[name];
        if (variable !== undefined && variable.rank >= 2) variable.assign(tf.mul(variable, keep));
      }
    });
    super.applyGradients(variableGradients);
  }
}

/** A fresh optimizer: a new one per stage is tfjs' equivalent of recompiling. */
export function makeOptimizer(settings: OptimizerSettings): tf.Optimizer {
  const { optimizer, learningRate, momentum = 0, nesterov = false, weightDecay = 0 } = settings;
  if (!(learningRate > 0)) throw new ModelError(`learningRate must be > 0, got ${learningRate}`);
  switch (optimizer) {
    case 'adam': return tf.train.adam(learningRate);
    case 'adamw': return weightDecay > 0 ? new AdamWOptimizer(learningRate, weightDecay) : tf.train.adam(learningRate);
    case 'sgd':
      if (nesterov && !(momentum > 0)) throw new ModelError('nesterov needs momentum > 0');
      return momentum > 0 ? tf.train.momentum(learningRate, momentum, nesterov) : tf.train.sgd(learningRate);
    case 'rmsprop': return tf.train.rmsprop(learningRate);
    default: throw new ModelError(`unknown optimizer '${String(optimizer)}'; one of adam, adamw, sgd, rmsprop`);
  }
}

/** Sets the rate the next update uses (the schedule moves it every step). */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  // SGD and Momentum keep the rate as a negated scalar tensor behind setLearningRate. (tfjs' Optimizer
  // classes answer `instanceof` by duck typing, so every optimizer would pass for an SGDOptimizer.)
  const sgd = optimizer as Partial<tf.SGDOptimizer>;
  if (typeof sgd.setLearningRate === 'function') {
    sgd.setLearningRate(learningRate);
    return;
  }
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}

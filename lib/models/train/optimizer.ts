import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import type { OptimizerName } from '../types';

/** A fresh optimizer: a new one per stage is tfjs' equivalent of recompiling. */
export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  if (!(learningRate > 0)) throw new ModelError(`learningRate must be > 0, got ${learningRate}`);
  switch (name) {
    case 'adam': return tf.train.adam(learningRate);
    case 'sgd': return tf.train.sgd(learningRate);
    case 'rmsprop': return tf.train.rmsprop(learningRate);
    default: throw new ModelError(`unknown optimizer '${String(name)}'; one of adam, sgd, rmsprop`);
  }
}

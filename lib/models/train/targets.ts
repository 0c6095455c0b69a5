/**
 * What the loss is computed against: smoothed labels and per-class weights.
 */
import * as tf from '@tensorflow/tfjs-node';
import { DataError } from '../../errors';
import type { ClassWeightsSpec } from '../types';

/** (1 − ε)·y + ε/k: each row still sums to 1, so soft (mixed) labels stay distributions. */
export function smoothLabels(y: tf.Tensor, epsilon: number): tf.Tensor {
  const classes = y.shape[y.rank - 1]!;
  return tf.tidy(() => tf.add(tf.mul(y, 1 - epsilon), epsilon / classes));
}

/**
 * One weight per class, as `train.classWeights` says. `balanced` is
 * scikit-learn's n / (k · count_c): a class with half the mean count weighs
 * 2. An explicit map names every class; a list has one weight per class.
 * A class with no training image gets weight 1 under `balanced` (it adds no loss).
 */
export function classWeightVector(spec: ClassWeightsSpec, classNames: readonly string[], counts: readonly number[]): Float32Array {
  const k = classNames.length;
  if (counts.length !== k) throw new RangeError(`classWeightVector: ${counts.length} counts for ${k} classes`);
  if (spec === 'balanced') {
    const n = counts.reduce((a, b) => a + b, 0);
    return Float32Array.from(counts, (c) => (c > 0 ? n / (k * c) : 1));
  }
  if (Array.isArray(spec)) {
    const list = spec as readonly number[];
    if (list.length !== k) {
      throw new DataError(`train.classWeights: has ${list.length} weights but the dataset has ${k} classes (${classNames.join(', ')})`);
    }
    return Float32Array.from(list);
  }
  const byName = spec as Readonly<Record<string, number>>;
  const unknown = Object.keys(byName).filter((name) => !classNames.includes(name));
  if (unknown.length > 0) throw new DataError(`train.classWeights: no class named ${unknown.map((u) => `'${u}'`).join(', ')}; the classes are ${classNames.join(', ')}`);
  const missing = classNames.filter((name) => byName[name] === undefined);
  if (missing.length > 0) throw new DataError(`train.classWeights: needs a weight for every class; missing ${missing.join(', ')}`);
  return Float32Array.from(classNames, (name) => byName[name]!);
}

/** Each row's weight, Σ_c y_c·w_c (a mixed label weighs by its shares): [n]. */
export function exampleWeights(y: tf.Tensor, classWeights: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.squeeze(tf.matMul(y as tf.Tensor2D, tf.reshape(classWeights, [-1, 1]) as tf.Tensor2D), [1]) as tf.Tensor1D);
}

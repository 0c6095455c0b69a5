import * as tf from '@tensorflow/tfjs-node';
import { DataError } from '../../../lib/errors';
import { classWeightVector, exampleWeights, smoothLabels } from '../../../lib/models/train/targets';

function rows(t: tf.Tensor): number[][] {
  return t.arraySync() as number[][];
}

function expectRowsClose(actual: number[][], expected: number[][], digits = 6): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => {
    expect(row).toHaveLength(expected[i]!.length);
    row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, digits));
  });
}

describe('smoothLabels: (1 − ε)·y + ε/k', () => {
  it('moves ε of each one-hot row evenly onto all k classes', () => {
    const y = tf.tensor2d([[1, 0, 0, 0], [0, 0, 1, 0]]);
    const smoothed = smoothLabels(y, 0.1);
    // 0.9·1 + 0.1/4 = 0.925; 0.1/4 = 0.025.
    expectRowsClose(rows(smoothed), [[0.925, 0.025, 0.025, 0.025], [0.025, 0.025, 0.925, 0.025]]);
    tf.dispose([y, smoothed]);
  });

  it('keeps soft (mixed) rows distributions: each still sums to 1', () => {
    const y = tf.tensor2d([[0.7, 0.3], [0.5, 0.5]]);
    const smoothed = smoothLabels(y, 0.2);
    // 0.8·0.7 + 0.1 = 0.66; 0.8·0.3 + 0.1 = 0.34.
    expectRowsClose(rows(smoothed), [[0.66, 0.34], [0.5, 0.5]]);
    rows(smoothed).forEach((row) => expect(row[0]! + row[1]!).toBeCloseTo(1, 6));
    tf.dispose([y, smoothed]);
  });

  it('leaves the labels as they are with ε = 0, and leaks no tensor', () => {
    const y = tf.tensor2d([[0, 1], [1, 0]]);
    const before = tf.memory().numTensors;
    const smoothed = smoothLabels(y, 0);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(rows(smoothed)).toEqual([[0, 1], [1, 0]]);
    tf.dispose([y, smoothed]);
  });
});

describe('classWeightVector', () => {
  const names = ['cat', 'dog', 'fox'] as const;

  it('balanced: n / (k · count_c), scikit-learn\'s formula', () => {
    // n = 12, k = 3: 12/(3·6), 12/(3·2), 12/(3·4).
    const w = Array.from(classWeightVector('balanced', names, [6, 2, 4]));
    expect(w[0]).toBeCloseTo(2 / 3, 6);
    expect(w[1]).toBeCloseTo(2, 6);
    expect(w[2]).toBeCloseTo(1, 6);
  });

  it('balanced: weighs every class\'s images to the same total, and the whole set to n (mean weight 1)', () => {
    const counts = [50, 10, 25, 15];
    const w = Array.from(classWeightVector('balanced', ['a', 'b', 'c', 'd'], counts));
    const totals = counts.map((c, i) => c * w[i]!);
    totals.forEach((t) => expect(t).toBeCloseTo(100 / 4, 3));
    expect(totals.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 3);
  });

  it('balanced: equal counts give weight 1 each; a class with no image gets 1', () => {
    expect(Array.from(classWeightVector('balanced', names, [5, 5, 5]))).toEqual([1, 1, 1]);
    const w = Array.from(classWeightVector('balanced', names, [4, 0, 2]));
    // n = 6, k = 3: 6/(3·4) = 0.5, (none) 1, 6/(3·2) = 1.
    expect(w).toEqual([0.5, 1, 1]);
  });

  it('balanced: takes fractional counts (soft labels count by their shares)', () => {
    const w = Array.from(classWeightVector('balanced', ['a', 'b'], [1.5, 0.5]));
    expect(w[0]).toBeCloseTo(2 / 3, 6);
    expect(w[1]).toBeCloseTo(2, 6);
  });

  it('a list: one weight per class, in class order', () => {
    expect(Array.from(classWeightVector([1, 2.5, 0.5], names, [1, 1, 1]))).toEqual([1, 2.5, 0.5]);
  });

  it('a list of the wrong length is an error naming train.classWeights and the classes', () => {
    const call = () => classWeightVector([1, 2], names, [1, 1, 1]);
    expect(call).toThrow(DataError);
    expect(call).toThrow('train.classWeights: has 2 weights but the dataset has 3 classes (cat, dog, fox)');
  });

  it('a mapping by class name, in any order, comes out in class order', () => {
    expect(Array.from(classWeightVector({ fox: 0.5, cat: 1, dog: 3 }, names, [1, 1, 1]))).toEqual([1, 3, 0.5]);
  });

  it('a mapping with a name that is not a class is an error naming train.classWeights, the name and the classes', () => {
    const call = () => classWeightVector({ cat: 1, dog: 2, fox: 1, wolf: 4 }, names, [1, 1, 1]);
    expect(call).toThrow(DataError);
    expect(call).toThrow("train.classWeights: no class named 'wolf'; the classes are cat, dog, fox");
  });

  it('a mapping that leaves a class out is an error naming train.classWeights and the missing classes', () => {
    const call = () => classWeightVector({ cat: 1 }, names, [1, 1, 1]);
    expect(call).toThrow(DataError);
    expect(call).toThrow('train.classWeights: needs a weight for every class; missing dog, fox');
  });

  it('refuses counts that do not match the classes (a caller\'s mistake, not the user\'s)', () => {
    expect(() => classWeightVector('balanced', names, [1, 2])).toThrow(RangeError);
  });
});

describe('exampleWeights: w_i = Σ_c y_ic·w_c', () => {
  it('gives a one-hot row its class\'s weight and a mixed row the share-weighted mean', () => {
    const y = tf.tensor2d([[1, 0, 0], [0, 0, 1], [0.25, 0.75, 0]]);
    const w = tf.tensor1d([2, 4, 0.5]);
    const per = exampleWeights(y, w);
    expect(per.shape).toEqual([3]);
    // 0.25·2 + 0.75·4 = 3.5.
    Array.from(per.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([2, 0.5, 3.5][i]!, 6));
    tf.dispose([y, w, per]);
  });

  it('gives the Keras weighted loss: the batch mean of w_i·CE_i', () => {
    const y = tf.tensor2d([[1, 0], [0, 1], [0, 1]]);
    const p = tf.tensor2d([[0.8, 0.2], [0.4, 0.6], [0.1, 0.9]]);
    const w = tf.tensor1d([1, 3]);
    const per = exampleWeights(y, w);
    const weighted = tf.tidy(() => tf.mean(tf.mul(per, tf.losses.softmaxCrossEntropy(y, tf.log(p), undefined, undefined, tf.Reduction.NONE))));
    const expected = (-Math.log(0.8) * 1 - Math.log(0.6) * 3 - Math.log(0.9) * 3) / 3;
    expect(weighted.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([y, p, w, per, weighted]);
  });
});

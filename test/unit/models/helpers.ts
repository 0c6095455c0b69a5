import * as tf from '@tensorflow/tfjs-node';
import { orderedWeights } from '../../../lib/models';

/** Two separable classes of small feature vectors, one-hot labels. */
export function toyFeatures(n: number, dim = 6, seed = 1): { x: tf.Tensor2D; y: tf.Tensor2D } {
  let s = seed;
  const rand = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    for (let d = 0; d < dim; d++) xs.push((c === 0 ? -1 : 1) * (d < 2 ? 1 : 0) + (rand() - 0.5) * 0.5);
    ys.push(c === 0 ? 1 : 0, c === 0 ? 0 : 1);
  }
  return { x: tf.tensor2d(xs, [n, dim]), y: tf.tensor2d(ys, [n, 2]) };
}

/** Values of every weight, by layer/weight name. */
export function weightValues(model: tf.LayersModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const layer of model.layers) {
    for (const w of layer.weights) out.set(`${layer.name}/${w.originalName.split('/').pop()!}`, w.read().dataSync() as Float32Array);
  }
  return out;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Writes `from`'s weights into `to` (same architecture). */
export function copyWeights(from: tf.LayersModel, to: tf.LayersModel): void {
  const src = orderedWeights(from);
  orderedWeights(to).forEach((w, i) => w.write(src[i]!.read()));
}

/** The largest difference between two models' weights. */
export function weightDiff(a: tf.LayersModel, b: tf.LayersModel): number {
  const wb = orderedWeights(b);
  return Math.max(...orderedWeights(a).map((w, i) => maxAbsDiff(w.read().dataSync() as Float32Array, wb[i]!.read().dataSync() as Float32Array)));
}

/** Three learnable classes from a fixed random projection of random rows of `shape`. */
export function projectedClasses(n: number, shape: number[], seed: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, ...shape], 0, 1, 'float32', seed);
    const w = tf.randomNormal([shape.reduce((a, b) => a * b, 1), 3], 0, 1, 'float32', seed + 1);
    const y = tf.oneHot(tf.argMax(tf.matMul(x.reshape([n, -1]), w), -1), 3).toFloat();
    return { x, y };
  });
}

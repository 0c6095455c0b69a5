import * as tf from '@tensorflow/tfjs-node';
import { ObjectStoreCheckpointStore, buildHead, crossEntropy, disposeModels, trainModel, type TrainOptions } from '../../../lib/models';
import { labelsAreDistributions, linearSoftmaxGradient, linearSoftmaxHead } from '../../../lib/models/train/linear-head';
import { MemoryStore } from '../../support/memory-store';
import { copyWeights, maxAbsDiff, projectedClasses, toyFeatures, weightDiff } from './helpers';

const replace = (shape: number[], pooling: 'flatten' | 'avg' = 'flatten', classes = 3): tf.LayersModel =>
  buildHead(shape, { strategy: 'replace', pooling }, classes);

describe('linearSoftmaxHead', () => {
  it('recognizes fixed layers then Dense(softmax), and nothing else', () => {
    const flat = replace([2, 2, 3]);
    const avg = replace([2, 2, 3], 'avg');
    const dropout = buildHead([6], { strategy: 'replace', pooling: 'flatten', dropout: 0.2 }, 3);
    const dense = buildHead([6], { strategy: 'dense', pooling: 'flatten', hidden: [4], dropout: 0 }, 3);
    expect(linearSoftmaxHead(flat)?.prefix.map((l) => l.getClassName())).toEqual(['Flatten']);
    expect(linearSoftmaxHead(avg)?.prefix.map((l) => l.getClassName())).toEqual(['GlobalAveragePooling2D']);
    expect(linearSoftmaxHead(dropout)).toBeNull();
    expect(linearSoftmaxHead(dense)).toBeNull();
    flat.layers[flat.layers.length - 1]!.trainable = false;
    expect(linearSoftmaxHead(flat)).toBeNull();
    disposeModels(flat, avg, dropout, dense);
  });
});

describe('linearSoftmaxGradient', () => {
  it('matches autodiff of the mean cross-entropy, soft labels and bias row included', () => {
    const x = tf.randomNormal([7, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    const y = tf.tidy(() => tf.softmax(tf.randomNormal([7, 4], 0, 2, 'float32', 4))) as tf.Tensor2D;
    const w = tf.randomNormal([5, 4], 0, 0.5, 'float32', 5) as tf.Tensor2D;
    const b = tf.randomNormal([4], 0, 0.5, 'float32', 6) as tf.Tensor1D;
    const [gw, gb] = tf.grads((kernel: tf.Tensor, bias: tf.Tensor) =>
      crossEntropy(y, tf.softmax(tf.add(tf.matMul(x, kernel as tf.Tensor2D), bias))))([w, b]);
    const x1 = tf.concat([x, tf.ones([7, 1])], 1) as tf.Tensor2D;
    const packed = tf.concat([w, b.reshape([1, 4])], 0) as tf.Tensor2D;
    const { grad, probs } = linearSoftmaxGradient(x1, y, packed);
    const expected = tf.concat([gw!, gb!.reshape([1, 4])], 0);
    expect(maxAbsDiff(grad.dataSync() as Float32Array, expected.dataSync() as Float32Array)).toBeLessThan(1e-6);
    expect(probs.shape).toEqual([7, 4]);
    tf.dispose([x, y, w, b, gw!, gb!, x1, packed, grad, probs, expected]);
  });
});

describe('trainModel with the fused linear-head step', () => {
  // 37 rows, batches of 8: the last batch is short, which the 1/batch scaling must honour.
  const opts: TrainOptions = { epochs: 3, batchSize: 8, optimizer: 'adam', learningRate: 0.05, seed: 2 };

  it.each([
    ['adam, flatten', [2, 2, 3], 'flatten', 'adam'],
    ['sgd, flatten', [2, 2, 3], 'flatten', 'sgd'],
    ['adam, average pooling', [2, 2, 3], 'avg', 'adam'],
    ['adam, vector features', [6], 'flatten', 'adam'],
  ] as const)('trains as optimizer.minimize does (%s)', async (_name, shape, pooling, optimizer) => {
    const d = projectedClasses(37, [...shape], 7);
    const fused = replace([...shape], pooling);
    const general = replace([...shape], pooling);
    copyWeights(fused, general);
    const before = tf.memory().numTensors;
    const a = await trainModel(fused, d, { ...opts, optimizer });
    expect(tf.memory().numTensors).toBe(before);
    const b = await trainModel(general, d, { ...opts, optimizer, fused: false });
    expect(weightDiff(fused, general)).toBeLessThan(1e-4);
    a.history.forEach((h, i) => {
      expect(h.loss).toBeCloseTo(b.history[i]!.loss, 4);
      expect(h.acc).toBeCloseTo(b.history[i]!.acc, 6);
    });
    expect(a.history[2]!.loss).toBeLessThan(a.history[0]!.loss);
    tf.dispose([d.x, d.y]);
    disposeModels(fused, general);
  });

  it('leaves labels that are not distributions to the general step (softmax − y assumes rows sum to 1)', async () => {
    const d = projectedClasses(24, [6], 13);
    const halved = tf.mul(d.y, 0.5);
    const soft = tf.tidy(() => tf.add(tf.mul(d.y, 0.7), 0.1));
    expect(labelsAreDistributions(d.y)).toBe(true);
    expect(labelsAreDistributions(soft)).toBe(true);
    expect(labelsAreDistributions(halved)).toBe(false);
    const a = replace([6]);
    const b = replace([6]);
    copyWeights(a, b);
    await trainModel(a, { x: d.x, y: halved }, opts);
    await trainModel(b, { x: d.x, y: halved }, { ...opts, fused: false });
    expect(weightDiff(a, b)).toBe(0);
    // Soft labels that are distributions take the fused step, and train as the general one.
    const c = replace([6]);
    const e = replace([6]);
    copyWeights(c, e);
    await trainModel(c, { x: d.x, y: soft }, opts);
    await trainModel(e, { x: d.x, y: soft }, { ...opts, fused: false });
    expect(weightDiff(c, e)).toBeLessThan(1e-4);
    tf.dispose([d.x, d.y, halved, soft]);
    disposeModels(a, b, c, e);
  });

  it('hears every batch, in order, across chunks', async () => {
    const { x, y } = toyFeatures(8 * 70 + 3);
    const model = buildHead([6], { strategy: 'replace', pooling: 'flatten' }, 2);
    const seen: [number, number][] = [];
    const res = await trainModel(model, { x, y }, {
      ...opts, epochs: 1, callbacks: { onBatchEnd: (b) => { seen.push([b.batch, b.size]); } },
    });
    expect(seen.map(([b]) => b)).toEqual([...Array(71).keys()]);
    expect(seen.map(([, s]) => s)).toEqual([...Array(70).fill(8), 3]);
    expect(res.history[0]!.acc).toBeGreaterThan(0.8);
    tf.dispose([x, y]);
    disposeModels(model);
  });

  it('writes checkpoints the general step resumes from (same optimizer state layout)', async () => {
    const d = projectedClasses(40, [6], 11);
    const straight = replace([6]);
    const interrupted = replace([6]);
    copyWeights(straight, interrupted);
    const run = { ...opts, epochs: 4 };
    await trainModel(straight, d, run);

    const ckpts = new ObjectStoreCheckpointStore(new MemoryStore(), 'ckpt/fused');
    const ctl = new AbortController();
    await trainModel(interrupted, d, {
      ...run, checkpoints: ckpts, signal: ctl.signal, callbacks: { onEpochEnd: (l) => { if (l.epoch === 2) ctl.abort(); } },
    });
    disposeModels(interrupted);
    const general = replace([6]);
    const res = await trainModel(general, d, { ...run, checkpoints: ckpts, fused: false });
    expect(res.resumedFromEpoch).toBe(2);
    expect(weightDiff(straight, general)).toBeLessThan(1e-4);

    // And the other way round: a checkpoint of the general step, resumed fused.
    const ckpts2 = new ObjectStoreCheckpointStore(new MemoryStore(), 'ckpt/general');
    const first = replace([6]);
    copyWeights(straight, first); // any start will do: compare against the same start trained straight
    const reference = replace([6]);
    copyWeights(first, reference);
    await trainModel(reference, d, run);
    const ctl2 = new AbortController();
    await trainModel(first, d, {
      ...run, fused: false, checkpoints: ckpts2, signal: ctl2.signal, callbacks: { onEpochEnd: (l) => { if (l.epoch === 2) ctl2.abort(); } },
    });
    disposeModels(first);
    const resumed = replace([6]);
    await trainModel(resumed, d, { ...run, checkpoints: ckpts2 });
    expect(weightDiff(reference, resumed)).toBeLessThan(1e-4);
    tf.dispose([d.x, d.y]);
    disposeModels(straight, general, reference, resumed);
  });
});

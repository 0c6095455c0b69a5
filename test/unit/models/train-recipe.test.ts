import * as tf from '@tensorflow/tfjs-node';
import { ObjectStoreCheckpointStore, buildHead, disposeModels, orderedWeights, trainModel, type TrainOptions } from '../../../lib/models';
import { activeGroupCount, planLayerGroups } from '../../../lib/models/train/layer-groups';
import { learningRateCurve } from '../../../lib/models/train/lr-schedule';
import { applyMixes, planMixes, type TrainMixing } from '../../../lib/models/train/mixing';
import { AdamWOptimizer, makeOptimizer } from '../../../lib/models/train/optimizer';
import { MemoryStore } from '../../support/memory-store';
import { copyWeights, maxAbsDiff, projectedClasses, weightDiff } from './helpers';

const replace = (shape: number[], classes = 3): tf.LayersModel => buildHead(shape, { strategy: 'replace', pooling: 'flatten' }, classes);

function snapshot(model: tf.LayersModel): Float32Array[] {
  return orderedWeights(model).map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
}

const BASE: TrainOptions = { epochs: 3, batchSize: 8, optimizer: 'adam', learningRate: 0.05, seed: 3 };

describe('the training recipe in trainModel', () => {
  it('moves the rate along the schedule and logs each epoch\'s first-step rate', async () => {
    const d = projectedClasses(40, [6], 1);
    const model = replace([6]);
    const schedule = { kind: 'one-cycle', warmupFraction: 0.3, divFactor: 10, finalDivFactor: 100 } as const;
    const res = await trainModel(model, d, { ...BASE, epochs: 4, lrSchedule: schedule });
    expect(res.history.map((h) => h.lr)).toEqual(learningRateCurve(schedule, 0.05, 5, 4));
    expect(res.history[0]!.lr).toBeCloseTo(0.005, 10);
    tf.dispose([d.x, d.y]);
    disposeModels(model);
  });

  it.each([
    ['class weights', { classWeights: [1, 3, 0.5] }],
    ['label smoothing', { labelSmoothing: 0.2 }],
    ['a schedule', { lrSchedule: { kind: 'cosine', warmupEpochs: 1, minLearningRate: 0.001 } }],
    ['all three, with sgd', { classWeights: 'balanced', labelSmoothing: 0.1, lrSchedule: { kind: 'step', every: 1, factor: 0.5 }, optimizer: 'sgd' }],
  ] as const)('gives the same weights on the fused step and the general one (%s)', async (_name, extra) => {
    const d = projectedClasses(37, [2, 2, 3], 4);
    const fused = replace([2, 2, 3]);
    const general = replace([2, 2, 3]);
    const plain = replace([2, 2, 3]);
    copyWeights(fused, general);
    copyWeights(fused, plain);
    const opts = { ...BASE, ...extra } as TrainOptions;
    await trainModel(fused, d, opts);
    await trainModel(general, d, { ...opts, fused: false });
    await trainModel(plain, d, { ...BASE, optimizer: opts.optimizer });
    expect(weightDiff(fused, general)).toBeLessThan(1e-4);
    // And the option changed something.
    expect(weightDiff(fused, plain)).toBeGreaterThan(1e-3);
    tf.dispose([d.x, d.y]);
    disposeModels(fused, general, plain);
  });

  it('weights a class by n / (k · count) with balanced class weights', async () => {
    // Two rows of class 0, six of class 1: balanced weights 2 and 2/3, the same as repeating class 0's rows three times.
    const x = tf.tensor2d([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [0.2, 0.8], [0, 1], [0.1, 1], [0.3, 0.7]]);
    const y = tf.oneHot(tf.tensor1d([0, 0, 1, 1, 1, 1, 1, 1], 'int32'), 2).toFloat();
    const weighted = replace([2], 2);
    const reference = replace([2], 2);
    copyWeights(weighted, reference);
    // One full batch of SGD: the weighted mean loss of the batch, exactly.
    await trainModel(weighted, { x, y }, { epochs: 1, batchSize: 8, optimizer: 'sgd', learningRate: 0.5, classWeights: 'balanced' });
    const grad = tf.tidy(() => tf.grads((kernel: tf.Tensor, bias: tf.Tensor) => {
      const p = tf.softmax(tf.add(tf.matMul(x, kernel as tf.Tensor2D), bias));
      const ce = tf.neg(tf.sum(tf.mul(y, tf.log(p)), -1));
      const w = tf.tensor1d([2, 2, 2 / 3, 2 / 3, 2 / 3, 2 / 3, 2 / 3, 2 / 3]);
      return tf.mean(tf.mul(ce, w));
    })(orderedWeights(reference).map((v) => v.read())));
    const expected = orderedWeights(reference).map((v, i) => tf.tidy(() => tf.sub(v.read(), tf.mul(grad[i]!, 0.5)).dataSync() as Float32Array));
    orderedWeights(weighted).forEach((v, i) => expect(maxAbsDiff(v.read().dataSync() as Float32Array, expected[i]!)).toBeLessThan(1e-5));
    tf.dispose([x, y, ...grad]);
    disposeModels(weighted, reference);
  });

  it('keeps the best epoch\'s weights when early stopping restores them, and says which', async () => {
    const d = projectedClasses(48, [6], 5);
    // Validation labels that disagree with training: the better the fit, the worse val_loss, so it stops early.
    const flipped = tf.tidy(() => tf.reverse(d.y, 1));
    const model = replace([6]);
    const perEpoch: Float32Array[][] = [];
    const res = await trainModel(model, { ...d, validation: { x: d.x, y: flipped } }, {
      ...BASE, epochs: 6, earlyStopping: { patience: 2, monitor: 'val_loss', restoreBestWeights: true },
      callbacks: { onEpochEnd: () => { perEpoch.push(snapshot(model)); } },
    });
    expect(res.stopReason).toBe('early-stopping');
    // Stopping after `patience` epochs without improvement: the best is two epochs before the last.
    const best = res.history.length - 2;
    expect(res.restoredFromEpoch).toBe(best);
    const now = snapshot(model);
    now.forEach((w, i) => expect(maxAbsDiff(w, perEpoch[best - 1]![i]!)).toBe(0));
    expect(maxAbsDiff(now[0]!, perEpoch[perEpoch.length - 1]![0]!)).toBeGreaterThan(1e-3);
    tf.dispose([d.x, d.y, flipped]);
    disposeModels(model);
  });

  it('restores the best weights after a resume too (they are in the checkpoint)', async () => {
    const d = projectedClasses(48, [6], 5);
    const flipped = tf.tidy(() => tf.reverse(d.y, 1));
    const opts: TrainOptions = { ...BASE, epochs: 6, earlyStopping: { patience: 3, monitor: 'val_loss', restoreBestWeights: true } };
    const straight = replace([6]);
    const resumed = replace([6]);
    copyWeights(straight, resumed);
    const initial = snapshot(resumed);
    const first = await trainModel(straight, { ...d, validation: { x: d.x, y: flipped } }, opts);
    const ckpts = new ObjectStoreCheckpointStore(new MemoryStore(), 'ckpt/best');
    const stop = new AbortController();
    await trainModel(resumed, { ...d, validation: { x: d.x, y: flipped } }, {
      ...opts, checkpoints: ckpts, signal: stop.signal, callbacks: { onEpochEnd: (l) => { if (l.epoch === 3) stop.abort(); } },
    });
    expect(maxAbsDiff(snapshot(resumed)[0]!, initial[0]!)).toBeGreaterThan(0);
    const res = await trainModel(resumed, { ...d, validation: { x: d.x, y: flipped } }, { ...opts, checkpoints: ckpts });
    // The best epoch came before the interruption, so only the checkpoint's copy can bring it back.
    expect(first.restoredFromEpoch).toBeLessThan(3);
    expect(res.resumedFromEpoch).toBe(3);
    expect(res.restoredFromEpoch).toBe(first.restoredFromEpoch);
    expect(weightDiff(straight, resumed)).toBeLessThan(1e-6);
    tf.dispose([d.x, d.y, flipped]);
    disposeModels(straight, resumed);
  });
});

describe('optimizers', () => {
  it('AdamW shrinks kernels by lr·weightDecay before the Adam step, and leaves biases alone', () => {
    const kernel = tf.variable(tf.tensor2d([[2, -4]]), true, 'adamw-kernel');
    const bias = tf.variable(tf.tensor1d([3]), true, 'adamw-bias');
    const opt = new AdamWOptimizer(0.1, 0.5);
    // Zero gradients: Adam itself moves nothing, so only the decay shows.
    opt.applyGradients([{ name: 'adamw-kernel', tensor: tf.zeros([1, 2]) }, { name: 'adamw-bias', tensor: tf.zeros([1]) }]);
    expect(Array.from(kernel.dataSync())).toEqual([2 * 0.95, -4 * 0.95].map((v) => Math.fround(v)));
    expect(Array.from(bias.dataSync())).toEqual([3]);
    opt.dispose();
    tf.dispose([kernel, bias]);
  });

  it('makes SGD with Nesterov momentum, and refuses Nesterov without momentum', () => {
    const nesterov = makeOptimizer({ optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true });
    expect(nesterov.getConfig()).toMatchObject({ learningRate: 0.1, momentum: 0.9, useNesterov: true });
    expect(() => makeOptimizer({ optimizer: 'sgd', learningRate: 0.1, nesterov: true })).toThrow(/momentum/);
    nesterov.dispose();
  });
});

describe('layer groups', () => {
  function stack(): tf.LayersModel {
    const model = tf.sequential();
    for (let i = 0; i < 5; i++) model.add(tf.layers.dense({ units: 3, inputShape: i === 0 ? [3] : undefined, name: `layer${i}` }));
    model.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }));
    return model;
  }

  it('splits the base layers top-down, the head joining the top group, rates falling by the factor', () => {
    const model = stack();
    const plan = planLayerGroups(model, { baseLayers: ['layer0', 'layer1', 'layer2', 'layer3', 'layer4'], count: 2, lrFactor: 0.1, unfreezeEvery: 2 });
    expect(plan.groups.map((g) => g.layers.map((l) => l.name))).toEqual([['head', 'layer4', 'layer3', 'layer2'], ['layer1', 'layer0']]);
    expect(plan.groups.map((g) => g.lrFactor)).toEqual([1, 0.1]);
    expect([0, 1, 2, 3, 9].map((e) => activeGroupCount(plan, e))).toEqual([1, 1, 2, 2, 2]);
    disposeModels(model);
  });

  it('trains a group that has not joined yet not at all, and lower groups slower', async () => {
    const x = tf.randomNormal([32, 3], 0, 1, 'float32', 8);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 2), 'int32'), 2).toFloat();
    const model = stack();
    const plan = planLayerGroups(model, { baseLayers: ['layer0', 'layer1', 'layer2', 'layer3', 'layer4'], count: 3, lrFactor: 0.001, unfreezeEvery: 1 });
    const names = plan.groups.map((g) => g.layers[g.layers.length - 1]!.name); // the lowest layer of each group
    const kernelOf = (name: string): Float32Array => Float32Array.from(model.getLayer(name).getWeights()[0]!.dataSync() as Float32Array);
    const before = names.map(kernelOf);
    const afterEpoch: Float32Array[][] = [];
    await trainModel(model, { x, y }, {
      epochs: 3, batchSize: 8, optimizer: 'adam', learningRate: 0.01, groups: plan,
      callbacks: { onEpochEnd: () => { afterEpoch.push(names.map(kernelOf)); } },
    });
    // Epoch 1: only group 0; epoch 2: groups 0 and 1; epoch 3: all three.
    expect(maxAbsDiff(afterEpoch[0]![1]!, before[1]!)).toBe(0);
    expect(maxAbsDiff(afterEpoch[1]![2]!, before[2]!)).toBe(0);
    const moved = (g: number, e: number, from: Float32Array[]): number => maxAbsDiff(afterEpoch[e]![g]!, from[g]!);
    expect(moved(1, 1, afterEpoch[0]!)).toBeGreaterThan(0);
    expect(moved(1, 1, afterEpoch[0]!)).toBeLessThan(moved(0, 1, afterEpoch[0]!) / 50);
    expect(moved(2, 2, afterEpoch[1]!)).toBeGreaterThan(0);
    expect(model.layers.every((l) => l.trainable)).toBe(true);
    tf.dispose([x, y]);
    disposeModels(model);
  });
});

describe('mixing drawn every epoch', () => {
  const mixing: TrainMixing = { cutmix: { alpha: 1, prob: 0.5 }, mixup: { alpha: 0.4, prob: 0.5 }, seed: 9 };
  const rows = Int32Array.from({ length: 12 }, (_, i) => 100 + i);

  it('pairs rows within their batch, differently each epoch, the same on a re-run', () => {
    const a = planMixes(mixing, 0, rows, [5, 5, 2], [4, 4]);
    const again = planMixes(mixing, 0, rows, [5, 5, 2], [4, 4]);
    const next = planMixes(mixing, 1, rows, [5, 5, 2], [4, 4]);
    expect(again).toEqual(a);
    expect(Array.from(next.lambda)).not.toEqual(Array.from(a.lambda));
    expect(a.mixed).toBe(12); // cutmix.prob + mixup.prob = 1
    a.partner.forEach((p, i) => {
      const batch = i < 5 ? 0 : i < 10 ? 1 : 2;
      const [lo, hi] = [[0, 5], [5, 10], [10, 12]][batch]!;
      expect(p).toBeGreaterThanOrEqual(lo!);
      expect(p).toBeLessThan(hi!);
      expect(p).not.toBe(i);
    });
  });

  it('labels each mix by its share and keeps rows as distributions', () => {
    const x = tf.randomUniform([12, 4, 4, 2], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 12 }, (_, i) => i % 3), 'int32'), 3).toFloat();
    const plan = planMixes(mixing, 0, rows, [12], [4, 4]);
    const out = applyMixes(x, y, plan);
    const labels = out.y.arraySync() as number[][];
    const truth = y.arraySync() as number[][];
    labels.forEach((row, i) => {
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      const expected = truth[i]!.map((v, c) => plan.lambda[i]! * v + (1 - plan.lambda[i]!) * truth[plan.partner[i]!]![c]!);
      expect(maxAbsDiff(Float32Array.from(row), Float32Array.from(expected))).toBeLessThan(1e-6);
    });
    // A CutMix row holds its partner's pixels inside the box and its own outside.
    const cut = plan.boxes.findIndex((b) => b.y1 > b.y0 && b.x1 > b.x0);
    expect(cut).toBeGreaterThanOrEqual(0);
    const box = plan.boxes[cut]!;
    const mixed = out.x.arraySync() as number[][][][];
    const own = x.arraySync() as number[][][][];
    expect(mixed[cut]![box.y0]![box.x0]).toEqual(own[plan.partner[cut]!]![box.y0]![box.x0]);
    expect(plan.lambda[cut]).toBeCloseTo(1 - ((box.y1 - box.y0) * (box.x1 - box.x0)) / 16, 6);
    tf.dispose([x, y, out.x, out.y]);
  });

  it('blends flat rows for CutMix draws (no box to cut) and trains with mixing on', async () => {
    const plan = planMixes({ ...mixing, mixup: null, cutmix: { alpha: 1, prob: 1 } }, 0, rows, [12], null);
    expect(plan.boxes.every((b) => b.y1 === b.y0)).toBe(true);
    expect(plan.mixed).toBe(12);
    const d = projectedClasses(24, [2, 2, 3], 6);
    const mixed = replace([2, 2, 3]);
    const plain = replace([2, 2, 3]);
    copyWeights(mixed, plain);
    const res = await trainModel(mixed, d, { ...BASE, mixing });
    await trainModel(plain, d, BASE);
    expect(res.history).toHaveLength(3);
    expect(weightDiff(mixed, plain)).toBeGreaterThan(1e-3);
    tf.dispose([d.x, d.y]);
    disposeModels(mixed, plain);
  });
});

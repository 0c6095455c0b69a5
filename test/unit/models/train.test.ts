import * as tf from '@tensorflow/tfjs-node';
import {
  ObjectStoreCheckpointStore, buildHead, disposeModels, earlyStoppingState, epochPermutation, orderedWeights,
  trainModel, type EpochLogs,
} from '../../../lib/models';
import { ModelError, StoreError } from '../../../lib/errors';
import { copyWeights, maxAbsDiff, toyFeatures } from './helpers';
import { MemoryStore } from '../../support/memory-store';

const head = (): tf.LayersModel => buildHead([6], { strategy: 'dense', pooling: 'flatten', hidden: [8], dropout: 0 }, 2);
const TRAIN = { batchSize: 8, optimizer: 'adam', learningRate: 0.05 } as const;

describe('trainModel', () => {
  it('learns a separable problem on feature tensors and reports per-epoch history', async () => {
    const data = toyFeatures(64);
    const val = toyFeatures(16, 6, 9);
    const model = head();
    const batches: number[] = [];
    const res = await trainModel(model, { ...data, validation: val }, {
      ...TRAIN, epochs: 5, callbacks: { onBatchEnd: (b) => { batches.push(b.size); } },
    });
    expect(res.stopReason).toBe('completed');
    expect(res.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(res.history[4]!.loss).toBeLessThan(res.history[0]!.loss);
    expect(res.history[4]!.val_acc).toBeGreaterThanOrEqual(0.9);
    expect(batches).toHaveLength(5 * 8);
    tf.dispose([data.x, data.y, val.x, val.y]);
    disposeModels(model);
  });

  it('accepts soft labels', async () => {
    const { x, y } = toyFeatures(16);
    const soft = tf.tidy(() => tf.add(tf.mul(y, 0.8), 0.1));
    const model = head();
    const res = await trainModel(model, { x, y: soft }, { ...TRAIN, epochs: 2 });
    expect(Number.isFinite(res.history[1]!.loss)).toBe(true);
    // Soft targets bound the loss away from 0: cross-entropy ≥ entropy of (0.9, 0.1) ≈ 0.325.
    expect(res.history[1]!.loss).toBeGreaterThan(0.3);
    tf.dispose([x, y, soft]);
    disposeModels(model);
  });

  it('does not leak tensors across epochs', async () => {
    const data = toyFeatures(32);
    const model = head();
    const store = new ObjectStoreCheckpointStore(new MemoryStore(), 'ckpt/leak');
    const counts: number[] = [];
    await trainModel(model, { ...data, validation: data }, {
      ...TRAIN, epochs: 5, checkpoints: store, callbacks: { onEpochEnd: () => { counts.push(tf.memory().numTensors); } },
    });
    // Adam's slots appear in epoch 1; after that the count is flat.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(counts[4]).toBe(counts[0]);
    tf.dispose([data.x, data.y]);
    disposeModels(model);
  });

  it('stops early when the monitored metric stops improving', async () => {
    const data = toyFeatures(16);
    const model = head();
    // A tiny learning rate: val_loss moves by less than minDelta, so epoch 1 stays the best.
    const res = await trainModel(model, { ...data, validation: data }, {
      ...TRAIN, learningRate: 1e-9, epochs: 20, earlyStopping: { patience: 2, monitor: 'val_loss', minDelta: 0.01 },
    });
    expect(res.stopReason).toBe('early-stopping');
    expect(res.history).toHaveLength(3);
    tf.dispose([data.x, data.y]);
    disposeModels(model);
  });

  it('stops on abort between epochs', async () => {
    const data = toyFeatures(16);
    const model = head();
    const ctl = new AbortController();
    const res = await trainModel(model, data, {
      ...TRAIN, epochs: 10, signal: ctl.signal, callbacks: { onEpochEnd: (l) => { if (l.epoch === 2) ctl.abort(); } },
    });
    expect(res.stopReason).toBe('aborted');
    expect(res.history).toHaveLength(2);
    tf.dispose([data.x, data.y]);
    disposeModels(model);
  });

  it('resumes from a checkpoint at the next epoch with the same weights and optimizer state', async () => {
    const data = toyFeatures(40);
    const straight = head();
    const interrupted = head();
    copyWeights(straight, interrupted);
    const opts = { ...TRAIN, epochs: 4, seed: 5 };

    const full = await trainModel(straight, data, opts);

    const store = new MemoryStore();
    const ckpts = new ObjectStoreCheckpointStore(store, 'runs/r1/ckpt');
    const ctl = new AbortController();
    await trainModel(interrupted, data, {
      ...opts, checkpoints: ckpts, signal: ctl.signal,
      callbacks: { onEpochEnd: (l) => { if (l.epoch === 2) ctl.abort(); } },
    });
    // Only the latest epoch's files are kept.
    expect((await store.list('runs/r1/ckpt/')).filter((k) => k.includes('epoch-'))).toEqual([
      'runs/r1/ckpt/epoch-000002/optimizer.safetensors',
      'runs/r1/ckpt/epoch-000002/state.json',
      'runs/r1/ckpt/epoch-000002/weights.safetensors',
    ]);
    disposeModels(interrupted);

    const resumed = head(); // fresh random weights: the checkpoint must replace them
    const epochs: number[] = [];
    const res = await trainModel(resumed, data, {
      ...opts, checkpoints: ckpts, callbacks: { onEpochEnd: (l) => { epochs.push(l.epoch); } },
    });
    expect(res.resumedFromEpoch).toBe(2);
    expect(epochs).toEqual([3, 4]);
    expect(res.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    const a = orderedWeights(straight);
    const b = orderedWeights(resumed);
    a.forEach((w, i) => {
      expect(maxAbsDiff(w.read().dataSync() as Float32Array, b[i]!.read().dataSync() as Float32Array)).toBeLessThan(1e-5);
    });
    expect(res.history[3]!.loss).toBeCloseTo(full.history[3]!.loss, 5);
    tf.dispose([data.x, data.y]);
    disposeModels(straight, resumed);
  });

  it('starts over, with a warning, when the latest checkpoint lost a file or is unreadable', async () => {
    const data = toyFeatures(24);
    const store = new MemoryStore();
    const warnings: string[] = [];
    const ckpts = new ObjectStoreCheckpointStore(store, 'ckpt/broken', (line) => warnings.push(line));
    const first = head();
    await trainModel(first, data, { ...TRAIN, epochs: 2, checkpoints: ckpts });
    disposeModels(first);

    await store.remove('ckpt/broken/epoch-000002/optimizer.safetensors');
    expect(await ckpts.load()).toBeUndefined();
    expect(warnings.pop()).toMatch(/^checkpoint ckpt\/broken\/epoch-000002 is unusable \(files are missing\); training starts over$/);

    await store.put('ckpt/broken/epoch-000002/optimizer.safetensors', Buffer.from('not safetensors'));
    const again = head();
    const res = await trainModel(again, data, { ...TRAIN, epochs: 2, checkpoints: ckpts });
    expect(res.resumedFromEpoch).toBeNull();
    expect(res.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/epoch-000002 is unusable \(.+\); training starts over/);
    tf.dispose([data.x, data.y]);
    disposeModels(again);
  });

  it('lets a store failure through (the activity retries) instead of starting over', async () => {
    const data = toyFeatures(16);
    const store = new MemoryStore();
    const model = head();
    await trainModel(model, data, { ...TRAIN, epochs: 1, checkpoints: new ObjectStoreCheckpointStore(store, 'ckpt/down') });
    const down = Object.assign(Object.create(store) as MemoryStore, {
      get: (key: string) => (key.endsWith('weights.safetensors') ? Promise.reject(new StoreError('connection refused', key)) : store.get(key)),
    });
    const warnings: string[] = [];
    await expect(new ObjectStoreCheckpointStore(down, 'ckpt/down', (line) => warnings.push(line)).load()).rejects.toThrow(StoreError);
    expect(warnings).toEqual([]);
    tf.dispose([data.x, data.y]);
    disposeModels(model);
  });

  it('rejects labels that do not match the model output', async () => {
    const { x } = toyFeatures(4);
    const y = tf.zeros([4, 3]);
    const model = head();
    await expect(trainModel(model, { x, y }, { ...TRAIN, epochs: 1 })).rejects.toThrow(ModelError);
    tf.dispose([x, y]);
    disposeModels(model);
  });
});

describe('seeded shuffling', () => {
  it('is a permutation keyed by (seed, epoch)', () => {
    const p = epochPermutation(50, 3, 0);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect([...epochPermutation(50, 3, 0)]).toEqual([...p]);
    expect([...epochPermutation(50, 3, 1)]).not.toEqual([...p]);
    expect([...epochPermutation(50, 4, 0)]).not.toEqual([...p]);
  });
});

describe('earlyStoppingState', () => {
  const h = (vals: number[]): EpochLogs[] => vals.map((v, i) => ({ epoch: i + 1, loss: v, acc: 0, val_loss: v, val_acc: 1 - v }));
  it('counts epochs without improvement beyond minDelta', () => {
    expect(earlyStoppingState(h([1, 0.9, 0.95, 0.91]), { patience: 2, monitor: 'val_loss' })).toMatchObject({ stop: true, bestEpoch: 2, wait: 2 });
    expect(earlyStoppingState(h([1, 0.95, 0.92]), { patience: 2, monitor: 'val_loss', minDelta: 0.1 })).toMatchObject({ stop: true, bestEpoch: 1 });
    expect(earlyStoppingState(h([1, 0.5, 0.4]), { patience: 1, monitor: 'val_acc' })).toMatchObject({ stop: false, bestEpoch: 3 });
  });
});

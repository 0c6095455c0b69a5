import * as tf from '@tensorflow/tfjs-node';
import { extractFeatures, outputRows, predictClasses, runInference, runInferenceSync } from '../../../lib/models/features';
import { maxAbsDiff } from './helpers';

const SHAPE = [5, 5, 2] as const;
const COUNT = 11; // batch size 4 does not divide it: the last batch is short

/** A small conv net with batch norm (whose inference mode differs from training) and a softmax. */
function smallModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [...SHAPE], filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.batchNormalization({ movingMeanInitializer: tf.initializers.constant({ value: 0.1 }), movingVarianceInitializer: tf.initializers.constant({ value: 2 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  return model;
}

function pixels(n: number): Uint8Array {
  const out = new Uint8Array(n * SHAPE[0] * SHAPE[1] * SHAPE[2]);
  let s = 7;
  for (let i = 0; i < out.length; i++) {
    s = (s * 16807) % 2147483647;
    out[i] = s % 256;
  }
  return out;
}

/** The reference: one plain `model.predict` over the whole input. */
function predictAll(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  const y = model.predict(x) as tf.Tensor;
  const values = y.dataSync() as Float32Array;
  y.dispose();
  return values;
}

describe('the inference loop', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = smallModel();
  });
  afterAll(() => model.dispose());

  it('over a tensor equals model.predict on the whole input; onBatch counts up to the total', async () => {
    const x = tf.randomUniform([COUNT, ...SHAPE], 0, 1, 'float32', 3);
    const expected = predictAll(model, x);
    const before = tf.memory().numTensors;
    const calls: [number, number][] = [];
    const out = await runInference(model, x, { batchSize: 4, onBatch: (done, total) => { calls.push([done, total]); } });
    expect(tf.memory().numTensors).toBe(before);
    expect(out.shape).toEqual([COUNT, 4]);
    expect(maxAbsDiff(out.values, expected)).toBeLessThan(1e-6);
    expect(calls).toEqual([[4, COUNT], [8, COUNT], [11, COUNT]]);
    x.dispose();
  });

  it('over 8-bit pixels scales each batch to [0, 1] and equals model.predict on pixels / 255', async () => {
    const data = pixels(COUNT);
    const x = tf.tidy(() => tf.div(tf.tensor(Float32Array.from(data), [COUNT, ...SHAPE]), 255));
    const expected = predictAll(model, x);
    x.dispose();
    const before = tf.memory().numTensors;
    const dones: number[] = [];
    const out = await runInference(model, { data, shape: [COUNT, ...SHAPE] }, { batchSize: 4, onBatch: async (done) => { dones.push(done); } });
    expect(tf.memory().numTensors).toBe(before);
    expect(out.shape).toEqual([COUNT, 4]);
    expect(maxAbsDiff(out.values, expected)).toBeLessThan(1e-6);
    expect(dones).toEqual([4, 8, 11]);
  });

  it('takes float32 arrays as they are, from a view into a larger buffer', async () => {
    const backing = new Float32Array(3 + COUNT * 50);
    backing.forEach((_, i) => { backing[i] = Math.sin(i); });
    const data = backing.subarray(3);
    const x = tf.tensor(data, [COUNT, ...SHAPE]);
    const expected = predictAll(model, x);
    x.dispose();
    const out = await runInference(model, { data, shape: [COUNT, ...SHAPE] }, { batchSize: 3 });
    expect(maxAbsDiff(out.values, expected)).toBeLessThan(1e-6);
  });

  it('predictClasses gives the argMax of model.predict, per sample', async () => {
    const data = pixels(COUNT);
    const x = tf.tidy(() => tf.div(tf.tensor(Float32Array.from(data), [COUNT, ...SHAPE]), 255));
    const expected = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1).dataSync());
    x.dispose();
    const before = tf.memory().numTensors;
    const classes = await predictClasses(model, { data, shape: [COUNT, ...SHAPE] }, { batchSize: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(classes).toBeInstanceOf(Int32Array);
    expect(Array.from(classes)).toEqual(Array.from(expected));
  });

  it('waits for an async onBatch before the next batch, and stops without leaking when it throws', async () => {
    const x = tf.randomUniform([COUNT, ...SHAPE], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const log: string[] = [];
    await runInference(model, x, {
      batchSize: 4,
      onBatch: async (done) => {
        log.push(`start ${done}`);
        await new Promise((resolve) => setImmediate(resolve));
        log.push(`end ${done}`);
      },
    });
    expect(log).toEqual(['start 4', 'end 4', 'start 8', 'end 8', 'start 11', 'end 11']);
    await expect(runInference(model, x, { batchSize: 4, onBatch: (done) => { if (done === 8) throw new Error('cancelled'); } }))
      .rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('returns nothing for no samples, and rejects a bad batch size or a short array', async () => {
    const onBatch = jest.fn();
    const out = await runInference(model, { data: new Uint8Array(0), shape: [0, ...SHAPE] }, { batchSize: 4, onBatch });
    expect(out.values).toHaveLength(0);
    expect(out.shape).toEqual([0, 4]);
    expect(onBatch).not.toHaveBeenCalled();
    await expect(runInference(model, { data: pixels(2), shape: [2, ...SHAPE] }, { batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(runInference(model, { data: pixels(2), shape: [3, ...SHAPE] }, { batchSize: 2 })).rejects.toThrow(/do not fill/);
  });

  it('runInferenceSync and outputRows give the same numbers as arraySync of predict', () => {
    const x = tf.randomUniform([3, ...SHAPE], 0, 1, 'float32', 5);
    const y = model.predict(x) as tf.Tensor2D;
    const expected = y.arraySync();
    const before = tf.memory().numTensors;
    const rows = outputRows(runInferenceSync(model, x, 2));
    expect(tf.memory().numTensors).toBe(before);
    expect(rows).toHaveLength(3);
    rows.forEach((row, i) => expect(maxAbsDiff(Float32Array.from(row), Float32Array.from(expected[i]!))).toBeLessThan(1e-6));
    tf.dispose([x, y]);
  });

  it('extractFeatures (what the benchmarks time) runs the same loop, from a tensor or from batches', async () => {
    const x = tf.randomUniform([COUNT, ...SHAPE], 0, 1, 'float32', 6);
    const expected = predictAll(model, x);
    const before = tf.memory().numTensors;
    const whole = await extractFeatures(model, x, 4);
    const batches = [x.slice(0, 4), x.slice(4, 3)];
    async function* asyncBatches(): AsyncGenerator<tf.Tensor> {
      for (const b of batches) yield b;
    }
    const fromIterable = await extractFeatures(model, batches, 4);
    const fromAsync = await extractFeatures(model, asyncBatches(), 4);
    expect(tf.memory().numTensors).toBe(before + 2 + 3); // the two batches and three results
    expect(whole.shape).toEqual([COUNT, 4]);
    expect(maxAbsDiff(whole.dataSync() as Float32Array, expected)).toBeLessThan(1e-6);
    expect(fromIterable.shape).toEqual([7, 4]);
    expect(maxAbsDiff(fromIterable.dataSync() as Float32Array, expected.subarray(0, 28))).toBeLessThan(1e-6);
    expect(Array.from(fromAsync.dataSync())).toEqual(Array.from(fromIterable.dataSync()));
    const empty = x.slice(0, 0);
    await expect(extractFeatures(model, empty, 4)).rejects.toThrow('no images');
    await expect(extractFeatures(model, [], 4)).rejects.toThrow('no images');
    tf.dispose([x, empty, whole, fromIterable, fromAsync, ...batches]);
    expect(tf.memory().numTensors).toBe(before - 1);
  });
});

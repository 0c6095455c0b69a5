// The evaluate activity over an in-memory store: the test set read a shard
// at a time, and flip TTA on images and on cached features (their images
// mirrored through the base), with its own cache entry.
import * as tf from '@tensorflow/tfjs-node';
import { stageEnv } from '../../../activities/activity-context';
import type { EvaluateInput, RunContext, ShardRef } from '../../../activities/contracts';
import { createEvaluateActivity } from '../../../activities/evaluate';
import { readPredictions } from '../../../lib/stages/held-out';
import { writeModel } from '../../../lib/stages/model-files';
import { writeShard } from '../../../lib/stages/shards';
import type { PipelineSpec } from '../../../pipelines/schema';
import { MemoryStore } from '../../support/memory-store';

const ctx: RunContext = { runId: 'r', pipeline: 'p', specHash: 's', modelSpecHash: 'm', noCache: false, heartbeatSeconds: 60 };
// The activity reads nothing of the spec.
const spec = {} as PipelineSpec;

/** 1×2 images; the left pixel votes weakly for class 0, the right one strongly for class 1. */
function head(inputShape: number[]): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  const flat = inputShape.length > 1 ? tf.layers.flatten().apply(input) as tf.SymbolicTensor : input;
  const dense = tf.layers.dense({ units: 2, activation: 'softmax', useBias: false });
  const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
  dense.setWeights([tf.tensor2d([[1, 0], [0, 3]])]);
  return model;
}

describe('evaluate activity', () => {
  const store = new MemoryStore();
  const env = stageEnv({ store });
  const evaluate = createEvaluateActivity(env);
  let images: ShardRef[];
  let features: ShardRef[];

  beforeAll(async () => {
    // Three shards: [left-bright, right-bright], [left-bright], [] — labelled 0, 1, 0.
    const pixels = [[255, 0, 0, 255], [255, 0], []];
    const labels = [[1, 0, 0, 1], [1, 0], []];
    const writer = env.cache.writer('ingest', 'i');
    const feat = env.cache.writer('extract', 'e');
    images = [];
    features = [];
    for (const [i, px] of pixels.entries()) {
      const n = px.length / 2;
      const y = Float32Array.from(labels[i]!);
      await writeShard(writer, `test-${i}`, { x: Uint8Array.from(px), xShape: [n, 1, 2, 1], y, numClasses: 2 });
      await writeShard(feat, `test-${i}`, { x: Float32Array.from(px.map((v) => v / 255)), xShape: [n, 2], y, numClasses: 2 });
      images.push({ stage: 'ingest', key: 'i', name: `test-${i}`, count: n, offset: 0 });
      features.push({ stage: 'extract', key: 'e', name: `test-${i}`, count: n, offset: 0 });
    }
    await writer.commit();
    await feat.commit();
    for (const [stage, model] of [['fine-tune', head([1, 2, 1])], ['train-head', head([2])]] as const) {
      const w = env.cache.writer(stage, 'm');
      await writeModel(w, model);
      await w.commit();
      model.dispose();
    }
    const baseIn = tf.input({ shape: [1, 2, 1] });
    const base = tf.model({ inputs: baseIn, outputs: tf.layers.flatten().apply(baseIn) as tf.SymbolicTensor });
    const w = env.cache.writer('base', 'b');
    await writeModel(w, base);
    await w.commit();
  });

  const run = (input: Partial<EvaluateInput>) => evaluate({
    ctx, spec, model: { stage: 'fine-tune', key: 'm' }, inputs: 'images', test: images, classNames: ['left', 'right'], ...input,
  });

  it('streams the test shards: accuracy and per-image predictions over all of them', async () => {
    const plain = await run({});
    expect(plain.evaluation.count).toBe(3);
    // Plain: left-bright → 0, right-bright → 1, left-bright → 0; labels 0, 1, 0.
    expect(plain.evaluation.testAccuracy).toBe(1);
    expect(Array.from(await readPredictions(env.cache, plain.key))).toEqual([0, 1, 0]);
  });

  it('flip TTA: the mirrored image outvotes the weak one, in an entry of its own', async () => {
    const plain = await run({});
    const tta = await run({ tta: true });
    expect(tta.key).not.toBe(plain.key);
    expect(Array.from(await readPredictions(env.cache, tta.key))).toEqual([1, 1, 1]);
    expect(tta.evaluation.testAccuracy).toBeCloseTo(1 / 3);
    // tta: false is the key from before TTA existed.
    expect((await run({ tta: false })).key).toBe(plain.key);
  });

  it('flip TTA on cached features runs the mirrored images through the base, as the whole model on images does', async () => {
    const onFeatures = { model: { stage: 'train-head', key: 'm' }, inputs: 'features', test: features } as const;
    expect(Array.from(await readPredictions(env.cache, (await run(onFeatures)).key))).toEqual([0, 1, 0]);
    await expect(run({ ...onFeatures, tta: true })).rejects.toThrow(/test images and the base/);
    const tta = await run({ ...onFeatures, tta: true, ttaSource: { images, base: { stage: 'base', key: 'b' } } });
    expect(Array.from(await readPredictions(env.cache, tta.key))).toEqual([1, 1, 1]);
  });
});

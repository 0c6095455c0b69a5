/**
 * Judging the champion on the challenger's held-out images: the evaluate
 * stage keeps each test image's predicted class, and publish runs the current
 * model over the same test shards, so the two accuracies count the same images.
 */
import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../errors';
import { predictClasses, type ArraySource, type InferenceOptions } from '../models/features';
import { loadPublishedModel, prepareImages } from '../models/predict';
import type { StageCache } from '../store/cache';
import type { CacheWriter } from '../store/cache-writer';
import { cacheKey } from '../store/cache-key';
import { decodeNpy, encodeNpy } from '../store/npy';
import type { ObjectStore } from '../store/object-store';
import { pairedCounts, type PairedCounts } from './champion';
import { modelsPrefix } from './promote';
import { concatArrays, shardInputs, shardPath, type ShardLocation } from './shards';

/** In an evaluate entry: the predicted class of every test image, in test-shard order (int32). */
export const PREDICTIONS_FILE = 'predictions.npy';

export async function writePredictions(writer: CacheWriter, predicted: Int32Array): Promise<void> {
  await writer.put(PREDICTIONS_FILE, encodeNpy(predicted, [predicted.length]));
}

export async function readPredictions(cache: StageCache, evaluateKey: string): Promise<Int32Array> {
  const npy = decodeNpy(await cache.read('evaluate', evaluateKey, PREDICTIONS_FILE), PREDICTIONS_FILE);
  if (!(npy.data instanceof Int32Array)) throw new ModelError(`evaluate/${evaluateKey}/${PREDICTIONS_FILE}: expected int32 class indices`);
  return npy.data;
}

/**
 * Maps class indices of a model trained on `from` to indices in `to`, by
 * name; a class `to` does not have maps to -1 (never right). A model with no
 * recorded names is taken to use `to`'s order.
 */
export function classIndexMap(from: readonly string[] | null, to: readonly string[]): (index: number) => number {
  if (from === null) return (index) => index;
  const where = new Map(to.map((name, i) => [name, i]));
  return (index) => where.get(from[index] ?? '') ?? -1;
}

/**
 * The predicted class of each image of `images` (8-bit, N×H×W×C). A model
 * that takes another size or channel count (the spec changed them) gets the
 * images resized and converted as `graft predict` does, a batch at a time.
 */
export async function predictImageClasses(model: tf.LayersModel, images: ArraySource, options: InferenceOptions): Promise<Int32Array> {
  const inputShape = model.inputs[0]!.shape;
  if (inputShape.slice(1).join('×') === images.shape.slice(1).join('×')) return predictClasses(model, images, options);
  const [count = 0, ...sample] = images.shape;
  const size = sample.reduce((a, b) => a * b, 1);
  const out = new Int32Array(count);
  for (let start = 0; start < count; start += options.batchSize) {
    const n = Math.min(options.batchSize, count - start);
    const batch = tf.tidy(() => {
      const pixels = tf.tensor4d(Int32Array.from(images.data.subarray(start * size, (start + n) * size)), [n, ...sample] as [number, number, number, number], 'int32');
      return prepareImages(tf.unstack(pixels) as tf.Tensor3D[], inputShape);
    });
    try {
      out.set(await predictClasses(model, batch, { batchSize: n }), start);
    } finally {
      batch.dispose();
    }
    await options.onBatch?.(start + n, count);
  }
  return out;
}

export interface JudgeChampionInput {
  readonly store: ObjectStore;
  readonly cache: StageCache;
  readonly pipeline: string;
  /** The version that is `current` (the champion's). */
  readonly championVersion: string;
  /** The challenger's test images (ingest shards) and its evaluate entry. */
  readonly heldOut: { readonly images: readonly ShardLocation[]; readonly evaluateKey: string };
  /** The challenger's class names: the test labels index into them. */
  readonly classNames: readonly string[];
  readonly inference: InferenceOptions;
}

/** Cache stage of a champion's predictions on a set of test images. */
const JUDGE_STAGE = 'judge';

/**
 * Runs the current model of `pipeline` (version `championVersion`) over the
 * challenger's test images and pairs its per-image outcomes with the
 * challenger's. The champion's predictions are cached under (its version,
 * the test shards, the class names), so an unchanged re-run does not run it again.
 */
export async function judgeChampion(input: JudgeChampionInput): Promise<PairedCounts> {
  const challenger = await readPredictions(input.cache, input.heldOut.evaluateKey);
  const key = cacheKey({
    stage: JUDGE_STAGE, config: { classNames: input.classNames },
    upstream: [input.pipeline, input.championVersion, ...input.heldOut.images.map(shardPath)], codeVersion: 'judge/1',
  });
  const cached = await input.cache.lookup(JUDGE_STAGE, key, { onMiss: () => undefined });
  // A shard at a time: the test set is never held whole, only its classes and predictions.
  const classes: Int32Array[] = [];
  let predicted: Int32Array;
  if (cached) {
    for await (const shard of shardInputs(input.cache, input.heldOut.images)) classes.push(shard.classes);
    predicted = decodeNpy(await input.cache.read(JUDGE_STAGE, key, PREDICTIONS_FILE, cached), PREDICTIONS_FILE).data as Int32Array;
  } else {
    // The champion's own version folder, which never changes: `current/` may be mid-promotion by another run.
    const uri = `s3://${input.store.bucket}/${modelsPrefix(input.pipeline)}/${input.championVersion}/model.json`;
    const champion = await loadPublishedModel(uri, { store: input.store });
    try {
      const parts: Int32Array[] = [];
      const toOurs = classIndexMap(champion.classNames, input.classNames);
      for await (const shard of shardInputs(input.cache, input.heldOut.images)) {
        classes.push(shard.classes);
        parts.push((await predictImageClasses(champion.model, shard.input, input.inference)).map(toOurs));
      }
      predicted = concatArrays(parts, (n) => new Int32Array(n));
    } finally {
      champion.model.dispose();
    }
    const writer = input.cache.writer(JUDGE_STAGE, key);
    await writePredictions(writer, predicted);
    await writer.commit();
  }
  return pairedCounts(concatArrays(classes, (n) => new Int32Array(n)), challenger, predicted);
}

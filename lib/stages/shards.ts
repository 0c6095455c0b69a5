/**
 * Shards: the unit of fan-out and of memory. A shard is two `.npy` files in
 * a cache entry, `<name>.x.npy` (images N×H×W×C uint8, or features N×D
 * float32) and `<name>.y.npy` (labels N×K float32: one-hot or soft), so any
 * tool that reads NumPy files can open them.
 */
import * as tf from '@tensorflow/tfjs-node';
import { createHash } from 'node:crypto';
import { decodeNpy, encodeNpy } from '../store/npy';
import type { CacheWriter } from '../store/cache-writer';
import type { StageCache } from '../store/cache';
import { DataError } from '../errors';
import type { ImageDataset } from '../data/types';
import type { ArraySource } from '../models/features';

export interface ShardLocation {
  readonly stage: string;
  readonly key: string;
  readonly name: string;
}

export interface ShardArrays {
  readonly x: Uint8Array | Float32Array;
  readonly xShape: readonly number[];
  readonly y: Float32Array;
  readonly numClasses: number;
}

export const shardFiles = (name: string) => ({ x: `${name}.x.npy`, y: `${name}.y.npy` });

/** `<stage>/<key>/<name>`: a shard's name in cache keys and messages. */
export const shardPath = (ref: ShardLocation): string => `${ref.stage}/${ref.key}/${ref.name}`;

/** The error for shards that hold no sample at all. */
export function noSamplesError(refs: readonly ShardLocation[]): DataError {
  return new DataError(`no samples in ${refs.map(shardPath).join(', ') || 'an empty shard list'}`);
}

/** Writes a shard's two files; returns the sha256 of their content, which names the shard wherever it is stored. */
export async function writeShard(writer: CacheWriter, name: string, shard: ShardArrays): Promise<string> {
  const files = shardFiles(name);
  const count = shard.xShape[0] ?? 0;
  const x = encodeNpy(shard.x, shard.xShape);
  const y = encodeNpy(shard.y, [count, shard.numClasses]);
  await writer.put(files.x, x);
  await writer.put(files.y, y);
  return createHash('sha256').update(x).update(y).digest('hex');
}

export async function readShard(cache: StageCache, ref: ShardLocation): Promise<ShardArrays> {
  const files = shardFiles(ref.name);
  const x = decodeNpy(await cache.read(ref.stage, ref.key, files.x), files.x);
  const y = decodeNpy(await cache.read(ref.stage, ref.key, files.y), files.y);
  if (!(x.data instanceof Uint8Array || x.data instanceof Float32Array)) {
    throw new Error(`${ref.stage}/${ref.key}/${files.x}: expected uint8 or float32 data`);
  }
  if (!(y.data instanceof Float32Array)) throw new Error(`${ref.stage}/${ref.key}/${files.y}: expected float32 labels`);
  return { x: x.data, xShape: x.shape, y: y.data, numClasses: y.shape[1] ?? 0 };
}

/** Images [offset, offset + count) of a split as a shard, with one-hot labels. */
export function datasetShard(ds: ImageDataset, offset: number, count: number): ShardArrays {
  const sample = ds.height * ds.width * ds.channels;
  return {
    x: ds.images.subarray(offset * sample, (offset + count) * sample),
    xShape: [count, ds.height, ds.width, ds.channels],
    y: oneHot(ds.labels.subarray(offset, offset + count), ds.classNames.length),
    numClasses: ds.classNames.length,
  };
}

/** The most probable class of each label row (one-hot or soft); ties go to the lower index. */
export function labelIndices(y: Float32Array, numClasses: number): Int32Array {
  const n = numClasses > 0 ? Math.floor(y.length / numClasses) : 0;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < numClasses; k++) if (y[i * numClasses + k]! > y[i * numClasses + best]!) best = k;
    labels[i] = best;
  }
  return labels;
}

/** Pixels computed as floats in 0..255, rounded and clamped to bytes: cached images are 8-bit like the originals. */
export function pixelBytes(images: Float32Array): Uint8Array {
  const out = new Uint8Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(images[i]!)));
  return out;
}

/** One shard as an input for the inference loop, kept as stored (8-bit images stay 8-bit until their batch runs), and the class of each sample. */
export interface ShardInput {
  readonly ref: ShardLocation;
  readonly input: ArraySource;
  readonly classes: Int32Array;
}

/**
 * Shards one at a time as inference inputs, so a split passes through
 * memory a shard at a time. Empty shards are skipped; every shard must hold
 * samples of one shape and kind (8-bit images or float features), and there
 * must be at least one sample in all.
 */
export async function* shardInputs(cache: StageCache, refs: readonly ShardLocation[]): AsyncGenerator<ShardInput> {
  let sampleShape: readonly number[] | undefined;
  let kind: string | undefined;
  for (const ref of refs) {
    const shard = await readShard(cache, ref);
    if ((shard.xShape[0] ?? 0) === 0) continue;
    const shape = shard.xShape.slice(1);
    const where = shardPath(ref);
    if (sampleShape && shape.join('×') !== sampleShape.join('×')) throw new DataError(`${where}: samples of shape ${shape.join('×')}, others ${sampleShape.join('×')}`);
    if (kind && shard.x.constructor.name !== kind) throw new DataError(`${where}: mixes 8-bit images and float features with the other shards`);
    sampleShape = shape;
    kind = shard.x.constructor.name;
    yield { ref, input: { data: shard.x, shape: shard.xShape }, classes: labelIndices(shard.y, shard.numClasses) };
  }
  if (!sampleShape) throw noSamplesError(refs);
}

/** The parts one after another (the one part itself when there is one). */
export function concatArrays<T extends Uint8Array | Float32Array | Int32Array>(parts: readonly T[], alloc: (length: number) => T): T {
  if (parts.length === 1) return parts[0]!;
  const out = alloc(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** One-hot rows for integer class labels. */
export function oneHot(labels: Int32Array, numClasses: number): Float32Array {
  const out = new Float32Array(labels.length * numClasses);
  labels.forEach((label, i) => { out[i * numClasses + label] = 1; });
  return out;
}

/**
 * Several shards as one (x, y) pair of tensors. 8-bit images are scaled to
 * [0, 1] (the `inputScale` the lineage records), features are taken as they are.
 */
export async function loadShardTensors(cache: StageCache, refs: readonly ShardLocation[]): Promise<{ x: tf.Tensor; y: tf.Tensor2D; count: number }> {
  const xs: tf.Tensor[] = [];
  const ys: tf.Tensor2D[] = [];
  try {
    for (const ref of refs) {
      const shard = await readShard(cache, ref);
      const count = shard.xShape[0] ?? 0;
      if (count === 0) continue;
      xs.push(tf.tidy(() => {
        const raw = tf.tensor(shard.x, [...shard.xShape], shard.x instanceof Uint8Array ? 'int32' : 'float32');
        return shard.x instanceof Uint8Array ? tf.div(tf.cast(raw, 'float32'), 255) : raw;
      }));
      ys.push(tf.tensor2d(shard.y, [count, shard.numClasses]));
    }
    if (xs.length === 0) throw noSamplesError(refs);
    const x = xs.length === 1 ? xs[0]!.clone() : tf.concat(xs);
    const y = ys.length === 1 ? ys[0]!.clone() : tf.concat(ys);
    return { x, y, count: x.shape[0] ?? 0 };
  } finally {
    tf.dispose([...xs, ...ys]);
  }
}

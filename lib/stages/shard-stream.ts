/**
 * A split streamed from its shards for training, so that training holds a
 * window of shards, not the split: each epoch visits the shards in an order
 * keyed by (seed, epoch), `windowShards` at a time; the rows of a window are
 * shuffled together and handed out in chunks of at most `chunkRows` rows, as
 * tensors the caller disposes. Memory is one window (its JavaScript arrays
 * and its rows as tensors), whatever the split's size.
 *
 * The shuffle is a windowed one: two rows meet in one batch only when their
 * shards share a window in that epoch. With ingest's shards drawn from a
 * hash of each image, every shard is a random sample of its split, so a
 * window of two or more shards mixes classes as a global permutation does.
 */
import * as tf from '@tensorflow/tfjs-node';
import { KeyedRandom, seededShuffle } from '../data/random';
import { DataError } from '../errors';
import type { StageCache } from '../store/cache';
import { labelIndices, noSamplesError, readShard, type ShardArrays, type ShardLocation } from './shards';

/** A shard with its sample count (a `ShardRef` is one). */
export interface CountedShard extends ShardLocation {
  readonly count: number;
}

export interface ShardChunk {
  /** Rows as the model takes them: 8-bit images scaled to [0, 1], features as stored. */
  readonly x: tf.Tensor;
  /** Label rows (one-hot or soft). */
  readonly y: tf.Tensor2D;
  readonly rows: number;
}

export interface ShardStreamOptions {
  /** Most rows in one chunk. */
  readonly chunkRows: number;
  /** Shards whose rows are shuffled together [2]. */
  readonly windowShards?: number;
  /** Shuffle the shard order and the rows of each window [true]; false reads the split in order (validation). */
  readonly shuffle?: boolean;
  /** Keys the order with `epoch` [0]. */
  readonly seed?: number;
}

/** Key of the shard-order and row streams, apart from other uses of the seed. */
const STREAM_KEY = 0x5a4d;

export class ShardStream {
  /** Samples in the split. */
  readonly rows: number;

  constructor(private readonly cache: StageCache, private readonly shards: readonly CountedShard[]) {
    this.rows = shards.reduce((sum, s) => sum + s.count, 0);
    if (this.rows === 0) throw noSamplesError(shards);
  }

  /** Samples per class (by each label row's most probable class), read a shard at a time: for class weights. */
  async classCounts(): Promise<number[]> {
    const counts: number[] = [];
    for (const ref of this.shards) {
      const shard = await readShard(this.cache, ref);
      for (let k = counts.length; k < shard.numClasses; k++) counts.push(0);
      for (const c of labelIndices(shard.y, shard.numClasses)) counts[c]! += 1;
    }
    return counts;
  }

  /** One epoch's rows, in chunks; the caller disposes each chunk's tensors. */
  async *epoch(epoch: number, options: ShardStreamOptions): AsyncGenerator<ShardChunk> {
    const { chunkRows, windowShards = 2, shuffle = true, seed = 0 } = options;
    if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError(`chunkRows must be a positive integer, got ${chunkRows}`);
    if (!Number.isInteger(windowShards) || windowShards < 1) throw new RangeError(`windowShards must be a positive integer, got ${windowShards}`);
    const order = shuffle ? seededShuffle(this.shards, new KeyedRandom(seed, STREAM_KEY, epoch)) : this.shards;
    for (let w = 0; w < order.length; w += windowShards) {
      const window: ShardArrays[] = [];
      for (const ref of order.slice(w, w + windowShards)) {
        const shard = await readShard(this.cache, ref);
        if ((shard.xShape[0] ?? 0) > 0) window.push(shard);
      }
      if (window.length === 0) continue;
      const rows = joinRows(window);
      const perm = Int32Array.from({ length: rows.count }, (_, i) => i);
      if (shuffle) {
        const rng = new KeyedRandom(seed, STREAM_KEY, epoch, w);
        for (let i = perm.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [perm[i], perm[j]] = [perm[j]!, perm[i]!];
        }
      }
      for (let start = 0; start < rows.count; start += chunkRows) {
        const idx = perm.subarray(start, Math.min(rows.count, start + chunkRows));
        yield chunkOf(rows, idx);
      }
    }
  }
}

interface JoinedRows {
  readonly x: Uint8Array | Float32Array;
  readonly sampleShape: readonly number[];
  readonly y: Float32Array;
  readonly numClasses: number;
  readonly count: number;
}

/** A window's shards as one set of rows; they must agree on sample shape, kind and classes. */
function joinRows(shards: readonly ShardArrays[]): JoinedRows {
  const first = shards[0]!;
  const sampleShape = first.xShape.slice(1);
  for (const s of shards) {
    if (s.xShape.slice(1).join('×') !== sampleShape.join('×')) throw new DataError(`shards of samples ${s.xShape.slice(1).join('×')} and ${sampleShape.join('×')} in one split`);
    if (s.x.constructor !== first.x.constructor) throw new DataError('a split mixes 8-bit images and float features');
    if (s.numClasses !== first.numClasses) throw new DataError(`shards of ${s.numClasses} and ${first.numClasses} classes in one split`);
  }
  if (shards.length === 1) return { x: first.x, sampleShape, y: first.y, numClasses: first.numClasses, count: first.xShape[0]! };
  const count = shards.reduce((a, s) => a + s.xShape[0]!, 0);
  const sample = sampleShape.reduce((a, b) => a * b, 1);
  const x = first.x instanceof Uint8Array ? new Uint8Array(count * sample) : new Float32Array(count * sample);
  const y = new Float32Array(count * first.numClasses);
  let row = 0;
  for (const s of shards) {
    x.set(s.x, row * sample);
    y.set(s.y, row * first.numClasses);
    row += s.xShape[0]!;
  }
  return { x, sampleShape, y, numClasses: first.numClasses, count };
}

/** Rows `idx` of a window as tensors: gathered in JavaScript, so only the chunk crosses to the backend. */
function chunkOf(rows: JoinedRows, idx: Int32Array): ShardChunk {
  const sample = rows.sampleShape.reduce((a, b) => a * b, 1);
  const k = rows.numClasses;
  const x = new Float32Array(idx.length * sample);
  const y = new Float32Array(idx.length * k);
  const bytes = rows.x instanceof Uint8Array;
  idx.forEach((r, i) => {
    const src = rows.x.subarray(r * sample, (r + 1) * sample);
    // Divided, not multiplied by 1/255: the same floats as loadShardTensors gives.
    if (bytes) for (let j = 0; j < sample; j++) x[i * sample + j] = src[j]! / 255;
    else x.set(src, i * sample);
    y.set(rows.y.subarray(r * k, (r + 1) * k), i * k);
  });
  return { x: tf.tensor(x, [idx.length, ...rows.sampleShape]), y: tf.tensor2d(y, [idx.length, k]), rows: idx.length };
}

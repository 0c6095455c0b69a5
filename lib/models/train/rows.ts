/**
 * Where a training stage's rows come from, an epoch at a time: tensors
 * already in memory, or (for splits larger than memory should hold) a
 * stream that reads them in chunks (`lib/stages/shard-rows.ts`).
 */
import * as tf from '@tensorflow/tfjs-node';
import { epochPermutation } from './rng';

/**
 * Whether every label row sums to 1 (one-hot, or soft labels that are
 * distributions): the fused gradient softmax − y assumes it.
 */
export function labelsAreDistributions(y: tf.Tensor): boolean {
  const worst = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.sum(y, -1), 1))));
  try {
    return worst.dataSync()[0]! <= 1e-5;
  } finally {
    worst.dispose();
  }
}

/** Inputs and their label rows; the receiver disposes both. */
export interface RowChunk {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

export interface Rows {
  readonly count: number;
  /** One row's shape (features [d] or [h, w, c], images [h, w, c]). */
  readonly rowShape: readonly number[];
  /** Whether every label row sums to 1 (the fused head step's gradient assumes it). */
  labelsAreDistributions(): Promise<boolean>;
  /** Rows per class, soft labels by their shares. */
  classCounts(): Promise<number[]>;
  /**
   * An epoch's rows in chunks of at most `chunkRows`: shuffled by (seed,
   * epoch) when `seed` is given, else in order. The same arguments give the
   * same chunks, so a resumed epoch sees what the first attempt saw.
   */
  chunks(epoch: number, chunkRows: number, seed: number | null): AsyncIterable<RowChunk>;
}

/** Rows held as two tensors (not owned: the caller disposes them). */
export class TensorRows implements Rows {
  readonly count: number;
  readonly rowShape: readonly number[];

  constructor(private readonly x: tf.Tensor, private readonly y: tf.Tensor) {
    this.count = x.shape[0] ?? 0;
    this.rowShape = x.shape.slice(1);
  }

  async labelsAreDistributions(): Promise<boolean> {
    return labelsAreDistributions(this.y);
  }

  async classCounts(): Promise<number[]> {
    const sums = tf.tidy(() => tf.sum(this.y, 0));
    try {
      return Array.from(await sums.data());
    } finally {
      sums.dispose();
    }
  }

  async *chunks(epoch: number, chunkRows: number, seed: number | null): AsyncIterable<RowChunk> {
    const order = seed === null ? null : epochPermutation(this.count, seed, epoch);
    for (let start = 0; start < this.count; start += chunkRows) {
      const end = Math.min(this.count, start + chunkRows);
      yield tf.tidy(() => {
        if (order === null) return { x: this.x.slice(start, end - start), y: this.y.slice(start, end - start) };
        const idx = tf.tensor1d(order.subarray(start, end), 'int32');
        return { x: tf.gather(this.x, idx), y: tf.gather(this.y, idx) };
      });
    }
  }
}

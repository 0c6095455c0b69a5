/**
 * A training stage's split as `Rows`: loaded into memory when it fits the
 * training memory budget (fastest: every epoch gathers from tensors), else
 * streamed from its shards an epoch at a time (`ShardStream`), so memory
 * stays bounded by the budget whatever the split's size.
 */
import type * as tf from '@tensorflow/tfjs-node';
import { WorkerConfigError } from '../errors';
import { TensorRows, type RowChunk, type Rows } from '../models/train/rows';
import type { StageCache } from '../store/cache';
import { ShardStream, type CountedShard } from './shard-stream';
import { loadShardTensors } from './shards';

/** The budget when `GRAFT_TRAIN_MEMORY_MB` is not set. */
export const DEFAULT_TRAIN_MEMORY_MB = 256;

/** Bytes a training stage may hold of one split, from `GRAFT_TRAIN_MEMORY_MB`. */
export function trainMemoryBudgetBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GRAFT_TRAIN_MEMORY_MB;
  if (raw === undefined || raw.trim() === '') return DEFAULT_TRAIN_MEMORY_MB * 1024 * 1024;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb < 0) throw new WorkerConfigError(`GRAFT_TRAIN_MEMORY_MB must be a number of megabytes ≥ 0, got ${JSON.stringify(raw)}`);
  return mb * 1024 * 1024;
}

/** A split streamed from its shards; label rows are one-hot or mixes, so distributions by construction. */
export class ShardRows implements Rows {
  private readonly stream: ShardStream;
  readonly count: number;

  constructor(cache: StageCache, shards: readonly CountedShard[], readonly rowShape: readonly number[]) {
    this.stream = new ShardStream(cache, shards);
    this.count = this.stream.rows;
  }

  async labelsAreDistributions(): Promise<boolean> {
    return true;
  }

  classCounts(): Promise<number[]> {
    return this.stream.classCounts();
  }

  async *chunks(epoch: number, chunkRows: number, seed: number | null): AsyncIterable<RowChunk> {
    for await (const chunk of this.stream.epoch(epoch, { chunkRows, shuffle: seed !== null, seed: seed ?? 0 })) {
      yield { x: chunk.x, y: chunk.y };
    }
  }
}

export interface OpenedRows {
  readonly rows: Rows;
  /** Whether the split was loaded (true) or is streamed (false). */
  readonly inMemory: boolean;
  dispose(): void;
}

/** The split in memory if its float rows fit `budgetBytes`, else streamed. */
export async function openRows(
  cache: StageCache, shards: readonly CountedShard[], rowShape: readonly number[], budgetBytes: number,
): Promise<OpenedRows> {
  const count = shards.reduce((sum, s) => sum + s.count, 0);
  const bytes = count * rowShape.reduce((a, b) => a * b, 1) * 4;
  if (bytes > budgetBytes) return { rows: new ShardRows(cache, shards, rowShape), inMemory: false, dispose: () => {} };
  const { x, y } = await loadShardTensors(cache, shards);
  const owned: tf.Tensor[] = [x, y];
  return { rows: new TensorRows(x, y), inMemory: true, dispose: () => owned.forEach((t) => t.dispose()) };
}

import * as tf from '@tensorflow/tfjs-node';
import { DataError } from '../../../lib/errors';
import { ShardStream, type CountedShard } from '../../../lib/stages/shard-stream';
import { loadShardTensors, oneHot, writeShard } from '../../../lib/stages/shards';
import { StageCache } from '../../../lib/store/cache';
import { MemoryStore } from '../../support/memory-store';

/** Five shards of 1×2 images whose first pixel numbers the row (0..22), labels row % 3. */
async function split(): Promise<{ cache: StageCache; refs: CountedShard[] }> {
  const cache = new StageCache(new MemoryStore());
  const writer = cache.writer('ingest', 'k');
  const counts = [5, 5, 5, 5, 3];
  const refs: CountedShard[] = [];
  let row = 0;
  for (const [i, count] of counts.entries()) {
    const rows = Array.from({ length: count }, (_, r) => row + r);
    const x = Uint8Array.from(rows.flatMap((r) => [r, 255 - r]));
    await writeShard(writer, `train-${i}`, { x, xShape: [count, 1, 2, 1], y: oneHot(Int32Array.from(rows.map((r) => r % 3)), 3), numClasses: 3 });
    refs.push({ stage: 'ingest', key: 'k', name: `train-${i}`, count });
    row += count;
  }
  await writer.commit();
  return { cache, refs };
}

/** Every chunk of an epoch: the row numbers in order and the chunk sizes. */
async function epochRows(stream: ShardStream, epoch: number, options: Parameters<ShardStream['epoch']>[1]): Promise<{ rows: number[]; sizes: number[] }> {
  const rows: number[] = [];
  const sizes: number[] = [];
  for await (const chunk of stream.epoch(epoch, options)) {
    const x = await chunk.x.data();
    const classes = chunk.y.argMax(-1);
    const y = await classes.data();
    classes.dispose();
    for (let i = 0; i < chunk.rows; i++) {
      const r = Math.round(x[2 * i]! * 255);
      expect(y[i]).toBe(r % 3); // labels travel with their rows
      rows.push(r);
    }
    sizes.push(chunk.rows);
    tf.dispose([chunk.x, chunk.y]);
  }
  return { rows, sizes };
}

describe('ShardStream: a split streamed from its shards for training', () => {
  it('visits every row once an epoch, in chunks of at most chunkRows, in an order keyed by (seed, epoch)', async () => {
    const { cache, refs } = await split();
    const stream = new ShardStream(cache, refs);
    expect(stream.rows).toBe(23);
    const before = tf.memory().numTensors;
    const a = await epochRows(stream, 0, { chunkRows: 4, seed: 7 });
    expect([...a.rows].sort((p, q) => p - q)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(Math.max(...a.sizes)).toBeLessThanOrEqual(4);
    expect(a.rows).not.toEqual([...a.rows].sort((p, q) => p - q));
    expect(await epochRows(stream, 0, { chunkRows: 4, seed: 7 })).toEqual(a);
    expect((await epochRows(stream, 1, { chunkRows: 4, seed: 7 })).rows).not.toEqual(a.rows);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without shuffle reads the split in order; rows are the same floats loadShardTensors gives', async () => {
    const { cache, refs } = await split();
    const stream = new ShardStream(cache, refs);
    expect((await epochRows(stream, 0, { chunkRows: 100, shuffle: false, windowShards: 5 })).rows).toEqual(Array.from({ length: 23 }, (_, i) => i));
    const whole = await loadShardTensors(cache, refs);
    const chunks: tf.Tensor[] = [];
    for await (const chunk of stream.epoch(0, { chunkRows: 6, shuffle: false })) {
      chunks.push(chunk.x);
      chunk.y.dispose();
    }
    const joined = tf.concat(chunks);
    expect(Array.from(await joined.data())).toEqual(Array.from(await whole.x.data()));
    tf.dispose([joined, ...chunks, whole.x, whole.y]);
  });

  it('counts the samples of each class a shard at a time; an empty split is a DataError', async () => {
    const { cache, refs } = await split();
    expect(await new ShardStream(cache, refs).classCounts()).toEqual([8, 8, 7]);
    expect(() => new ShardStream(cache, [])).toThrow(DataError);
  });
});

import { DataError } from '../../../lib/errors';
import { StageCache } from '../../../lib/store/cache';
import { datasetShard, labelIndices, pixelBytes, shardInputs, writeShard } from '../../../lib/stages/shards';
import type { ImageDataset } from '../../../lib/data/types';
import { MemoryStore } from '../../support/memory-store';

const dataset = (n: number): ImageDataset => ({
  images: Uint8Array.from({ length: n * 4 }, (_, i) => i),
  labels: Int32Array.from({ length: n }, (_, i) => i % 3),
  height: 2, width: 2, channels: 1, classNames: ['a', 'b', 'c'],
} as ImageDataset);

describe('shards as the stages write and read them', () => {
  it('datasetShard: the images of a range with one-hot labels', () => {
    const shard = datasetShard(dataset(5), 1, 3);
    expect(shard.xShape).toEqual([3, 2, 2, 1]);
    expect(Array.from(shard.x)).toEqual(Array.from({ length: 12 }, (_, i) => i + 4));
    expect(Array.from(shard.y)).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 0]);
    expect(shard.numClasses).toBe(3);
  });

  it('labelIndices: the most probable class of one-hot and soft rows, the lower index on a tie', () => {
    expect(Array.from(labelIndices(Float32Array.from([0, 1, 0, 0.2, 0.3, 0.5, 0.5, 0.5, 0]), 3))).toEqual([1, 2, 0]);
  });

  it('pixelBytes: rounds and clamps computed pixels to 0..255', () => {
    expect(Array.from(pixelBytes(Float32Array.from([-3, 0.4, 0.5, 127.6, 254.5, 300])))).toEqual([0, 0, 1, 128, 255, 255]);
  });

  it('shardInputs: one shard at a time, empty ones skipped; features mixed with images is a DataError', async () => {
    const cache = new StageCache(new MemoryStore());
    const writer = cache.writer('ingest', 'k');
    await writeShard(writer, 'test-0', datasetShard(dataset(5), 0, 3));
    await writeShard(writer, 'test-1', datasetShard(dataset(5), 3, 0));
    await writeShard(writer, 'test-2', datasetShard(dataset(5), 3, 2));
    await writeShard(writer, 'feat-0', { x: new Float32Array(8), xShape: [2, 2, 2, 1], y: new Float32Array(6), numClasses: 3 });
    await writer.commit();
    const ref = (name: string) => ({ stage: 'ingest', key: 'k', name });
    const seen: string[] = [];
    for await (const shard of shardInputs(cache, ['test-0', 'test-1', 'test-2'].map(ref))) seen.push(`${shard.ref.name}:${shard.input.shape[0]}:${Array.from(shard.classes).join('')}`);
    expect(seen).toEqual(['test-0:3:012', 'test-2:2:01']);
    const mixed = async () => {
      for await (const shard of shardInputs(cache, ['test-0', 'feat-0'].map(ref))) void shard;
    };
    await expect(mixed()).rejects.toThrow(DataError);
  });

  it('writeShard: the content hash depends on the pixels and labels alone', async () => {
    const cache = new StageCache(new MemoryStore());
    const a = await writeShard(cache.writer('ingest', 'one'), 'train-0', datasetShard(dataset(4), 0, 4));
    const b = await writeShard(cache.writer('ingest', 'two'), 'test-7', datasetShard(dataset(4), 0, 4));
    const c = await writeShard(cache.writer('ingest', 'one'), 'train-0', datasetShard(dataset(4), 0, 3));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

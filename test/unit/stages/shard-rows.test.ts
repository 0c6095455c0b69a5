import * as tf from '@tensorflow/tfjs-node';
import { WorkerConfigError } from '../../../lib/errors';
import { buildHead, disposeModels, trainModel } from '../../../lib/models';
import { DEFAULT_TRAIN_MEMORY_MB, openRows, trainMemoryBudgetBytes } from '../../../lib/stages/shard-rows';
import type { CountedShard } from '../../../lib/stages/shard-stream';
import { oneHot, writeShard } from '../../../lib/stages/shards';
import { StageCache } from '../../../lib/store/cache';
import { MemoryStore } from '../../support/memory-store';

/** Four shards of 6-float feature rows whose first value numbers the row, two separable classes. */
async function features(): Promise<{ cache: StageCache; refs: CountedShard[] }> {
  const cache = new StageCache(new MemoryStore());
  const writer = cache.writer('extract', 'k');
  const refs: CountedShard[] = [];
  for (let i = 0, row = 0; i < 4; i++) {
    const rows = Array.from({ length: 10 }, (_, r) => row + r);
    const x = Float32Array.from(rows.flatMap((r) => [r, r % 2 ? 1 : -1, 0.5, r % 2 ? -0.5 : 0.5, 0, 1]));
    await writeShard(writer, `f-${i}`, { x, xShape: [10, 6], y: oneHot(Int32Array.from(rows.map((r) => r % 2)), 2), numClasses: 2 });
    refs.push({ stage: 'extract', key: 'k', name: `f-${i}`, count: 10 });
    row += 10;
  }
  await writer.commit();
  return { cache, refs };
}

describe('openRows', () => {
  it('loads a split that fits the budget and streams one that does not, with the same rows', async () => {
    const { cache, refs } = await features();
    const loaded = await openRows(cache, refs, [6], 40 * 6 * 4);
    const streamed = await openRows(cache, refs, [6], 40 * 6 * 4 - 1);
    expect([loaded.inMemory, streamed.inMemory]).toEqual([true, false]);
    for (const opened of [loaded, streamed]) {
      expect(opened.rows.count).toBe(40);
      expect(await opened.rows.classCounts()).toEqual([20, 20]);
      const seen: number[] = [];
      for await (const chunk of opened.rows.chunks(3, 16, 7)) {
        seen.push(...Array.from((await chunk.x.data()).filter((_, i) => i % 6 === 0)));
        tf.dispose([chunk.x, chunk.y]);
      }
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
    loaded.dispose();
    streamed.dispose();
  });

  it('trains on a streamed split as on a loaded one (same data, its own shuffle)', async () => {
    const { cache, refs } = await features();
    const streamed = await openRows(cache, refs, [6], 0);
    const validation = await openRows(cache, refs.slice(0, 1), [6], 0);
    const model = buildHead([6], { strategy: 'replace', pooling: 'flatten' }, 2);
    const res = await trainModel(model, { rows: streamed.rows, validation: validation.rows }, {
      epochs: 8, batchSize: 8, optimizer: 'adam', learningRate: 0.1, seed: 1, classWeights: 'balanced', labelSmoothing: 0.05,
    });
    expect(res.history).toHaveLength(8);
    expect(res.history[7]!.val_acc).toBe(1);
    disposeModels(model);
  });
});

describe('trainMemoryBudgetBytes', () => {
  it('reads GRAFT_TRAIN_MEMORY_MB, defaults it, and names it when it is wrong', () => {
    expect(trainMemoryBudgetBytes({})).toBe(DEFAULT_TRAIN_MEMORY_MB * 1024 * 1024);
    expect(trainMemoryBudgetBytes({ GRAFT_TRAIN_MEMORY_MB: '0.5' })).toBe(512 * 1024);
    expect(() => trainMemoryBudgetBytes({ GRAFT_TRAIN_MEMORY_MB: 'lots' })).toThrow(WorkerConfigError);
    expect(() => trainMemoryBudgetBytes({ GRAFT_TRAIN_MEMORY_MB: '-1' })).toThrow(/GRAFT_TRAIN_MEMORY_MB/);
  });
});

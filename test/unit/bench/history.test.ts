import { HISTORY_LIMITS, extractShardsFor, fitPerShard, project, type HistoryMeasurement } from '../../../bench/history';

const measured = (extractShards: number, events: number, bytes: number, largestPayloadBytes: number): HistoryMeasurement =>
  ({ shardSize: 8, images: 300, extractShards, activities: 0, events, bytes, largestPayloadBytes });

describe('history projection', () => {
  it('fits a fixed part and a part per shard through two runs', () => {
    const fit = fitPerShard(measured(10, 120, 0, 0), measured(30, 280, 0, 0), (m) => m.events);
    expect(fit).toEqual({ fixed: 40, perShard: 8 });
  });

  it('counts extract shards per split, augmented copies doubling the training ones', () => {
    // 1000 images: 800 train (7 shards of 128), 100 validation (1), 100 test (1).
    expect(extractShardsFor(1000, 128, { validation: 0.1, test: 0.1 }, false)).toBe(9);
    expect(extractShardsFor(1000, 128, { validation: 0.1, test: 0.1 }, true)).toBe(16);
  });

  it('projects to a size and finds the largest run under the limits', () => {
    const fits = { events: { fixed: 0, perShard: 10 }, bytes: { fixed: 0, perShard: 1000 }, payload: { fixed: 0, perShard: 10 } };
    const at = project(fits, 'test', 1_000_000, 2048);
    expect(at.extractShards).toBe(extractShardsFor(1_000_000, 2048, { validation: 0.1, test: 0.1 }, true));
    expect(at.events).toBe(10 * at.extractShards);
    expect(at.ofLimit).toBeCloseTo(at.events / HISTORY_LIMITS.events);
    // Events are the binding limit here: 51,200 events = 5,120 shards.
    const atMax = project(fits, 'test', at.maxImagesWithinLimits, 2048);
    expect(atMax.ofLimit).toBeLessThanOrEqual(1);
    expect(project(fits, 'test', at.maxImagesWithinLimits + 5_000, 2048).ofLimit).toBeGreaterThan(1);
    expect(at.maxImagesBeforeWarning).toBeLessThan(at.maxImagesWithinLimits);
  });
});

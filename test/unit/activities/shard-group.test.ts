// A shard stage's activity over a group of shards: each shard runs on its
// own, the group reports how many it has committed, and a retry takes what
// its earlier attempt committed even under --no-cache.
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityProgress } from '../../../activities/activity-context';
import { withHeartbeats } from '../../../activities/activity-context';
import type { RunContext, ShardRef, ShardsResult } from '../../../activities/contracts';
import type { RunShard } from '../../../activities/shard-group';
import { runShardGroup } from '../../../activities/shard-group';

const ctx = (noCache: boolean): RunContext => ({ runId: 'r', pipeline: 'p', specHash: 'h', modelSpecHash: 'm', noCache, heartbeatSeconds: 60 });
const sources: ShardRef[] = ['train-0', 'train-1', 'train-2'].map((name, i) => ({ stage: 'ingest', key: 'ingest-key', name, count: 4, offset: 4 * i }));

/** Each shard "computes" unless it may come from the cache, and says which it was. */
function recordingShard(asked: { name: string; noCache: boolean }[]): RunShard {
  return async (source, { noCache }, progress) => {
    asked.push({ name: source.name, noCache });
    await withHeartbeats(progress.position, Promise.resolve()); // as a shard's loading does
    progress.report(source.count, source.count);
    return { outcome: noCache ? 'computed' : 'cached', key: `extract-${source.name}`, seconds: 1, shard: { ...source, stage: 'extract', name: `features-${source.name}` } };
  };
}

describe('runShardGroup', () => {
  it('runs the shards in order and returns one shard and one outcome per source, the group key a digest of theirs', async () => {
    const asked: { name: string; noCache: boolean }[] = [];
    const result = await runShardGroup('extract', ctx(true), sources, recordingShard(asked));
    expect(asked).toEqual(sources.map((s) => ({ name: s.name, noCache: true })));
    expect(result.shards.map((s) => s.name)).toEqual(['features-train-0', 'features-train-1', 'features-train-2']);
    expect(result.outcomes).toEqual(['computed', 'computed', 'computed']);
    expect(result.outcome).toBe('computed');
    expect(result.seconds).toBe(3);
    expect(result.key).toMatch(/^[0-9a-f]{64}$/);
    const alone = await runShardGroup('extract', ctx(true), sources.slice(0, 1), recordingShard([]));
    expect(alone.key).toBe('extract-train-0');
  });

  it('beats after every committed shard, whatever the throttle, and every beat says how many are committed', async () => {
    const env = new MockActivityEnvironment();
    const beats: ActivityProgress[] = [];
    env.on('heartbeat', (details: ActivityProgress) => beats.push(details));
    await env.run(() => runShardGroup('extract', ctx(false), sources, recordingShard([])));
    // Per shard: the loading beat, then the commit beat (the shard's own count is throttled away within the second).
    expect(beats.filter((b) => b.done === undefined).map((b) => b.shardsDone)).toEqual([0, 1, 1, 2, 2, 3]);
    // A retry reads whichever beat reached the server last: none may leave the position out.
    expect(beats.every((b) => b.shards === 3 && b.stage === 'extract' && b.shardsDone !== undefined)).toBe(true);
  });

  it('on a retry under --no-cache, takes the shards the earlier attempt committed from the cache and recomputes the rest', async () => {
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { stage: 'extract', done: 1, total: 4, shardsDone: 2, shards: 3 } });
    const asked: { name: string; noCache: boolean }[] = [];
    const result: ShardsResult = await env.run(() => runShardGroup('extract', ctx(true), sources, recordingShard(asked)));
    expect(asked.map((a) => a.noCache)).toEqual([false, false, true]);
    expect(result.outcomes).toEqual(['cached', 'cached', 'computed']);
  });

  it('keeps reporting what an earlier attempt committed, so that a third attempt still takes it from the cache', async () => {
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { stage: 'extract', shardsDone: 2, shards: 3 } });
    const beats: ActivityProgress[] = [];
    env.on('heartbeat', (details: ActivityProgress) => beats.push(details));
    await env.run(() => runShardGroup('extract', ctx(true), sources, recordingShard([])));
    expect(beats.map((b) => b.shardsDone)).toEqual(expect.arrayContaining([2, 3]));
    expect(Math.min(...beats.map((b) => b.shardsDone!))).toBe(2);
  });

  it('ignores the earlier beats of another stage, and of a first attempt', async () => {
    for (const info of [{ attempt: 2, heartbeatDetails: { stage: 'augment', shardsDone: 2 } }, { attempt: 1, heartbeatDetails: { stage: 'extract', shardsDone: 2 } }]) {
      const asked: { name: string; noCache: boolean }[] = [];
      await new MockActivityEnvironment(info).run(() => runShardGroup('extract', ctx(true), sources, recordingShard(asked)));
      expect(asked.map((a) => a.noCache)).toEqual([true, true, true]);
    }
  });

  it('is skipped when every shard was, and empty of shards then', async () => {
    const skip: RunShard = async (source) => ({ outcome: 'skipped', key: `augment-${source.name}`, seconds: 0 });
    const result = await runShardGroup('augment', ctx(false), sources, skip);
    expect(result).toMatchObject({ outcome: 'skipped', shards: [], outcomes: ['skipped', 'skipped', 'skipped'] });
  });
});

/**
 * A shard stage's activity over a group of shards (augment, extract): the
 * shards run one after another, each cached on its own, so the fan-out of a
 * stage can follow the workers that serve it (a single worker runs the whole
 * stage as one activity) without making a lost shard more work.
 */
import { createHash } from 'node:crypto';
import { combinedOutcome } from '../lib/stages/outcomes';
import type { RunContext, ShardRef, ShardsResult, StageOutcome } from './contracts';
import type { ActivityProgress } from './activity-context';
import { attempt, heartbeat, heartbeatResumePoint, previousAttemptProgress } from './activity-context';

/** One shard's work: its cache key, how it came to be, and the shard it made (none when there was nothing to make). */
export interface ShardRun {
  readonly outcome: StageOutcome;
  readonly key: string;
  readonly seconds: number;
  readonly shard?: ShardRef;
}

/**
 * One shard's progress, always with the group's position in it: a retry
 * reads `shardsDone` from whatever beat reached the server last, so that
 * no beat of the group may leave it out.
 */
export interface ShardProgress {
  /** The group's position, for beats with no count of their own (`withHeartbeats` while loading). */
  readonly position: ActivityProgress;
  /** Reports items done of the shard's total. */
  report(done: number, total: number): void;
}

/** Computes one shard; its `ctx` is the run's, without `--no-cache` for a shard an earlier attempt of this activity committed. */
export type RunShard = (source: ShardRef, ctx: RunContext, progress: ShardProgress) => Promise<ShardRun>;

export async function runShardGroup(stage: 'augment' | 'extract', ctx: RunContext, sources: readonly ShardRef[], runShard: RunShard): Promise<ShardsResult> {
  // Under --no-cache a retry still takes what its earlier attempt committed: this run made it.
  const earlier = attempt() > 1 ? previousAttemptProgress() : undefined;
  const finishedEarlier = earlier?.stage === stage ? earlier.shardsDone ?? 0 : 0;
  const shards = sources.length;
  const runs: ShardRun[] = [];
  for (const [index, source] of sources.entries()) {
    // Shards before `finishedEarlier` are committed whatever this attempt has reached: a third attempt must still know.
    const position = { stage, shardsDone: Math.max(index, finishedEarlier), shards };
    const progress: ShardProgress = { position, report: (done, total) => heartbeat({ ...position, done, total }) };
    runs.push(await runShard(source, { ...ctx, noCache: ctx.noCache && index >= finishedEarlier }, progress));
    heartbeatResumePoint({ stage, shardsDone: Math.max(index + 1, finishedEarlier), shards });
  }
  return {
    outcome: combinedOutcome(runs.map((r) => r.outcome)),
    key: groupKey(runs.map((r) => r.key)),
    seconds: runs.reduce((sum, r) => sum + r.seconds, 0),
    shards: runs.flatMap((r) => (r.shard ? [r.shard] : [])),
    outcomes: runs.map((r) => r.outcome),
  };
}

/** A group's key: its one shard's, or a digest of its shards' keys in order. */
function groupKey(keys: readonly string[]): string {
  return keys.length === 1 ? keys[0]! : createHash('sha256').update(keys.join('\n')).digest('hex');
}

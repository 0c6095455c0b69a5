/**
 * What an activity may touch outside its inputs: the store and its cache,
 * plus progress that works both inside a Temporal worker (heartbeats, the
 * activity logger) and when a stage is called directly (benchmarks, tests).
 */
import { Context } from '@temporalio/activity';
import type { ObjectStore } from '../lib/store/object-store';
import { StageCache } from '../lib/store/cache';

export interface ActivityDeps {
  readonly store: ObjectStore;
}

export interface StageEnv {
  readonly store: ObjectStore;
  readonly cache: StageCache;
}

export function stageEnv(deps: ActivityDeps): StageEnv {
  return { store: deps.store, cache: new StageCache(deps.store) };
}

/** Progress a long activity reports; `graft status` shows it from the pending activity's heartbeat. */
export interface ActivityProgress {
  readonly stage: string;
  readonly epoch?: number;
  readonly epochs?: number;
  readonly batch?: number;
  readonly batches?: number;
  readonly done?: number;
  readonly total?: number;
  readonly loss?: number;
  /**
   * Shard stages: shards of this activity's group finished (committed to the
   * cache) and in all. A retry reads it back from the last beat.
   */
  readonly shardsDone?: number;
  readonly shards?: number;
}

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called directly, outside a worker
  }
}

/**
 * Progress beats closer together than this are dropped here: the SDK encodes
 * and hands every beat to its core, which throttles what reaches the server
 * anyway, and a training loop would beat once per batch. A quarter of a
 * short heartbeat timeout, when one is set, keeps the activity alive.
 */
const PROGRESS_BEAT_MS = 1_000;
const lastProgressBeat = new WeakMap<Context, number>();

/** The last beat of a loop (its final batch or item): always sent, so that status shows it. */
function isFinal(progress: ActivityProgress): boolean {
  return (progress.batches !== undefined && progress.batch === progress.batches)
    || (progress.total !== undefined && progress.done === progress.total);
}

/** Reports progress, at most about once a second per activity; the first and the final beats always go. */
export function heartbeat(progress: ActivityProgress): void {
  const context = currentContext();
  if (!context) return;
  // Monotonic: a wall clock stepped back would silence the beats.
  const now = performance.now();
  const last = lastProgressBeat.get(context);
  const interval = Math.min(PROGRESS_BEAT_MS, (context.info.heartbeatTimeoutMs ?? Infinity) / 4);
  if (last !== undefined && now - last < interval && !isFinal(progress)) return;
  send(context, progress, now);
}

/** Reports a point a retry can resume from (a shard of a group just committed): sent whatever the throttle. */
export function heartbeatResumePoint(progress: ActivityProgress): void {
  const context = currentContext();
  if (context) send(context, progress, performance.now());
}

function send(context: Context, progress: ActivityProgress, now: number): void {
  lastProgressBeat.set(context, now);
  context.heartbeat(progress);
}

/** The progress of the last beat that reached the server from this activity's earlier attempt, if any. */
export function previousAttemptProgress(): ActivityProgress | undefined {
  const details: unknown = currentContext()?.info.heartbeatDetails;
  return typeof details === 'object' && details !== null && typeof (details as ActivityProgress).stage === 'string' ? details as ActivityProgress : undefined;
}

/**
 * Heartbeats every few seconds while `work` is pending, for awaited work with
 * no progress of its own (reading a dataset, loading shards, fetching a model):
 * without it a long read would pass the heartbeat timeout and look like a dead worker.
 */
export async function withHeartbeats<T>(progress: ActivityProgress, work: Promise<T>, everyMs = 5_000): Promise<T> {
  const context = currentContext();
  if (!context) return work;
  context.heartbeat(progress);
  const timer = setInterval(() => context.heartbeat(progress), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** The attempt number of the running activity (1 outside a worker). */
export function attempt(): number {
  return currentContext()?.info.attempt ?? 1;
}

/** One progress line: to the worker's log inside Temporal, to stderr otherwise. */
export function stageLog(line: string): void {
  const context = currentContext();
  if (context) context.log.info(line);
  if (!context || process.env.GRAFT_PROGRESS !== '0') process.stderr.write(`${line}\n`);
}

/**
 * Lets the event loop run between batches of native work. The worker's
 * Temporal polling, workflow tasks, queries and heartbeats share this
 * thread; without a yield a long training loop starves them.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

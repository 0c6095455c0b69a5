import { ActivityFailure, ApplicationFailure, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { GraftActivities } from '../activities';
import type { FanOut, RunContext, StageName, StageReport, StageResult } from '../activities/contracts';
import type { PipelineSpec } from '../pipelines/schema';
// Errors a retry cannot fix, from Graft's one error table: the activity says so, and the policy agrees.
import { NON_RETRYABLE_ERROR_TYPES } from '../lib/errors';
import { retrainGate } from '../lib/stages/champion';
import { combinedOutcome } from '../lib/stages/outcomes';
import type { PipelineRunResult, RunProgress, StageProgress } from './progress';
import { progressQuery } from './progress';
import { runStagePlan } from './stage-plan';

export interface PipelineRunInput {
  readonly spec: PipelineSpec;
  /** `specHash(spec)`, computed by the client (hashing needs Node's crypto, outside the sandbox). */
  readonly specHash: string;
  /** `modelSpecHash(spec)`, also by the client: the spec without the fields that do not change the model. */
  readonly modelSpecHash: string;
  /** `--no-cache`: recompute every stage. */
  readonly noCache?: boolean;
  /**
   * End early when both the data's fingerprint and the model-spec hash equal
   * the current model's (scheduled runs); the name predates the spec check.
   */
  readonly onlyIfDataChanged?: boolean;
  /** Seconds without a heartbeat before a long activity is retried elsewhere [60]. */
  readonly heartbeatSeconds?: number;
  /** Images per shard: the unit of caching and of memory [`defaultShardSize` of the dataset]. */
  readonly shardSize?: number;
  /**
   * Activities per shard stage, per queue: the workers serving it when the
   * run started (`graft run` counts them). Absent: one activity per shard,
   * which suits any number of workers (scheduled runs, whose input is fixed when the schedule is made).
   */
  readonly fanOut?: FanOut;
}


function activities(taskQueue: string, options: Partial<ActivityOptions>) {
  return proxyActivities<GraftActivities>({
    taskQueue,
    startToCloseTimeout: '2 hours',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
    ...options,
  });
}

/**
 * The durable pipeline: ingest → augment (per group of shards) → extract (per group) →
 * train head → fine-tune (optional) → evaluate → publish. `mode: retrain`
 * trains the whole network on images instead of extract + head. Every stage
 * is content-addressed: a re-run or a resumed run takes finished stages from
 * the cache and training from its last checkpoint.
 */
export async function pipelineWorkflow(input: PipelineRunInput): Promise<PipelineRunResult> {
  const { spec } = input;
  const runContext: RunContext = {
    runId: workflowInfo().workflowId,
    pipeline: spec.name,
    specHash: input.specHash,
    modelSpecHash: input.modelSpecHash,
    noCache: input.noCache ?? !spec.cache,
    heartbeatSeconds: input.heartbeatSeconds ?? 60,
  };
  const heartbeatTimeout = runContext.heartbeatSeconds * 1000;
  const cpu = activities(spec.queues.cpu, { heartbeatTimeout });
  const gpu = activities(spec.queues.gpu, { heartbeatTimeout });

  const progress: RunProgress = { pipeline: spec.name, runId: runContext.runId, status: 'running', stages: {}, evaluations: [] };
  setHandler(progressQuery, () => progress);

  // A cached output that a later stage needed was lost (deleted or corrupt, so
  // its manifest was dropped): run the stages again. Finished ones come from
  // the cache and the lost entry is recomputed; --no-cache applied to the first pass only.
  for (let pass = 1; ; pass++) {
    try {
      return await runStages(pass === 1 ? runContext : { ...runContext, noCache: false });
    } catch (err) {
      const lost = lostCacheEntryMessage(err);
      if (lost === undefined || pass >= MAX_PASSES) throw err;
      log.warn(`pass ${pass}: ${lost}; running the stages again`);
      Object.assign(progress, { status: 'running', stages: {}, evaluations: [], note: `pass ${pass + 1}: recomputing a lost cache entry` });
    }
  }

  async function runStages(ctx: RunContext): Promise<PipelineRunResult> {
    const reports: StageReport[] = [];
    // One activity looks the whole plan up in the cache; the stages it found run no activity of their own.
    const layout = { ...(input.shardSize ? { shardSize: input.shardSize } : {}), ...(input.fanOut ? { fanOut: input.fanOut } : {}) };
    const cached = ctx.noCache ? undefined : await cpu.lookupPlan({ ctx, spec, ...layout, publish: true });

    /** Runs the activities of one stage (one per group of shards, or one), keeping progress in shards and the stage report. */
    async function stage<R extends StageResult>(name: StageName, calls: (() => Promise<R>)[], shards?: readonly number[]): Promise<R[]> {
      const shardsOf = (i: number) => shards?.[i] ?? 1;
      const state: StageProgress = { status: 'running', done: 0, total: calls.reduce((n, _call, i) => n + shardsOf(i), 0), seconds: 0 };
      progress.stages[name] = state;
      try {
        const running = calls.map(async (call, i) => {
          const result = await call();
          state.done += shardsOf(i);
          return result;
        });
        const results = await Promise.all(running).catch(async (err: unknown) => {
          // Let this pass's other activities end before the next pass starts the same work.
          if (lostCacheEntryMessage(err) !== undefined) await Promise.allSettled(running);
          throw err;
        });
        // A shard stage's results say each shard's outcome; other stages have one.
        const outcomes = results.flatMap((r) => r.outcomes ?? [r.outcome]);
        state.status = combinedOutcome(outcomes);
        state.seconds = results.reduce((sum, r) => sum + r.seconds, 0);
        if (new Set(outcomes).size > 1) state.note = `${outcomes.filter((o) => o === 'cached').length}/${outcomes.length} cached`;
        reports.push({ stage: name, outcome: state.status, seconds: state.seconds, shards: state.total });
        return results;
      } catch (err) {
        state.status = 'failed';
        progress.status = 'failed';
        throw err;
      }
    }

    const result = await runStagePlan({ spec, ctx, cpu, gpu, ...layout, ...(cached ? { cached } : {}) }, {
      stage,
      async publish(call) {
        const state: StageProgress = { status: 'running', done: 0, total: 1, seconds: 0 };
        progress.stages.publish = state;
        const published = await call().catch((err: unknown) => {
          state.status = 'failed';
          progress.status = 'failed';
          throw err;
        });
        Object.assign(state, { status: published.outcome, done: 1, seconds: published.seconds });
        reports.push({ stage: 'publish', outcome: published.outcome, seconds: published.seconds });
        progress.published = published;
        return published;
      },
      fail(type, message) {
        progress.status = 'failed';
        throw ApplicationFailure.create({ type, nonRetryable: true, message });
      },
      async afterIngest(ingested) {
        if (!input.onlyIfDataChanged) return undefined;
        const current = await cpu.currentModel({ pipeline: spec.name });
        const gate = retrainGate(current, { fingerprint: ingested.fingerprint, modelSpecHash: input.modelSpecHash });
        if (!gate.retrain) return gate.reason;
        // Say what fired while the run goes on, and in its result.
        progress.reason = `retrain: ${gate.reason}`;
        return undefined;
      },
      evaluated(model, evaluation) {
        progress.evaluations.push({ model, evaluation });
      },
      skippedImages(skipped) {
        progress.skippedImages = skipped;
      },
    }, () => reports);
    const skipped = result.skippedImages ? { skippedImages: result.skippedImages } : {};

    if (result.status === 'skipped') {
      progress.status = 'skipped';
      progress.reason = result.reason!;
      return { status: 'skipped', reason: result.reason!, fingerprint: result.fingerprint, stages: reports, evaluations: [], ...skipped };
    }
    progress.status = 'completed';
    const reason = progress.reason ? { reason: progress.reason } : {};
    return { status: 'completed', ...reason, fingerprint: result.fingerprint, stages: reports, evaluations: progress.evaluations, ...(result.published ? { published: result.published } : {}), ...skipped };
  }
}

/** Passes over the stages before a lost cache entry fails the run. */
const MAX_PASSES = 3;

/** The message of a `CacheEntryLost` failure from an activity, if `err` is one. */
function lostCacheEntryMessage(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === 'CacheEntryLost' ? cause.message : undefined;
}

/**
 * The pipeline's stages called directly in this process, through the same
 * stage plan the workflow executes: the "no Temporal" side of the
 * orchestration benchmark, and the driver of the accuracy experiment. Each
 * stage's wall time is recorded.
 */
import { randomBytes } from 'node:crypto';
import type { ActivityDeps } from '../activities/activity-context';
import { stageEnv } from '../activities/activity-context';
import { createStageActivities } from '../activities/stage-activities';
import type { Evaluation, FanOut, ModelRef, RunContext, StageName, StageReport, StageResult } from '../activities/contracts';
import type { PipelineSpec } from '../pipelines/schema';
import { modelSpecHash, specHash } from '../pipelines/spec-hash';
import { DataError } from '../lib/errors';
import { combinedOutcome } from '../lib/stages/outcomes';
import { runStagePlan } from '../workflows/stage-plan';
import { secondsSince } from './util';

export interface DirectStage {
  readonly stage: StageName;
  /** Wall time of the stage's calls, in order. */
  readonly seconds: number;
  readonly calls: number;
  /** Shards the stage's calls covered (a shard stage's groups), else its calls. */
  readonly shards: number;
  /** Per shard in a shard stage, else per call. */
  readonly outcomes: string[];
}

export interface DirectRunResult {
  readonly runId: string;
  readonly seconds: number;
  readonly stages: DirectStage[];
  readonly evaluations: { readonly model: string; readonly evaluation: Evaluation }[];
  /** The trained model of the last training stage. */
  readonly model: ModelRef;
}

export interface DirectRunOptions {
  readonly noCache?: boolean;
  readonly shardSize?: number;
  /** Activities per shard stage, as `graft run` would give the run [one per shard]. */
  readonly fanOut?: FanOut;
  /** Skip publishing (the accuracy experiment has nothing to publish). */
  readonly publish?: boolean;
}

export type DirectActivities = ReturnType<typeof directActivities>;

/** The stage activities over one store, without Temporal's failure mapping. */
export function directActivities(deps: ActivityDeps) {
  return createStageActivities(stageEnv(deps));
}

/**
 * Runs `spec` through the workflow's own stage plan (workflows/stage-plan.ts),
 * calling the activities in this process, one after another as on a
 * one-slot worker, and timing each stage.
 */
export async function runPipelineDirect(acts: DirectActivities, spec: PipelineSpec, options: DirectRunOptions = {}): Promise<DirectRunResult> {
  const started = process.hrtime.bigint();
  const runId = `${spec.name}-direct-${randomBytes(3).toString('hex')}`;
  const ctx: RunContext = { runId, pipeline: spec.name, specHash: specHash(spec), modelSpecHash: modelSpecHash(spec), noCache: options.noCache ?? !spec.cache, heartbeatSeconds: 60 };
  const stages: DirectStage[] = [];
  const reports: StageReport[] = [];
  const layout = { ...(options.shardSize ? { shardSize: options.shardSize } : {}), ...(options.fanOut ? { fanOut: options.fanOut } : {}) };
  const result = await runStagePlan({ spec, ctx, cpu: acts, gpu: acts, ...layout, publish: options.publish ?? true }, {
    async stage<R extends StageResult>(name: StageName, calls: (() => Promise<R>)[], shardCounts?: readonly number[]): Promise<R[]> {
      const start = process.hrtime.bigint();
      const results: R[] = [];
      for (const call of calls) results.push(await call());
      const shards = shardCounts?.reduce((a, b) => a + b, 0) ?? calls.length;
      const outcomes = results.flatMap((r) => r.outcomes ?? [r.outcome]);
      stages.push({ stage: name, seconds: secondsSince(start), calls: calls.length, shards, outcomes });
      const outcome = combinedOutcome(outcomes);
      reports.push({ stage: name, outcome, seconds: results.reduce((sum, r) => sum + r.seconds, 0), shards });
      return results;
    },
    async publish(call) {
      const start = process.hrtime.bigint();
      const published = await call();
      stages.push({ stage: 'publish', seconds: secondsSince(start), calls: 1, shards: 1, outcomes: [published.outcome] });
      return published;
    },
    fail(_type, message) {
      throw new DataError(message);
    },
  }, () => reports);
  return { runId, seconds: secondsSince(started), stages, evaluations: result.evaluations, model: result.model! };
}

import { ActivityFailure, ApplicationFailure, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { GraftActivities } from '../activities';
import type {
  BaseWeightsRef, EpochMetrics, ExtractResult, ModelRef, RunContext, ShardRef, StageName, StageReport, StageResult,
} from '../activities/contracts';
import type { PipelineSpec } from '../pipelines/schema';
import type { PipelineRunResult, RunProgress, StageProgress } from './progress';
import { progressQuery } from './progress';

export interface PipelineRunInput {
  readonly spec: PipelineSpec;
  /** `specHash(spec)`, computed by the client (hashing needs Node's crypto, outside the sandbox). */
  readonly specHash: string;
  /** `--no-cache`: recompute every stage. */
  readonly noCache?: boolean;
  /** End early when the data's fingerprint equals the current model's (scheduled runs). */
  readonly onlyIfDataChanged?: boolean;
  /** Seconds without a heartbeat before a long activity is retried elsewhere [60]. */
  readonly heartbeatSeconds?: number;
  /** Images per shard: the unit of fan-out and of memory [2048]. */
  readonly shardSize?: number;
}

/** Errors a retry cannot fix: the activity says so, and the policy agrees. */
const PERMANENT = ['SpecError', 'DataError', 'ModelError', 'AccessError', 'StoreConfigError'];

function activities(taskQueue: string, options: Partial<ActivityOptions>) {
  return proxyActivities<GraftActivities>({
    taskQueue,
    startToCloseTimeout: '2 hours',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: PERMANENT },
    ...options,
  });
}

/**
 * The durable pipeline: ingest → augment (per shard) → extract (per shard) →
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

    /** Runs the activities of one stage (one per shard), keeping progress and the stage report. */
    async function stage<R extends StageResult>(name: StageName, calls: (() => Promise<R>)[]): Promise<R[]> {
      const state: StageProgress = { status: 'running', done: 0, total: calls.length, seconds: 0 };
      progress.stages[name] = state;
      try {
        const running = calls.map(async (call) => {
          const result = await call();
          state.done += 1;
          return result;
        });
        const results = await Promise.all(running).catch(async (err: unknown) => {
          // Let this pass's other activities end before the next pass starts the same work.
          if (lostCacheEntryMessage(err) !== undefined) await Promise.allSettled(running);
          throw err;
        });
        const outcomes = new Set(results.map((r) => r.outcome));
        state.status = outcomes.has('resumed') ? 'resumed' : outcomes.has('computed') ? 'computed' : outcomes.has('cached') ? 'cached' : 'skipped';
        state.seconds = results.reduce((sum, r) => sum + r.seconds, 0);
        if (outcomes.size > 1) state.note = `${results.filter((r) => r.outcome === 'cached').length}/${results.length} cached`;
        reports.push({ stage: name, outcome: state.status, seconds: state.seconds, shards: calls.length });
        return results;
      } catch (err) {
        state.status = 'failed';
        progress.status = 'failed';
        throw err;
      }
    }

    const [ingested] = await stage('ingest', [() => cpu.ingest({ ctx, dataset: spec.dataset, shardSize: input.shardSize ?? 2048 })]);
    const numClasses = ingested.classNames.length;
    if (numClasses < 2) {
      progress.status = 'failed';
      throw ApplicationFailure.create({ type: 'DataError', nonRetryable: true, message: `dataset has ${numClasses} class; a classifier needs at least 2` });
    }

    if (input.onlyIfDataChanged) {
      const current = await cpu.currentModel({ pipeline: spec.name });
      if (current && current.fingerprint === ingested.fingerprint) {
        progress.status = 'skipped';
        progress.reason = `data unchanged (fingerprint ${ingested.fingerprint.slice(0, 12)}, model ${current.version})`;
        return { status: 'skipped', reason: progress.reason, fingerprint: ingested.fingerprint, stages: reports, evaluations: [] };
      }
    }

    const augmented = await stage('augment', ingested.shards.train.map((source, shardIndex) =>
      () => cpu.augmentShard({ ctx, augment: spec.augment, source, shardIndex, numClasses })));
    const trainShards: ShardRef[] = [
      ...ingested.shards.train,
      ...augmented.flatMap((result) => (result.shard ? [result.shard] : [])),
    ];
    const { validation, test } = ingested.shards;

    const histories: { stage: StageName; history: EpochMetrics[] }[] = [];
    const classNames = ingested.classNames;
    let finalModel: ModelRef;
    let publishOnBase: ModelRef | undefined;
    let baseWeights: BaseWeightsRef | null = null;

    if (spec.mode === 'retrain') {
      const [trained] = await stage('train', [() => gpu.trainImages({ ctx, spec, numClasses, train: trainShards, validation })]);
      histories.push({ stage: 'train', history: trained.history });
      const [evaluated] = await stage('evaluate', [() => gpu.evaluate({ ctx, spec, model: trained.model, inputs: 'images', test, classNames })]);
      progress.evaluations.push({ model: 'retrain', evaluation: evaluated.evaluation });
      finalModel = trained.model;
    } else {
      const [base] = await stage('base', [() => gpu.prepareBase({ ctx, base: spec.base })]);
      baseWeights = base.weights ?? null;
      const extract = (shards: ShardRef[]) => shards.map((source) => () => gpu.extractShard({ ctx, base: base.model, source }));
      const extracted: ExtractResult[] = await stage('extract', [...extract(trainShards), ...extract(validation), ...extract(test)]);
      const features = extracted.map((r) => r.shard);
      const trainFeatures = features.slice(0, trainShards.length);
      const validationFeatures = features.slice(trainShards.length, trainShards.length + validation.length);
      const testFeatures = features.slice(trainShards.length + validation.length);

      const [head] = await stage('train-head', [() => gpu.trainHead({ ctx, spec, base, numClasses, train: trainFeatures, validation: validationFeatures })]);
      histories.push({ stage: 'train-head', history: head.history });
      const evaluations = [() => gpu.evaluate({ ctx, spec, model: head.model, inputs: 'features', test: testFeatures, classNames })];
      finalModel = head.model;
      publishOnBase = base.model;

      if (spec.fineTune) {
        const start = { base: base.model, head: head.model };
        const [tuned] = await stage('fine-tune', [() => gpu.trainImages({ ctx, spec, numClasses, train: trainShards, validation, start })]);
        histories.push({ stage: 'fine-tune', history: tuned.history });
        evaluations.push(() => gpu.evaluate({ ctx, spec, model: tuned.model, inputs: 'images', test, classNames }));
        finalModel = tuned.model;
        publishOnBase = undefined;
      }
      const evaluated = await stage('evaluate', evaluations);
      progress.evaluations.push({ model: 'transfer', evaluation: evaluated[0]!.evaluation });
      if (evaluated[1]) progress.evaluations.push({ model: 'fine-tune', evaluation: evaluated[1].evaluation });
    }

    const evaluation = progress.evaluations[progress.evaluations.length - 1]!.evaluation;
    const publishState: StageProgress = { status: 'running', done: 0, total: 1, seconds: 0 };
    progress.stages.publish = publishState;
    const published = await cpu.publish({
      ctx, spec, model: finalModel, ...(publishOnBase ? { base: publishOnBase } : {}), baseWeights, classNames,
      fingerprint: ingested.fingerprint, evaluation, histories, stages: reports,
      evaluations: progress.evaluations, promoteMargin: spec.schedule?.promoteMargin ?? 0,
    }).catch((err: unknown) => {
      publishState.status = 'failed';
      progress.status = 'failed';
      throw err;
    });
    Object.assign(publishState, { status: 'computed', done: 1, seconds: published.seconds });
    reports.push({ stage: 'publish', outcome: 'computed', seconds: published.seconds });
    progress.published = published;
    progress.status = 'completed';
    return { status: 'completed', fingerprint: ingested.fingerprint, stages: reports, evaluations: progress.evaluations, published };
  }
}

/** Passes over the stages before a lost cache entry fails the run. */
const MAX_PASSES = 3;

/** The message of a `CacheEntryLost` failure from an activity, if `err` is one. */
function lostCacheEntryMessage(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === 'CacheEntryLost' ? cause.message : undefined;
}

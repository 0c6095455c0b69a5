/**
 * The pipeline's stages called directly in this process, in the order and
 * with the inputs `workflows/pipeline.ts` gives them: the "no Temporal" side
 * of the orchestration benchmark, and the driver of the accuracy experiment.
 * Each stage's wall time is recorded.
 */
import { randomBytes } from 'node:crypto';
import type { ActivityDeps } from '../activities/activity-context';
import { stageEnv } from '../activities/activity-context';
import { createAugmentActivity } from '../activities/augment';
import type {
  AugmentResult, EpochMetrics, Evaluation, ExtractResult, ModelRef, RunContext, ShardRef, StageName, StageReport,
} from '../activities/contracts';
import { createEvaluateActivity } from '../activities/evaluate';
import { createBaseActivity, createExtractActivity } from '../activities/extract';
import { createIngestActivity } from '../activities/ingest';
import { createPublishActivity } from '../activities/publish';
import { createTrainHeadActivity, createTrainImagesActivity } from '../activities/train';
import type { PipelineSpec } from '../pipelines/schema';
import { specHash } from '../pipelines/spec-hash';
import { secondsSince } from './util';

export interface DirectStage {
  readonly stage: StageName;
  /** Wall time of the stage's calls, in order. */
  readonly seconds: number;
  readonly calls: number;
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
  /** Skip publishing (the accuracy experiment has nothing to publish). */
  readonly publish?: boolean;
}

export type DirectActivities = ReturnType<typeof directActivities>;

/** The stage activities over one store, without Temporal's failure mapping. */
export function directActivities(deps: ActivityDeps) {
  const env = stageEnv(deps);
  return {
    ingest: createIngestActivity(env),
    augmentShard: createAugmentActivity(env),
    prepareBase: createBaseActivity(env),
    extractShard: createExtractActivity(env),
    trainHead: createTrainHeadActivity(env),
    trainImages: createTrainImagesActivity(env),
    evaluate: createEvaluateActivity(env),
    publish: createPublishActivity(env),
  };
}

/** Runs `spec` stage by stage, as the pipeline workflow would (shards one after another, as on a one-slot worker). */
export async function runPipelineDirect(acts: DirectActivities, spec: PipelineSpec, options: DirectRunOptions = {}): Promise<DirectRunResult> {
  const started = process.hrtime.bigint();
  const runId = `${spec.name}-direct-${randomBytes(3).toString('hex')}`;
  const ctx: RunContext = { runId, pipeline: spec.name, specHash: specHash(spec), noCache: options.noCache ?? !spec.cache, heartbeatSeconds: 60 };
  const stages: DirectStage[] = [];
  const reports: StageReport[] = [];
  async function stage<R extends { outcome: string; seconds: number }>(name: StageName, calls: (() => Promise<R>)[]): Promise<R[]> {
    const start = process.hrtime.bigint();
    const results: R[] = [];
    for (const call of calls) results.push(await call());
    stages.push({ stage: name, seconds: secondsSince(start), calls: calls.length, outcomes: results.map((r) => r.outcome) });
    const outcomes = new Set(results.map((r) => r.outcome));
    const outcome = outcomes.has('computed') ? 'computed' : 'cached';
    reports.push({ stage: name, outcome, seconds: results.reduce((s, r) => s + r.seconds, 0), shards: calls.length });
    return results;
  }

  const [ingested] = await stage('ingest', [() => acts.ingest({ ctx, dataset: spec.dataset, shardSize: options.shardSize ?? 2048 })]);
  const numClasses = ingested!.classNames.length;
  const augmented: AugmentResult[] = await stage('augment', ingested!.shards.train.map((source, shardIndex) =>
    () => acts.augmentShard({ ctx, augment: spec.augment, source, shardIndex, numClasses })));
  const trainShards: ShardRef[] = [...ingested!.shards.train, ...augmented.flatMap((r) => (r.shard ? [r.shard] : []))];
  const { validation, test } = ingested!.shards;
  const classNames = ingested!.classNames;
  const histories: { stage: StageName; history: EpochMetrics[] }[] = [];
  const evaluations: { model: string; evaluation: Evaluation }[] = [];
  let model: ModelRef;
  let publishOnBase: ModelRef | undefined;

  if (spec.mode === 'retrain') {
    const [trained] = await stage('train', [() => acts.trainImages({ ctx, spec, numClasses, train: trainShards, validation })]);
    histories.push({ stage: 'train', history: trained!.history });
    const [evaluated] = await stage('evaluate', [() => acts.evaluate({ ctx, spec, model: trained!.model, inputs: 'images', test, classNames })]);
    evaluations.push({ model: 'retrain', evaluation: evaluated!.evaluation });
    model = trained!.model;
  } else {
    const [base] = await stage('base', [() => acts.prepareBase({ ctx, base: spec.base })]);
    const extract = (shards: ShardRef[]) => shards.map((source) => () => acts.extractShard({ ctx, base: base!.model, source }));
    const extracted: ExtractResult[] = await stage('extract', [...extract(trainShards), ...extract(validation), ...extract(test)]);
    const features = extracted.map((r) => r.shard);
    const trainFeatures = features.slice(0, trainShards.length);
    const validationFeatures = features.slice(trainShards.length, trainShards.length + validation.length);
    const testFeatures = features.slice(trainShards.length + validation.length);
    const [head] = await stage('train-head', [() => acts.trainHead({ ctx, spec, base: base!, numClasses, train: trainFeatures, validation: validationFeatures })]);
    histories.push({ stage: 'train-head', history: head!.history });
    const evaluate = [() => acts.evaluate({ ctx, spec, model: head!.model, inputs: 'features', test: testFeatures, classNames })];
    model = head!.model;
    publishOnBase = base!.model;
    if (spec.fineTune) {
      const start = { base: base!.model, head: head!.model };
      const [tuned] = await stage('fine-tune', [() => acts.trainImages({ ctx, spec, numClasses, train: trainShards, validation, start })]);
      histories.push({ stage: 'fine-tune', history: tuned!.history });
      evaluate.push(() => acts.evaluate({ ctx, spec, model: tuned!.model, inputs: 'images', test, classNames }));
      model = tuned!.model;
      publishOnBase = undefined;
    }
    const evaluated = await stage('evaluate', evaluate);
    evaluations.push({ model: 'transfer', evaluation: evaluated[0]!.evaluation });
    if (evaluated[1]) evaluations.push({ model: 'fine-tune', evaluation: evaluated[1].evaluation });
  }

  if (options.publish ?? true) {
    const evaluation = evaluations[evaluations.length - 1]!.evaluation;
    const start = process.hrtime.bigint();
    await acts.publish({
      ctx, spec, model, ...(publishOnBase ? { base: publishOnBase } : {}), classNames, fingerprint: ingested!.fingerprint,
      evaluation, histories, stages: reports, evaluations, promoteMargin: spec.schedule?.promoteMargin ?? 0,
    });
    stages.push({ stage: 'publish', seconds: secondsSince(start), calls: 1, outcomes: ['computed'] });
  }
  return { runId, seconds: secondsSince(started), stages, evaluations, model };
}

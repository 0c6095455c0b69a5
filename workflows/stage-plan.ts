/**
 * The one stage plan of a pipeline run: which stages run, in which order,
 * with which inputs. The Temporal workflow (workflows/pipeline-workflow.ts) executes
 * it through activity proxies; the benchmarks' direct runner
 * (bench/direct-pipeline.ts) through the same activities called in-process.
 * Pure orchestration: no I/O of its own and nothing non-deterministic, so
 * the workflow sandbox can run it.
 */
import type {
  BaseWeightsRef, EpochMetrics, Evaluation, FanOut, ModelRef, PlanExecutor, PlanInput, PlanLookup, PublishInput, PublishResult,
  ShardRef, SkippedImages, StageName, StageResult,
} from '../activities/contracts';
import type { PipelineSpec } from '../pipelines/schema';

/**
 * Images per shard when the run does not say (the unit of fan-out and of
 * memory): 2048 small images, fewer large ones, so that a shard stays near
 * 1.5 MB of pixels (a 224×224×3 shard holds 64) and a lost shard is little work.
 */
export function defaultShardSize(dataset: Pick<PipelineSpec['dataset'], 'imageSize' | 'channels'>): number {
  const [h, w] = dataset.imageSize;
  const pixels = h * w * dataset.channels;
  return Math.max(64, Math.min(2048, Math.floor((2048 * 784) / pixels)));
}

/**
 * The most shards one activity of a shard stage takes, whatever the fan-out:
 * it bounds an activity's time (its start-to-close timeout), the redone work
 * of a retry, and the shard list in its input and result (payloads stay far
 * under Temporal's 2 MB).
 */
export const MAX_SHARDS_PER_ACTIVITY = 64;

/**
 * Splits a shard stage's shards into at most `groups` contiguous groups of
 * near-equal size, in order (the larger groups first): one activity each.
 */
export function groupShards<T>(shards: readonly T[], groups: number): T[][] {
  const count = Math.max(1, Math.min(shards.length, Math.floor(groups)));
  const out: T[][] = [];
  let start = 0;
  for (let g = 0; g < count && start < shards.length; g++) {
    const size = Math.ceil((shards.length - start) / (count - g));
    out.push(shards.slice(start, start + size));
    start += size;
  }
  return out;
}

/** Skipped images named in a run's progress, result and report; the count covers them all. */
export const SKIPPED_IMAGES_SHOWN = 5;

export type { PlanActivities, PlanExecutor } from '../activities/contracts';

export interface StagePlanInput extends PlanInput {
  /**
   * The plan's cache hits found by one `lookupPlan` call: a call with a hit
   * takes it instead of running its activity, so an unchanged run costs one
   * round trip for the whole plan.
   */
  readonly cached?: PlanLookup;
}

export interface StagePlanResult {
  readonly status: 'completed' | 'skipped';
  readonly reason?: string;
  readonly fingerprint: string;
  readonly evaluations: { readonly model: string; readonly evaluation: Evaluation }[];
  readonly histories: { readonly stage: StageName; readonly history: EpochMetrics[] }[];
  /** The model of the last training stage (for transfer without fine-tuning, the head alone). */
  readonly model?: ModelRef;
  readonly published?: PublishResult;
  /** Images ingest left out; absent when none. */
  readonly skippedImages?: SkippedImages;
}

/**
 * ingest → augment (per group of shards) → base → extract (per group) → train-head →
 * fine-tune (optional) → evaluate → publish; `mode: retrain` trains the whole
 * network on images instead of base + extract + head.
 */
export async function runStagePlan(input: StagePlanInput, executor: PlanExecutor, reports: () => PublishInput['stages']): Promise<StagePlanResult> {
  const { spec, ctx, cpu, gpu } = input;
  const run = input.cached ? withCachedResults(executor, input.cached) : executor;
  const [ingested] = await run.stage('ingest', [() => cpu.ingest({ ctx, dataset: spec.dataset, shardSize: input.shardSize ?? defaultShardSize(spec.dataset) })]);
  const numClasses = ingested!.classNames.length;
  if (numClasses < 2) run.fail('DataError', `dataset has ${numClasses} class; a classifier needs at least 2`);
  // Only the first few travel on: a run's progress and result stay small however many files were bad.
  const skippedCount = ingested!.skippedCount ?? ingested!.skipped.length;
  const skippedImages: SkippedImages | undefined = skippedCount > 0
    ? { count: skippedCount, first: ingested!.skipped.slice(0, SKIPPED_IMAGES_SHOWN) } : undefined;
  const skipped = skippedImages ? { skippedImages } : {};
  if (skippedImages) run.skippedImages?.(skippedImages);
  const skipReason = await run.afterIngest?.(ingested!);
  if (skipReason !== undefined) return { status: 'skipped', reason: skipReason, fingerprint: ingested!.fingerprint, evaluations: [], histories: [], ...skipped };

  // Shard stages: one activity per group of shards, a group per worker of the queue (per shard when the run does not say).
  const groups = (shards: ShardRef[], queue: keyof FanOut) =>
    groupShards(shards, Math.max(input.fanOut?.[queue] ?? shards.length, Math.ceil(shards.length / MAX_SHARDS_PER_ACTIVITY)));
  const sizes = (grouped: ShardRef[][]) => grouped.map((group) => group.length);
  const augmentGroups = groups(ingested!.shards.train, 'cpu');
  const augmented = await run.stage('augment', augmentGroups.map((sources) =>
    () => cpu.augmentShards({ ctx, augment: spec.augment, sources, numClasses })), sizes(augmentGroups));
  const trainShards: ShardRef[] = [...ingested!.shards.train, ...augmented.flatMap((result) => result.shards)];
  const { validation, test } = ingested!.shards;
  const classNames = ingested!.classNames;
  const tta = spec.evaluate.tta;
  const histories: { stage: StageName; history: EpochMetrics[] }[] = [];
  const evaluations: { model: string; evaluation: Evaluation }[] = [];
  let model: ModelRef;
  let publishOnBase: ModelRef | undefined;
  let baseWeights: BaseWeightsRef | null = null;
  // The evaluate entry of the published model: its per-image predictions pair with the champion's.
  let evaluateKey: string;

  if (spec.mode === 'retrain') {
    const [trained] = await run.stage('train', [() => gpu.trainImages({ ctx, spec, numClasses, classNames, train: trainShards, validation })]);
    histories.push({ stage: 'train', history: trained!.history });
    const [evaluated] = await run.stage('evaluate', [() => gpu.evaluate({ ctx, spec, model: trained!.model, inputs: 'images', test, classNames, tta })]);
    evaluations.push({ model: 'retrain', evaluation: evaluated!.evaluation });
    run.evaluated?.('retrain', evaluated!.evaluation);
    model = trained!.model;
    evaluateKey = evaluated!.key;
  } else {
    const [base] = await run.stage('base', [() => gpu.prepareBase({ ctx, base: spec.base })]);
    baseWeights = base!.weights ?? null;
    // Features come back one shard per source, in order: train, then validation, then test.
    const extractGroups = groups([...trainShards, ...validation, ...test], 'gpu');
    const extracted = await run.stage('extract', extractGroups.map((sources) =>
      () => gpu.extractShards({ ctx, base: base!.model, sources })), sizes(extractGroups));
    const features = extracted.flatMap((r) => r.shards);
    const trainFeatures = features.slice(0, trainShards.length);
    const validationFeatures = features.slice(trainShards.length, trainShards.length + validation.length);
    const testFeatures = features.slice(trainShards.length + validation.length);

    const [head] = await run.stage('train-head', [() => gpu.trainHead({ ctx, spec, base: base!, numClasses, classNames, train: trainFeatures, validation: validationFeatures })]);
    histories.push({ stage: 'train-head', history: head!.history });
    const evaluate = [() => gpu.evaluate({
      ctx, spec, model: head!.model, inputs: 'features', test: testFeatures, classNames, tta, ...(tta ? { ttaSource: { images: test, base: base!.model } } : {}),
    })];
    model = head!.model;
    publishOnBase = base!.model;
    if (spec.fineTune) {
      const start = { base: base!.model, head: head!.model };
      const [tuned] = await run.stage('fine-tune', [() => gpu.trainImages({ ctx, spec, numClasses, classNames, train: trainShards, validation, start })]);
      histories.push({ stage: 'fine-tune', history: tuned!.history });
      evaluate.push(() => gpu.evaluate({ ctx, spec, model: tuned!.model, inputs: 'images', test, classNames, tta }));
      model = tuned!.model;
      publishOnBase = undefined;
    }
    const evaluated = await run.stage('evaluate', evaluate);
    const models = ['transfer', 'fine-tune'];
    evaluated.forEach(({ evaluation }, i) => {
      evaluations.push({ model: models[i]!, evaluation });
      run.evaluated?.(models[i]!, evaluation);
    });
    evaluateKey = evaluated[evaluated.length - 1]!.key;
  }

  const done = { status: 'completed' as const, fingerprint: ingested!.fingerprint, evaluations, histories, model, ...skipped };
  if (input.publish === false) return done;
  const published = await run.publish(() => cpu.publish({
    ctx, spec, model, ...(publishOnBase ? { base: publishOnBase } : {}), baseWeights, classNames,
    fingerprint: ingested!.fingerprint, evaluation: evaluations[evaluations.length - 1]!.evaluation, histories, stages: reports(),
    evaluations, promoteMargin: spec.schedule?.promoteMargin ?? 0, heldOut: { images: test, evaluateKey }, ...skipped,
  }));
  return { ...done, published };
}

/**
 * `run` with the lookup's hits in place of their activities. The lookup
 * walked this same plan, so its stages come in the same order; a stage that
 * does not match ends the use of the lookup (every later call runs, and
 * looks up its own entry).
 */
export function withCachedResults(run: PlanExecutor, lookup: PlanLookup): PlanExecutor {
  const pending = [...lookup.stages];
  let publishHit = lookup.published;
  return {
    ...run,
    stage<R extends StageResult>(name: StageName, calls: (() => Promise<R>)[], shards?: readonly number[]): Promise<R[]> {
      const hit = pending[0]?.stage === name && pending[0].results.length === calls.length ? pending.shift() : undefined;
      if (!hit) {
        pending.length = 0;
        publishHit = undefined;
      }
      return run.stage(name, calls.map((call, i) => {
        const result = hit?.results[i];
        return result ? () => Promise.resolve(result as R) : call;
      }), shards);
    },
    publish(call) {
      const hit = pending.length === 0 ? publishHit : undefined;
      return run.publish(hit ? () => Promise.resolve(hit) : call);
    },
  };
}

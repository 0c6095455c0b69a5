/**
 * Learning quality on Graft's ImageNet base, through the real stage code
 * (called in-process, bench/direct-pipeline.ts): Fashion-MNIST, all ten
 * classes, N labelled training images per class, three models per budget,
 * each over several seeds:
 *
 * - transfer: EfficientNet-Lite0 with its ImageNet weights, frozen, a new
 *   head on cached 224 px features (pipelines/fmnist-imagenet.yaml);
 * - fine-tune: that run continued with `top_conv` unfrozen at a low rate;
 * - scratch: small-cnn at the images' own 28 px from random weights
 *   (pipelines/fmnist-scratch.yaml).
 *
 * The two demo pipelines are loaded as they are and only the budget, the
 * seeds, the held-out set and the per-budget plan below are changed. Every
 * choice of the plan is fixed here, before any run: none is tuned on test
 * accuracy. Every row at one seed is judged on the same test images (about
 * 200 per class): they depend on the seed, `limitPerClass` and `split.test`, never on
 * the budget.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { splitCounts } from '../lib/data/split';
import { readIdxDataset } from '../lib/data/idx';
import { definePipeline } from '../pipelines/define';
import { loadPipeline } from '../pipelines/load';
import type { PipelineInput, PipelineSpec } from '../pipelines/schema';
import type { DirectActivities, DirectRunResult } from './direct-pipeline';
import { directActivities, runPipelineDirect } from './direct-pipeline';
import { openBenchStore } from './stack';
import type { BenchOptions } from './util';
import { FASHION_DIR, REPO_ROOT, secondsSince } from './util';

export type AccuracyModel = 'transfer' | 'fine-tune' | 'scratch';

/** What runs at one label budget (the same augmentation for every model of the budget). */
export interface BudgetPlan {
  readonly labelsPerClass: number;
  /** Augmented copies per labelled image, for transfer, fine-tune and scratch alike. */
  readonly augmentCopies: number;
  readonly fineTune: boolean;
  readonly scratchEpochs: number;
}

/** The plan, fixed before any run (from the time budget, not from any accuracy). */
export interface AccuracyPlan {
  readonly seeds: number[];
  /** Test images per class the split is asked for (`split.test` × `limitPerClass`). */
  readonly testPerClass: number;
  /**
   * Images per class drawn beyond the test images and the largest budget: the
   * split places each image by a hash, so a class's counts vary around the
   * expected ones, and the spare keeps at least the largest budget for training.
   */
  readonly sparePerClass: number;
  /** Base side for the transfer runs (224 in the full run: the side its ImageNet weights were trained at). */
  readonly inputSize: number;
  /** Head epochs; null keeps the transfer pipeline's. */
  readonly headEpochs: number | null;
  /** Fine-tune epochs; null keeps the transfer pipeline's. */
  readonly fineTuneEpochs: number | null;
  readonly budgets: BudgetPlan[];
  /** Wall-clock minutes the whole run may take on the benchmark machine (what sized the plan). */
  readonly timeBudgetMinutes: number;
}

export const FULL_PLAN: AccuracyPlan = {
  seeds: [1, 2, 3],
  testPerClass: 200,
  sparePerClass: 100,
  inputSize: 224,
  headEpochs: null,
  fineTuneEpochs: null,
  budgets: [
    // Sized by a timing run (stage seconds only) on the 2-core machine: the 224 px base extracts ~90 images/s and
    // fine-tuning trains ~50 samples/s. Augmented copies only at 10 labels (the demo's 4), none from 100 on, which
    // is what lets fine-tuning run at 100 too; scratch epochs cut to 15 at 1000 labels (10,000 samples).
    { labelsPerClass: 10, augmentCopies: 4, fineTune: true, scratchEpochs: 40 },
    { labelsPerClass: 100, augmentCopies: 0, fineTune: true, scratchEpochs: 40 },
    { labelsPerClass: 1000, augmentCopies: 0, fineTune: false, scratchEpochs: 15 },
  ],
  timeBudgetMinutes: 35,
};

/** Small and fast: no 224 px extraction. */
export const QUICK_PLAN: AccuracyPlan = {
  seeds: [1],
  testPerClass: 20,
  sparePerClass: 20,
  inputSize: 32,
  headEpochs: 2,
  fineTuneEpochs: 1,
  budgets: [{ labelsPerClass: 10, augmentCopies: 1, fineTune: true, scratchEpochs: 2 }],
  timeBudgetMinutes: 1,
};

/** All ten Fashion-MNIST classes (both pipelines have `classes: null`). */
const CLASSES = 10;

export const TRANSFER_PIPELINE = 'pipelines/fmnist-imagenet.yaml';
export const SCRATCH_PIPELINE = 'pipelines/fmnist-scratch.yaml';

export interface AccuracyRow {
  readonly labelsPerClass: number;
  readonly model: AccuracyModel;
  readonly augmentCopies: number;
  /** Training epochs of this model (head epochs for transfer; fine-tune epochs after them for fine-tune). */
  readonly epochs: number;
  readonly seeds: number[];
  /** Test accuracy per seed, in the order of `seeds`. */
  readonly accuracies: number[];
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Sample standard deviation over the seeds (0 with one seed). */
  readonly std: number;
  /** Test images per seed (the split's counts vary a little with the seed; every model of a seed sees the same ones). */
  readonly testImages: number[];
  /** Labelled training images per seed (before augmentation): the budget × the classes, unless a class ran short. */
  readonly labelledImages: number[];
  /**
   * Seconds of the work that made the model, per seed (transfer: base +
   * extraction of the training images + head; fine-tune: that + the
   * fine-tune stage; scratch: its training). Ingest, augmentation and
   * evaluation (with the held-out images' extraction) are left out.
   */
  readonly trainSeconds: number[];
  readonly trainSecondsMean: number;
}

export interface AccuracyBenchResult {
  readonly dataset: string;
  readonly classes: number;
  /** Images per class in the source (train + t10k), what a full-set row would draw from. */
  readonly imagesPerClass: number;
  readonly pipelines: { readonly transfer: string; readonly scratch: string };
  readonly plan: AccuracyPlan;
  readonly limitPerClass: number;
  readonly testFraction: number;
  readonly transfer: {
    readonly architecture: string; readonly weights: string | null; readonly inputSize: number;
    readonly headEpochs: number; readonly headStrategy: string; readonly batchSize: number; readonly learningRate: number;
  };
  readonly fineTune: { readonly fromLayer: string | null; readonly epochs: number; readonly learningRate: number } | null;
  readonly scratch: { readonly architecture: string; readonly hidden: number[]; readonly dropout: number; readonly batchSize: number; readonly learningRate: number };
  readonly augment: Omit<PipelineSpec['augment'], 'copies' | 'seed'>;
  /** Extraction calls that computed (not cache hits), over every transfer run: training and held-out shards. */
  readonly extract: {
    readonly images: number; readonly seconds: number; readonly imagesPerSecond: number;
    /** Held-out shards extracted, and taken from the cache (the same test images under another budget's run of the seed). */
    readonly heldOutComputed: number; readonly heldOutCached: number;
  };
  /** The machine's 1-minute load average after each run (the machine is shared: context for the seconds). */
  readonly loadAverages: number[];
  readonly rows: AccuracyRow[];
}

/**
 * The images drawn per class (test + largest budget + spare) and the test
 * fraction that expects `testPerClass` of them, checked against the split's
 * expected counts.
 */
export function heldOut(plan: AccuracyPlan): { limitPerClass: number; testFraction: number } {
  const largest = Math.max(...plan.budgets.map((b) => b.labelsPerClass));
  const limitPerClass = plan.testPerClass + largest + plan.sparePerClass;
  const testFraction = plan.testPerClass / limitPerClass;
  const counts = splitCounts(limitPerClass, { validation: 0, test: testFraction, seed: 0 });
  if (counts.test !== plan.testPerClass || counts.train !== largest + plan.sparePerClass) {
    throw new Error(`split.test ${testFraction} of ${limitPerClass} expects ${counts.test} test / ${counts.train} train images per class, not ${plan.testPerClass} / ${largest + plan.sparePerClass}`);
  }
  return { limitPerClass, testFraction };
}

/**
 * A demo pipeline at one budget and seed: `labels` training images per
 * class, the held-out set of the plan, the budget's augmentation copies,
 * seeds for the split and the augmentation; fine-tuning kept or dropped.
 */
export function budgetVariant(
  spec: PipelineSpec, plan: AccuracyPlan, budget: BudgetPlan, seed: number, overrides: { epochs?: number | null; fineTune?: boolean } = {},
): PipelineSpec {
  const { schedule: _schedule, ...rest } = spec;
  const { limitPerClass, testFraction } = heldOut(plan);
  const transfer = spec.mode === 'transfer';
  const epochs = overrides.epochs ?? spec.train.epochs;
  return definePipeline({
    ...rest,
    name: `${spec.name}-${budget.labelsPerClass}-s${seed}`,
    dataset: { ...spec.dataset, limitPerClass, split: { ...spec.dataset.split, test: testFraction, seed, trainPerClass: budget.labelsPerClass } },
    augment: { ...spec.augment, copies: budget.augmentCopies, seed },
    base: transfer ? { ...spec.base, inputSize: plan.inputSize } : spec.base,
    train: { ...spec.train, epochs },
    fineTune: overrides.fineTune && spec.fineTune ? { ...spec.fineTune, epochs: plan.fineTuneEpochs ?? spec.fineTune.epochs } : null,
  } as PipelineInput);
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: readonly number[]): number => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
const stageSeconds = (run: DirectRunResult, stages: readonly string[]): number =>
  run.stages.filter((s) => stages.includes(s.stage)).reduce((sum, s) => sum + s.seconds, 0);

interface Sample { readonly accuracy: number; readonly testImages: number; readonly labelledImages: number; readonly seconds: number }

function summarize(budget: BudgetPlan, model: AccuracyModel, epochs: number, seeds: number[], samples: Sample[]): AccuracyRow {
  const accuracies = samples.map((s) => s.accuracy);
  const trainSeconds = samples.map((s) => s.seconds);
  return {
    labelsPerClass: budget.labelsPerClass, model, augmentCopies: budget.augmentCopies, epochs, seeds, accuracies,
    mean: mean(accuracies), min: Math.min(...accuracies), max: Math.max(...accuracies), std: std(accuracies),
    testImages: samples.map((s) => s.testImages), labelledImages: samples.map((s) => s.labelledImages), trainSeconds, trainSecondsMean: mean(trainSeconds),
  };
}

function imagesPerClass(): number {
  const { labels } = readIdxDataset(FASHION_DIR);
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return Math.min(...counts.values());
}

interface ExtractCall {
  /** A validation or test shard (evaluation's input, not the model's). */
  readonly heldOut: boolean;
  /** An ingested training shard (labelled images, not augmented copies). */
  readonly labelled: boolean;
  readonly images: number;
  readonly seconds: number;
  readonly outcome: string;
}

/** The activities with every extraction call timed: which shard, how many images, computed or cached. */
function timedExtraction(acts: DirectActivities, calls: ExtractCall[]): DirectActivities {
  return {
    ...acts,
    async extractShards(input) {
      // The experiment's runs leave the fan-out unset: one shard per call, so that each is timed on its own.
      const [source] = input.sources;
      if (!source || input.sources.length > 1) throw new Error(`timed extraction expects one shard per call, got ${input.sources.length}`);
      const start = process.hrtime.bigint();
      const result = await acts.extractShards(input);
      const ingested = source.stage === 'ingest';
      const heldOut = ingested && !source.name.startsWith('train');
      calls.push({ heldOut, labelled: ingested && !heldOut, images: source.count, seconds: secondsSince(start), outcome: result.outcome });
      return result;
    },
  };
}

const log = (line: string): void => {
  process.stderr.write(`[accuracy] ${line}\n`);
};

export async function benchAccuracy(options: BenchOptions = {}): Promise<AccuracyBenchResult> {
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const transferSpec = await loadPipeline(path.join(REPO_ROOT, TRANSFER_PIPELINE));
  const scratchSpec = await loadPipeline(path.join(REPO_ROOT, SCRATCH_PIPELINE));
  const { limitPerClass, testFraction } = heldOut(plan);
  if (transferSpec.dataset.classes !== null || scratchSpec.dataset.classes !== null) throw new Error('the demo pipelines no longer use all classes');
  const headEpochs = plan.headEpochs ?? transferSpec.train.epochs;
  const bench = await openBenchStore();
  await bench.clear(); // nothing cached from an earlier run: every stage is computed and timed
  const extractCalls: ExtractCall[] = [];
  const acts = timedExtraction(directActivities({ store: bench.store }), extractCalls);
  const samples = new Map<string, Sample[]>();
  const add = (budget: BudgetPlan, model: AccuracyModel, sample: Sample): void => {
    const key = `${budget.labelsPerClass}/${model}`;
    samples.set(key, [...(samples.get(key) ?? []), sample]);
  };
  const loadAverages: number[] = [];
  const load = (): void => {
    loadAverages.push(Math.round(os.loadavg()[0]! * 100) / 100);
  };
  try {
    for (const seed of plan.seeds) {
      for (const budget of plan.budgets) {
        const firstCall = extractCalls.length;
        const transferRun = await runPipelineDirect(acts, budgetVariant(transferSpec, plan, budget, seed, { epochs: headEpochs, fineTune: budget.fineTune }), { publish: false });
        load();
        const calls = extractCalls.slice(firstCall);
        const trainExtraction = calls.filter((c) => !c.heldOut).reduce((sum, c) => sum + c.seconds, 0);
        const labelledImages = calls.filter((c) => c.labelled).reduce((sum, c) => sum + c.images, 0);
        const headSeconds = stageSeconds(transferRun, ['base', 'train-head']) + trainExtraction;
        for (const { model, evaluation } of transferRun.evaluations) {
          const fineTuned = model === 'fine-tune';
          const seconds = headSeconds + (fineTuned ? stageSeconds(transferRun, ['fine-tune']) : 0);
          add(budget, fineTuned ? 'fine-tune' : 'transfer', { accuracy: evaluation.testAccuracy, testImages: evaluation.count, labelledImages, seconds });
        }
        const scratchRun = await runPipelineDirect(acts, budgetVariant(scratchSpec, plan, budget, seed, { epochs: budget.scratchEpochs }), { publish: false });
        load();
        const scratch = scratchRun.evaluations[0]!.evaluation;
        add(budget, 'scratch', { accuracy: scratch.testAccuracy, testImages: scratch.count, labelledImages, seconds: stageSeconds(scratchRun, ['train']) });
        const got = transferRun.evaluations.map((e) => `${e.model} ${(100 * e.evaluation.testAccuracy).toFixed(1)}%`).join(', ');
        log(`seed ${seed}, ${budget.labelsPerClass} labels/class: ${got}, scratch ${(100 * scratch.testAccuracy).toFixed(1)}% (${labelledImages} labelled, ${scratch.count} test images; ${transferRun.seconds.toFixed(0)} s + ${scratchRun.seconds.toFixed(0)} s)`);
      }
    }
  } finally {
    await bench.clear();
  }
  const rows: AccuracyRow[] = [];
  for (const budget of plan.budgets) {
    const models: [AccuracyModel, number][] = [
      ['transfer', headEpochs],
      ...(budget.fineTune ? [['fine-tune', plan.fineTuneEpochs ?? transferSpec.fineTune!.epochs] as [AccuracyModel, number]] : []),
      ['scratch', budget.scratchEpochs],
    ];
    for (const [model, epochs] of models) rows.push(summarize(budget, model, epochs, plan.seeds, samples.get(`${budget.labelsPerClass}/${model}`) ?? []));
  }
  const { copies: _copies, seed: _seed, ...augment } = transferSpec.augment;
  const computed = extractCalls.filter((c) => c.outcome === 'computed');
  const extract = {
    images: computed.reduce((sum, c) => sum + c.images, 0),
    seconds: computed.reduce((sum, c) => sum + c.seconds, 0),
    heldOutComputed: computed.filter((c) => c.heldOut).length,
    heldOutCached: extractCalls.filter((c) => c.heldOut && c.outcome !== 'computed').length,
  };
  return {
    dataset: 'Fashion-MNIST', classes: CLASSES, imagesPerClass: imagesPerClass(),
    pipelines: { transfer: TRANSFER_PIPELINE, scratch: SCRATCH_PIPELINE },
    plan, limitPerClass, testFraction,
    transfer: {
      architecture: transferSpec.base.architecture ?? 'unknown', weights: transferSpec.base.weights, inputSize: plan.inputSize,
      headEpochs, headStrategy: transferSpec.head.strategy, batchSize: transferSpec.train.batchSize, learningRate: transferSpec.train.learningRate,
    },
    fineTune: transferSpec.fineTune
      ? { fromLayer: transferSpec.fineTune.fromLayer, epochs: plan.fineTuneEpochs ?? transferSpec.fineTune.epochs, learningRate: transferSpec.fineTune.learningRate }
      : null,
    scratch: {
      architecture: scratchSpec.base.architecture ?? 'unknown', hidden: scratchSpec.head.hidden, dropout: scratchSpec.head.dropout,
      batchSize: scratchSpec.train.batchSize, learningRate: scratchSpec.train.learningRate,
    },
    augment,
    extract: { ...extract, imagesPerSecond: extract.images / extract.seconds },
    loadAverages,
    rows,
  };
}

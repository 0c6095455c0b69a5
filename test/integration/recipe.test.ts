// The training recipe on the real stack: every option of train, fineTune
// and evaluate used in a pipeline run, CutMix and MixUp among them.
import type { EpochMetrics } from '../../activities/contracts';
import type { PipelineInput, PipelineSpec } from '../../pipelines/schema';
import { learningRateCurve } from '../../lib/models/train/lr-schedule';
import type { LrSchedule } from '../../lib/models/types';
import { startRun } from '../../runtime/runs';
import type { PipelineRunResult } from '../../workflows/progress';
import type { TestStack } from './support/harness';
import { openTestStack, smallPipeline, startInProcessWorker } from './support/harness';

let stack: TestStack;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;

beforeAll(async () => {
  stack = await openTestStack('recipe');
  worker = await startInProcessWorker(stack);
});

afterAll(async () => {
  worker.workers.shutdown();
  await worker.done;
  await stack.close();
});

interface RunMetrics {
  readonly histories: { stage: string; history: EpochMetrics[] }[];
}

async function run(spec: PipelineSpec): Promise<{ result: PipelineRunResult; metrics: RunMetrics }> {
  const handle = await startRun(stack.client, spec);
  const result = await handle.result();
  const metrics = await stack.store.get(`runs/${handle.workflowId}/metrics.json`);
  expect(metrics).toBeDefined();
  return { result, metrics: JSON.parse(metrics!.toString('utf8')) as RunMetrics };
}

const historyOf = (metrics: RunMetrics, stage: string): EpochMetrics[] => metrics.histories.find((h) => h.stage === stage)!.history;

/** The rates a stage's epochs should start at, from its step count (one step per batch). */
function expectedRates(schedule: LrSchedule, learningRate: number, images: number, batchSize: number, epochs: number): number[] {
  return learningRateCurve(schedule, learningRate, Math.ceil(images / batchSize), epochs);
}

test('transfer and fine-tune with AdamW, a warm cosine, smoothing, balanced weights, best-weights restore, layer groups, CutMix + MixUp and TTA', async () => {
  const lrSchedule = { kind: 'cosine', warmupEpochs: 1, minLearningRate: 0.0001 } as const;
  const spec = smallPipeline(stack, {
    name: 'itest-recipe',
    augment: {
      rotationRange: 10, copies: 1, seed: 5,
      cutmix: { alpha: 1, prob: 0.4 }, mixup: { alpha: 0.4, prob: 0.4 },
    },
    train: {
      epochs: 4, batchSize: 16, optimizer: 'adamw', weightDecay: 0.02, learningRate: 0.003, lrSchedule,
      labelSmoothing: 0.1, classWeights: 'balanced',
      earlyStopping: { patience: 2, monitor: 'val_acc', restoreBestWeights: true },
    },
    fineTune: { topLayers: 12, epochs: 3, learningRate: 0.0003, layerGroups: 3, groupLrFactor: 0.3, unfreezeEvery: 1 },
    evaluate: { tta: true },
  });
  const { result, metrics } = await run(spec);
  expect(result.status).toBe('completed');
  expect(result.evaluations.map((e) => e.model)).toEqual(['transfer', 'fine-tune']);
  for (const { evaluation } of result.evaluations) {
    expect(evaluation.count).toBeGreaterThan(0);
    expect(evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(evaluation.count);
  }
  expect(result.stages.find((s) => s.stage === 'augment')?.outcome).toBe('computed');
  const head = historyOf(metrics, 'train-head');
  const tuned = historyOf(metrics, 'fine-tune');
  expect(tuned).toHaveLength(3);
  // Every epoch starts where the schedule says, counting one step per batch of originals and copies only:
  // the mixes are drawn in training, not added as samples by the augment stage. The warm-up starts low.
  const trainImages = await trainingImages(spec);
  expect(head.map((h) => h.learningRate)).toEqual(expectedRates(lrSchedule, 0.003, trainImages, 16, 4).slice(0, head.length));
  expect(tuned.map((h) => h.learningRate)).toEqual(expectedRates(lrSchedule, 0.0003, trainImages, 16, 3));
  expect(head[0]!.learningRate!).toBeLessThan(0.003 / 10);
});

const retrainRecipes: [string, NonNullable<PipelineInput['train']>][] = [
  ['sgd with Nesterov momentum and one-cycle, class weights by list', {
    optimizer: 'sgd', momentum: 0.9, nesterov: true, learningRate: 0.05, classWeights: [1, 2, 1],
    lrSchedule: { kind: 'one-cycle', warmupFraction: 0.3, divFactor: 10, finalDivFactor: 100 },
  }],
  ['rmsprop with a step schedule, class weights by name', {
    optimizer: 'rmsprop', learningRate: 0.002, lrSchedule: { kind: 'step', every: 1, factor: 0.5 },
    classWeights: { tshirt: 1, trouser: 1.5, sneaker: 0.8 },
  }],
];

test.each(retrainRecipes)('retraining a small CNN on a streamed split: %s', async (_name, train) => {
  const spec = smallPipeline(stack, {
    name: 'itest-recipe-retrain',
    mode: 'retrain',
    base: { architecture: 'small-cnn' },
    augment: { copies: 0, cutmix: { alpha: 1, prob: 0.5 }, seed: 2 },
    train: { epochs: 3, batchSize: 16, ...train },
  });
  // A zero training memory budget: the split is streamed from its shards every epoch (the in-process worker reads it).
  process.env.GRAFT_TRAIN_MEMORY_MB = '0';
  let outcome: Awaited<ReturnType<typeof run>>;
  try {
    outcome = await run(spec);
  } finally {
    delete process.env.GRAFT_TRAIN_MEMORY_MB;
  }
  const { result, metrics } = outcome;
  expect(result.status).toBe('completed');
  const history = historyOf(metrics, 'train');
  expect(history).toHaveLength(3);
  expect(history.map((h) => h.learningRate)).toEqual(expectedRates(spec.train.lrSchedule, spec.train.learningRate, await trainingImages(spec), 16, 3));
  expect(history.every((h) => Number.isFinite(h.loss))).toBe(true);
});

/** Training images of the spec's split (originals and augmented copies), from the ingest and augment entries. */
async function trainingImages(spec: PipelineSpec): Promise<number> {
  const copies = spec.augment.copies;
  const originals = await ingestedTrainCount(spec);
  return originals * (1 + copies);
}

async function ingestedTrainCount(spec: PipelineSpec): Promise<number> {
  const keys = await stack.store.list('cache/ingest/');
  for (const key of keys.filter((k) => k.endsWith('manifest.json'))) {
    const manifest = JSON.parse((await stack.store.get(key))!.toString('utf8')) as { meta?: { shards?: { train?: { count: number }[] }; classNames?: string[] } };
    const train = manifest.meta?.shards?.train;
    if (train && manifest.meta?.classNames?.length === (spec.dataset.classes?.length ?? 0)) return train.reduce((a, s) => a + s.count, 0);
  }
  throw new Error('no ingest entry found');
}

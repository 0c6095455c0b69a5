/**
 * One stage of one size of the scale benchmark, in its own process so that
 * its peak RSS (`maxRSS`, which only ever grows within a process) is that
 * stage's alone: ingest, augment, extract (with the base), train (the head
 * on cached features) or evaluate, on `--images` Fashion-MNIST images with
 * `--copies` augmented copies, always recomputed. What a stage needs from
 * the stages before it (their shard references: keys, never data) comes
 * from the `--state` file, which the stage extends for the next one.
 * Prints one JSON line.
 */
import * as fs from 'node:fs';
import type { QueueNames } from '../runtime/queues';
import { definePipeline } from '../pipelines/define';
import type { BaseResult, IngestResult, RunContext, ShardRef, TrainResult } from '../activities/contracts';
import { modelSpecHash, specHash } from '../pipelines/spec-hash';
import { directActivities } from './direct-pipeline';
import { openBenchStore } from './stack';
import { SCALE_STAGES, type ScaleStage, type ScaleStageResult } from './scale-result';
import { FASHION_DIR, secondsSince } from './util';

/** What the stages hand on to each other: references, as a workflow passes them. */
interface ScaleState {
  ingested?: IngestResult;
  augmented?: ShardRef[];
  base?: BaseResult;
  features?: { train: ShardRef[]; test: ShardRef[] };
  head?: TrainResult;
}

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i < 0 ? undefined : process.argv[i + 1];
  if (value === undefined) throw new Error(`scale-child: --${name} is required`);
  return value;
}

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`scale-child: the state has no ${what}; run the stages in order`);
  return value;
};

const count = (shards: readonly ShardRef[]): number => shards.reduce((s, r) => s + r.count, 0);

async function main(): Promise<void> {
  const images = Number(arg('images'));
  const copies = Number(arg('copies'));
  const stage = arg('stage') as ScaleStage | 'idle';
  const stateFile = arg('state');
  if (stage !== 'idle' && !(SCALE_STAGES as readonly string[]).includes(stage)) throw new Error(`scale-child: --stage must be idle or one of ${SCALE_STAGES.join(', ')}`);
  const queues: QueueNames = { cpu: 'unused', gpu: 'unused' };
  const spec = definePipeline({
    name: 'bench-scale',
    dataset: { source: `idx://${FASHION_DIR}`, limitPerClass: Math.ceil(images / 10), split: { validation: 0, test: 0.1, seed: 5 }, imageSize: 28, channels: 1 },
    augment: { rotationRange: 15, widthShiftRange: 0.1, heightShiftRange: 0.1, zoomRange: 0.1, copies, seed: 2 },
    base: { uri: arg('base'), inputShape: [28, 28, 1] },
    head: { strategy: 'replace' },
    // Memory does not grow with epochs: two show the per-epoch pass without the bench's time growing tenfold.
    train: { epochs: 2, batchSize: 32 },
    queues,
  });
  const state = (fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {}) as ScaleState;
  const bench = await openBenchStore();
  const acts = directActivities({ store: bench.store });
  const ctx: RunContext = { runId: `scale-${images}`, pipeline: spec.name, specHash: specHash(spec), modelSpecHash: modelSpecHash(spec), noCache: true, heartbeatSeconds: 60 };
  const start = process.hrtime.bigint();
  let samples = 0;
  let dataMiB: number | undefined;
  if (stage === 'idle') {
    // Node, tfjs and the store client loaded, nothing run: what every stage's peak starts from.
  } else if (stage === 'ingest') {
    state.ingested = await acts.ingest({ ctx, dataset: spec.dataset, shardSize: 2048 });
    samples = count([...state.ingested.shards.train, ...state.ingested.shards.validation, ...state.ingested.shards.test]);
  } else if (stage === 'augment') {
    const ingested = need(state.ingested, 'ingest result');
    const numClasses = ingested.classNames.length;
    // One activity over every shard, as on a single worker: the shards stream one after another.
    state.augmented = (await acts.augmentShards({ ctx, augment: spec.augment, sources: ingested.shards.train, numClasses })).shards;
    samples = count(state.augmented);
  } else if (stage === 'extract') {
    const ingested = need(state.ingested, 'ingest result');
    const base = await acts.prepareBase({ ctx, base: spec.base });
    const extract = async (sources: ShardRef[]): Promise<ShardRef[]> => (await acts.extractShards({ ctx, base: base.model, sources })).shards;
    // Every image goes through extraction, as in a pipeline run: train, augmented and test shards.
    state.base = base;
    state.features = { train: await extract([...ingested.shards.train, ...need(state.augmented, 'augment result')]), test: await extract(ingested.shards.test) };
    samples = count(state.features.train) + count(state.features.test);
  } else if (stage === 'train') {
    const ingested = need(state.ingested, 'ingest result');
    const features = need(state.features, 'extract result');
    state.head = await acts.trainHead({ ctx, spec, base: need(state.base, 'base'), numClasses: ingested.classNames.length, train: features.train, validation: [] });
    samples = count(features.train);
    dataMiB = (samples * need(state.base, 'base').featureShape.reduce((a, b) => a * b, 1) * 4) / 2 ** 20;
  } else {
    const ingested = need(state.ingested, 'ingest result');
    const features = need(state.features, 'extract result');
    const head = need(state.head, 'train result');
    const out = await acts.evaluate({ ctx, spec, model: head.model, inputs: 'features', test: features.test, classNames: ingested.classNames });
    samples = out.evaluation.count;
  }
  const split = state.ingested?.shards;
  const result: ScaleStageResult = {
    stage, images: split ? count([...split.train, ...split.validation, ...split.test]) : 0, samples,
    seconds: secondsSince(start), peakRssMiB: process.resourceUsage().maxRSS / 1024, ...(dataMiB !== undefined ? { dataMiB } : {}),
  };
  fs.writeFileSync(stateFile, JSON.stringify(state));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

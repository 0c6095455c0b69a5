/**
 * One size of the scale benchmark, in its own process so that its peak RSS
 * is its own: ingest + augment + base + extract (small-cnn) of `--images`
 * Fashion-MNIST images with `--copies` augmented copies, every stage
 * recomputed. Prints one JSON line.
 */
import type { QueueNames } from '../runtime/queues';
import { definePipeline } from '../pipelines/define';
import type { ExtractResult, RunContext, ShardRef } from '../activities/contracts';
import { modelSpecHash, specHash } from '../pipelines/spec-hash';
import { directActivities } from './direct-pipeline';
import { openBenchStore } from './stack';
import { FASHION_DIR, secondsSince } from './util';

export interface ScaleChildResult {
  readonly images: number;
  readonly copies: number;
  readonly extracted: number;
  readonly seconds: number;
  readonly stageSeconds: Record<string, number>;
  /** process.resourceUsage().maxRSS, in MiB. */
  readonly peakRssMiB: number;
}

function arg(name: string): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = Number(process.argv[i + 1]);
  if (i < 0 || !Number.isInteger(value)) throw new Error(`scale-child: --${name} <integer> is required`);
  return value;
}

async function main(): Promise<void> {
  const images = arg('images');
  const copies = arg('copies');
  const queues: QueueNames = { cpu: 'unused', gpu: 'unused' };
  const spec = definePipeline({
    name: 'bench-scale',
    dataset: { source: `idx://${FASHION_DIR}`, limitPerClass: Math.ceil(images / 10), split: { validation: 0, test: 0.1, seed: 5 }, imageSize: 28, channels: 1 },
    augment: { rotationRange: 15, widthShiftRange: 0.1, heightShiftRange: 0.1, zoomRange: 0.1, copies, seed: 2 },
    base: { architecture: 'small-cnn', inputShape: [28, 28, 1] },
    head: { strategy: 'replace' },
    queues,
  });
  const bench = await openBenchStore();
  const acts = directActivities({ store: bench.store });
  const ctx: RunContext = { runId: `scale-${images}`, pipeline: spec.name, specHash: specHash(spec), modelSpecHash: modelSpecHash(spec), noCache: true, heartbeatSeconds: 60 };
  const stageSeconds: Record<string, number> = {};
  const start = process.hrtime.bigint();
  let t = process.hrtime.bigint();
  const lap = (stage: string): void => { stageSeconds[stage] = secondsSince(t); t = process.hrtime.bigint(); };
  const ingested = await acts.ingest({ ctx, dataset: spec.dataset, shardSize: 2048 });
  lap('ingest');
  const numClasses = ingested.classNames.length;
  // Every image goes through extraction, as in a pipeline run: train, augmented and test shards.
  const shards: ShardRef[] = [...ingested.shards.train, ...ingested.shards.test];
  for (const [shardIndex, source] of ingested.shards.train.entries()) {
    const out = await acts.augmentShard({ ctx, augment: spec.augment, source, shardIndex, numClasses });
    if (out.shard) shards.push(out.shard);
  }
  lap('augment');
  const base = await acts.prepareBase({ ctx, base: spec.base });
  lap('base');
  const extracted: ExtractResult[] = [];
  for (const source of shards) extracted.push(await acts.extractShard({ ctx, base: base.model, source }));
  lap('extract');
  const result: ScaleChildResult = {
    images: [...ingested.shards.train, ...ingested.shards.test].reduce((s, r) => s + r.count, 0), copies,
    extracted: extracted.reduce((s, r) => s + r.shard.count, 0), seconds: secondsSince(start), stageSeconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  await bench.clear();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

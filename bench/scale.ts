/**
 * Scale: the peak RSS of every stage (ingest, augment, extract, train the
 * head, evaluate) at two dataset sizes (10k and 60k Fashion-MNIST images in
 * full mode). `maxRSS` only ever grows within a process, so each stage of
 * each size runs in a process of its own (bench/scale-child.ts), handed the
 * previous stages' shard references through a state file. A stage that
 * streams shards peaks at about the same RSS at both sizes; the headline is
 * the largest 60k ÷ 10k ratio over the stages.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { smallCnn } from '../lib/models/bases/small-cnn';
import { MinioStore } from '../lib/store/minio-store';
import { storeConfigFromEnv } from '../lib/store/store-config';
import { BENCH_BUCKET } from './stack';
import { SCALE_STAGES, type ScaleBenchResult, type ScaleSize, type ScaleStage, type ScaleStageResult } from './scale-result';
import type { BenchOptions, Headline } from './util';

export type { ScaleBenchResult } from './scale-result';

interface ChildArgs {
  readonly images: number;
  readonly copies: number;
  /** The base's model.json: small-cnn with random weights, standing in for a small pretrained model. */
  readonly baseUri: string;
  readonly stateFile: string;
}

/** A bucket of its own: another benchmark clearing the shared bench bucket mid-run would take the stages' entries with it. */
const SCALE_BUCKET = `${BENCH_BUCKET}-scale`;

function runChild(stage: ScaleStage | 'idle', { images, copies, baseUri, stateFile }: ChildArgs): Promise<ScaleStageResult> {
  const script = path.join(__dirname, 'scale-child.js');
  const args = [script, '--stage', stage, '--images', String(images), '--copies', String(copies), '--base', baseUri, '--state', stateFile];
  const child = spawn(process.execPath, args, { env: { ...process.env, GRAFT_PROGRESS: '0', GRAFT_BENCH_BUCKET: SCALE_BUCKET }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`scale-child ${stage} ${images} exited with ${code}: ${Buffer.concat(err).toString('utf8').slice(-2000)}`));
      const last = Buffer.concat(out).toString('utf8').trim().split('\n').pop() ?? '';
      resolve(JSON.parse(last) as ScaleStageResult);
    });
  });
}

async function measureSize(images: number, copies: number, baseUri: string): Promise<ScaleSize> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-scale-'));
  const args = { images, copies, baseUri, stateFile: path.join(dir, 'state.json') };
  const store = new MinioStore({ ...storeConfigFromEnv(), bucket: SCALE_BUCKET });
  await store.ensureBucket();
  try {
    const idle = await runChild('idle', args);
    const stages: ScaleStageResult[] = [];
    for (const stage of SCALE_STAGES) {
      stages.push(await runChild(stage, args));
      process.stderr.write(`[bench] scale ${images}: ${stage} peak ${stages.at(-1)!.peakRssMiB.toFixed(0)} MiB\n`);
    }
    return { images: stages[0]!.images, idle: { ...idle, images: stages[0]!.images }, stages };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const prefix of ['cache/', 'checkpoints/']) await store.removePrefix(prefix);
  }
}

export async function benchScale(options: BenchOptions = {}): Promise<ScaleBenchResult & { headline: Headline }> {
  const quick = options.quick ?? false;
  const copies = 1;
  const [small, large] = quick ? [500, 2000] : [10_000, 60_000];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-scale-base-'));
  let a: ScaleSize;
  let b: ScaleSize;
  try {
    // small-cnn is refused as a transfer base (random weights); saved as a model file it is a model of one's own.
    await smallCnn([28, 28, 1]).save(`file://${dir}`);
    a = await measureSize(small, copies, `file://${dir}/model.json`);
    b = await measureSize(large, copies, `file://${dir}/model.json`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const peak = (size: ScaleSize, stage: ScaleStage): number => size.stages.find((s) => s.stage === stage)!.peakRssMiB;
  const peakRssRatios = Object.fromEntries(SCALE_STAGES.map((s) => [s, peak(b, s) / peak(a, s)])) as Record<ScaleStage, number>;
  const [worst] = SCALE_STAGES.map((s) => [s, peakRssRatios[s]] as const).sort((x, y) => y[1] - x[1]);
  return {
    copies,
    method: 'each stage of each size in a process of its own; peak = process.resourceUsage().maxRSS at its end',
    sizes: [a, b], imagesRatio: b.images / a.images, peakRssRatios,
    headline: {
      value: worst![1], goal: 1.2, better: 'lower', unit: '× peak RSS',
      what: `largest peak-RSS ratio over the stages, ${b.images.toLocaleString('en')} ÷ ${a.images.toLocaleString('en')} images (${worst![0]})`,
    },
  };
}

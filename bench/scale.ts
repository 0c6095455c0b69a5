/**
 * Scale: peak RSS and wall time of ingest + augment + extract (small-cnn)
 * at two dataset sizes (10k and 60k images in full mode), each size in a
 * child process. Shards of 2048 images bound memory, so the peak should
 * grow far less than the data.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { ScaleChildResult } from './scale-child';
import type { BenchOptions } from './util';

export interface ScaleBenchResult {
  readonly copies: number;
  readonly rows: ScaleChildResult[];
  /** Large ÷ small. */
  readonly imagesRatio: number;
  readonly peakRssRatio: number;
  readonly timeRatio: number;
}

function runChild(images: number, copies: number): Promise<ScaleChildResult> {
  const script = path.join(__dirname, 'scale-child.js');
  const child = spawn(process.execPath, [script, '--images', String(images), '--copies', String(copies)], {
    env: { ...process.env, GRAFT_PROGRESS: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`scale-child exited with ${code}: ${Buffer.concat(err).toString('utf8').slice(-2000)}`));
      const last = Buffer.concat(out).toString('utf8').trim().split('\n').pop() ?? '';
      resolve(JSON.parse(last) as ScaleChildResult);
    });
  });
}

export async function benchScale(options: BenchOptions = {}): Promise<ScaleBenchResult> {
  const quick = options.quick ?? false;
  const copies = 1;
  const [small, large] = quick ? [500, 2000] : [10_000, 60_000];
  const a = await runChild(small, copies);
  const b = await runChild(large, copies);
  return {
    copies, rows: [a, b], imagesRatio: b.images / a.images, peakRssRatio: b.peakRssMiB / a.peakRssMiB, timeRatio: b.seconds / a.seconds,
  };
}

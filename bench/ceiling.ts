/**
 * The compute ceiling: measured matmul GFLOP/s of the native backend, and
 * the GFLOP/s feature extraction achieves (conv FLOPs counted analytically
 * from the model's layers) as a fraction of it.
 */
import * as tf from '@tensorflow/tfjs-node';
import type { Architecture } from '../lib/models/types';
import { EXTRACT_BATCH, frozenBase, graftExtractRate } from './keras-extract';
import type { BenchOptions } from './util';
import { fashionImages, secondsSince, toInputTensor } from './util';

export interface CeilingRow {
  readonly arch: Architecture;
  readonly inputShape: readonly [number, number, number];
  /** Conv and dense FLOPs per image (2 per multiply-add); BN, ReLU and pooling left out. */
  readonly gflopPerImage: number;
  readonly imagesPerSecond: number;
  readonly achievedGflops: number;
  /** achieved ÷ matmul ceiling. */
  readonly fractionOfCeiling: number;
}

export interface CeilingBenchResult {
  readonly matmulSize: number;
  /** The best of `matmulRuns`. */
  readonly matmulGflops: number;
  /** GFLOP/s before the first and after each extraction. */
  readonly matmulRuns: number[];
  readonly rows: CeilingRow[];
}

/** FLOPs per image of a layers model: convolutions and dense layers, 2 per multiply-add. */
export function modelFlops(model: tf.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const out = layer.outputShape as number[];
    const inp = (layer.input as tf.SymbolicTensor).shape as number[];
    const config = layer.getConfig();
    if (cls === 'Conv2D') {
      const [kh, kw] = config.kernelSize as number[];
      flops += 2 * out[1]! * out[2]! * out[3]! * kh! * kw! * inp[3]!;
    } else if (cls === 'Dense') {
      flops += 2 * inp[inp.length - 1]! * out[out.length - 1]!;
    }
  }
  return flops;
}

async function matmulGflops(size: number, seconds: number): Promise<number> {
  const a = tf.randomNormal([size, size]);
  const b = tf.randomNormal([size, size]);
  try {
    const once = async (): Promise<void> => { const c = tf.matMul(a, b); await c.data(); c.dispose(); };
    await once(); // warm-up
    let runs = 0;
    const start = process.hrtime.bigint();
    while (secondsSince(start) < seconds || runs < 3) { await once(); runs++; }
    return (runs * 2 * size ** 3) / secondsSince(start) / 1e9;
  } finally {
    tf.dispose([a, b]);
  }
}

export async function benchCeiling(options: BenchOptions = {}): Promise<CeilingBenchResult> {
  const quick = options.quick ?? false;
  const matmulSize = quick ? 512 : 2048;
  const matmulSeconds = quick ? 1 : 4;
  const cases: { arch: Architecture; size: number; channels: 1 | 3; count: number }[] = [
    { arch: 'small-cnn', size: 28, channels: 1, count: quick ? 128 : 4096 },
    { arch: 'vgg16', size: 32, channels: 3, count: quick ? 16 : 256 },
  ];
  // The machine is shared: matmul is measured around each extraction and the best rate is the ceiling.
  const matmul: number[] = [await matmulGflops(matmulSize, matmulSeconds)];
  const measured: { arch: Architecture; inputShape: readonly [number, number, number]; flops: number; rate: number }[] = [];
  for (const c of cases) {
    const set = fashionImages(c.count, c.size, c.channels);
    const base = await frozenBase(c.arch, set.shape);
    const x = toInputTensor(set);
    try {
      measured.push({ arch: c.arch, inputShape: set.shape, flops: modelFlops(base), rate: await graftExtractRate(base, x, EXTRACT_BATCH, 'apply') });
    } finally {
      x.dispose();
      base.dispose();
    }
    matmul.push(await matmulGflops(matmulSize, matmulSeconds));
  }
  const ceiling = Math.max(...matmul);
  const rows = measured.map((m): CeilingRow => {
    const achieved = (m.rate * m.flops) / 1e9;
    return { arch: m.arch, inputShape: m.inputShape, gflopPerImage: m.flops / 1e9, imagesPerSecond: m.rate, achievedGflops: achieved, fractionOfCeiling: achieved / ceiling };
  });
  return { matmulSize, matmulGflops: ceiling, matmulRuns: matmul, rows };
}

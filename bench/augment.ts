/**
 * Augmentation throughput on the native backend: images per second for a
 * Keras-style config (rotation, shifts, shear, zoom, flip, brightness,
 * channel shift) on 28×28×1 and 224×224×3 batches, plus CutMix/MixUp.
 * Run: `node dist/bench/augment.js [--quick]`.
 */
import * as tf from '@tensorflow/tfjs-node';
import { augmentBatch, type AugmentOptions } from '../lib/augment';

export interface AugmentBenchRow {
  readonly case: string;
  readonly shape: readonly [number, number, number];
  readonly images: number;
  readonly batchSize: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
}

export interface AugmentBenchResult {
  readonly backend: string;
  readonly quick: boolean;
  readonly rows: readonly AugmentBenchRow[];
}

const KERAS_LIKE: AugmentOptions = {
  rotationRange: 20,
  widthShiftRange: 0.1,
  heightShiftRange: 0.1,
  shearRange: 10,
  zoomRange: 0.15,
  horizontalFlip: true,
  brightnessRange: [0.8, 1.2],
  channelShiftRange: 20,
  copies: 1,
  seed: 1,
};

function run(name: string, shape: [number, number, number], images: number, batchSize: number, config: AugmentOptions): AugmentBenchRow {
  const [h, w, c] = shape;
  const pixels = Uint8Array.from({ length: images * h * w * c }, (_, i) => (i * 131) % 251);
  const input = { images: pixels, labels: Int32Array.from({ length: images }, (_, i) => i % 10), height: h, width: w, channels: c };
  augmentBatch({ ...input, images: pixels.subarray(0, h * w * c), labels: input.labels.subarray(0, 1) }, config, { numClasses: 10 }); // warm-up
  const start = process.hrtime.bigint();
  const out = augmentBatch(input, config, { numClasses: 10, batchSize });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { case: name, shape, images: out.count, batchSize, seconds, imagesPerSecond: out.count / seconds };
}

/** Runs the benchmark; `quick` uses small counts (seconds, not minutes). */
export async function benchAugment(options: { quick?: boolean } = {}): Promise<AugmentBenchResult> {
  const quick = options.quick ?? false;
  await tf.ready();
  const small = quick ? 1024 : 8192;
  const large = quick ? 32 : 256;
  const rows = [
    run('affine+photometric', [28, 28, 1], small, 256, KERAS_LIKE),
    run('affine+photometric', [224, 224, 3], large, 32, KERAS_LIKE),
    run('wrap fill (gather sampler)', [28, 28, 1], small, 256, { ...KERAS_LIKE, fillMode: 'wrap' }),
    run('cutmix+mixup only', [224, 224, 3], large, 32, { copies: 0, seed: 1, cutmix: { alpha: 1, prob: 1 }, mixup: { alpha: 0.2, prob: 1 } }),
  ];
  return { backend: tf.getBackend(), quick, rows };
}

function printTable(result: AugmentBenchResult): void {
  const lines = [`augment bench (backend ${result.backend}${result.quick ? ', quick' : ''})`, 'case                          shape        images  batch   seconds   images/s'];
  for (const r of result.rows) {
    lines.push(
      `${r.case.padEnd(30)}${r.shape.join('×').padEnd(13)}${String(r.images).padStart(6)}${String(r.batchSize).padStart(7)}${r.seconds.toFixed(3).padStart(10)}${r.imagesPerSecond.toFixed(0).padStart(11)}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) {
  benchAugment({ quick: process.argv.includes('--quick') })
    .then((result) => {
      printTable(result);
      if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}

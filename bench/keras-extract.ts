/**
 * (a) Feature-extraction throughput of a frozen base, Graft vs Keras, on the
 * same Fashion-MNIST images at the same batch size: VGG16 at 32×32×3 and
 * small-cnn at 28×28×1, random weights. Graft is timed through both of its
 * paths, `extractFeatures` (layer apply per batch, what the library offers)
 * and `model.predict`; Keras through `model.predict`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-node';
import { buildBase } from '../lib/models/build-base';
import { extractFeatures } from '../lib/models/features';
import type { Architecture } from '../lib/models/types';
import type { BenchOptions, PeerInfo } from './util';
import { fashionImages, median, randomizeWeights, runPeer, scratchDir, timed, toInputTensor, writeNpy } from './util';

export interface ExtractRow {
  readonly arch: Architecture;
  readonly inputShape: readonly [number, number, number];
  readonly images: number;
  readonly batchSize: number;
  /** Median over repetitions. */
  readonly graftApplyImagesPerSecond: number;
  readonly graftPredictImagesPerSecond: number;
  readonly kerasImagesPerSecond: number;
  /** Graft (extractFeatures) ÷ Keras: above 1 means Graft is faster. */
  readonly ratio: number;
}

export interface ExtractBenchResult {
  readonly rows: ExtractRow[];
  readonly reps: number;
  readonly peer: PeerInfo;
}

interface PeerExtract {
  readonly imagesPerSecond: number;
  readonly peer: PeerInfo;
}

const CASES: readonly { arch: Architecture; size: number; channels: 1 | 3; full: number; quick: number }[] = [
  { arch: 'small-cnn', size: 28, channels: 1, full: 4096, quick: 256 },
  { arch: 'vgg16', size: 32, channels: 3, full: 320, quick: 32 },
];

export const EXTRACT_BATCH = 64;

/** Builds a frozen base of `arch` with random weights, as the pipeline's base stage does. */
export async function frozenBase(arch: Architecture, shape: readonly [number, number, number]): Promise<tf.LayersModel> {
  const base = await buildBase({ architecture: arch, inputShape: shape }, 'transfer', { shapeOnly: true });
  randomizeWeights(base);
  return base;
}

export async function graftExtractRate(base: tf.LayersModel, x: tf.Tensor4D, batchSize: number, way: 'apply' | 'predict'): Promise<number> {
  const n = x.shape[0];
  const run = async (input: tf.Tensor4D): Promise<void> => {
    const out = way === 'apply' ? await extractFeatures(base, input, batchSize) : (base.predict(input, { batchSize }) as tf.Tensor);
    await out.data(); // materialized, as Keras' predict returns a NumPy array
    out.dispose();
  };
  const warm = x.slice(0, Math.min(batchSize, n));
  await run(warm);
  warm.dispose();
  const { seconds } = await timed(() => run(x));
  return n / seconds;
}

export async function benchKerasExtract(options: BenchOptions = {}): Promise<ExtractBenchResult> {
  const quick = options.quick ?? false;
  const reps = quick ? 1 : 3;
  const dir = scratchDir('extract');
  const rows: ExtractRow[] = [];
  let peer: PeerInfo | undefined;
  try {
    for (const c of CASES) {
      const set = fashionImages(quick ? c.quick : c.full, c.size, c.channels);
      const n = set.labels.length;
      const file = writeNpy(path.join(dir, `${c.arch}.npy`), set.images, [n, ...set.shape]);
      const base = await frozenBase(c.arch, set.shape);
      const x = toInputTensor(set);
      const apply: number[] = [];
      const predict: number[] = [];
      const graftReps = async (): Promise<void> => {
        for (let r = 0; r < reps; r++) {
          apply.push(await graftExtractRate(base, x, EXTRACT_BATCH, 'apply'));
          predict.push(await graftExtractRate(base, x, EXTRACT_BATCH, 'predict'));
        }
      };
      let keras: Awaited<ReturnType<typeof runPeer<PeerExtract>>>;
      try {
        // Graft's repetitions before and after Keras's: a change of load on the shared machine
        // during the measurement then weighs on both sides, not on one.
        await graftReps();
        keras = await runPeer<PeerExtract>('extract.py', { arch: c.arch, images: file, batch: EXTRACT_BATCH, reps });
        await graftReps();
      } finally {
        x.dispose();
        base.dispose();
      }
      peer = keras.peer;
      const graft = median(apply);
      rows.push({
        arch: c.arch, inputShape: set.shape, images: n, batchSize: EXTRACT_BATCH,
        graftApplyImagesPerSecond: graft, graftPredictImagesPerSecond: median(predict),
        kerasImagesPerSecond: keras.imagesPerSecond, ratio: graft / keras.imagesPerSecond,
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { rows, reps, peer: peer! };
}

/**
 * (a) Feature-extraction throughput of a frozen base, Graft vs Keras, on the
 * same Fashion-MNIST images at the same batch size: VGG16 at 32×32×3 and
 * small-cnn at 28×28×1 with random weights, and EfficientNet-Lite0 with its
 * ImageNet weights on both sides (Keras builds the same network from the same
 * converted file, bench/python/efficientnet_lite.py), 28×28×1 images resized
 * to 224 in the model; the two sides' features are compared. Graft is timed
 * through both of its paths, `extractFeatures` (layer apply per batch, what
 * the library offers) and `model.predict`; Keras through `model.predict`
 * and through the model called per batch in a traced tf.function, the
 * faster of the two counting (bench/python/extract.py).
 * Then the cost of EfficientNet-Lite0's input size: Graft's extraction rate
 * at each `inputSize` on the same images.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-node';
import type { io } from '@tensorflow/tfjs-core';
import { buildBase } from '../lib/models/build-base';
import { weightsDir } from '../lib/models/bases/imagenet-weights';
import { extractFeatures } from '../lib/models/features';
import type { Architecture } from '../lib/models/types';
import { modelFiles } from '../lib/stages/model-files';
import { decodeNpy } from '../lib/store/npy';
import type { BenchOptions, Headline, PeerInfo } from './util';
import { fashionImages, median, runPeer, scratchDir, timed, toInputTensor, writeNpy } from './util';

export interface ExtractRow {
  readonly arch: Architecture;
  /** The images' shape, what the model takes. */
  readonly inputShape: readonly [number, number, number];
  /** The side the network runs at (the model resizes to it); null: the images' own. */
  readonly inputSize: number | null;
  /** imagenet: the same converted weights on both sides; random: each side draws its own. */
  readonly weights: 'random' | 'imagenet';
  readonly images: number;
  readonly batchSize: number;
  /** Median over repetitions. */
  readonly graftApplyImagesPerSecond: number;
  readonly graftPredictImagesPerSecond: number;
  /** Keras's faster way (below), median over its repetitions. */
  readonly kerasImagesPerSecond: number;
  /** Keras `model.predict`. */
  readonly kerasPredictImagesPerSecond: number;
  /** Keras calling the model per batch inside one traced tf.function. */
  readonly kerasCallImagesPerSecond: number;
  /** Graft (extractFeatures) ÷ Keras: above 1 means Graft is faster. */
  readonly ratio: number;
  /** With the same weights: max |Graft − Keras| over the features of the first `featureImages` images; null for random weights. */
  readonly featureMaxAbsDiff: number | null;
  /** Max |Keras feature| over the same images: the scale the difference is read against. */
  readonly featureMaxAbs: number | null;
  readonly featureImages: number | null;
}

/** Graft's extraction at one `inputSize` of the size sweep. */
export interface InputSizeRow {
  readonly inputSize: number;
  /** Median over repetitions. */
  readonly imagesPerSecond: number;
  readonly secondsPer1000Images: number;
  /** Time per image ÷ that at 224 (the pretrained side). */
  readonly costRelativeTo224: number;
}

export interface InputSizeSweep {
  readonly arch: Architecture;
  readonly weights: 'imagenet';
  readonly inputShape: readonly [number, number, number];
  readonly images: number;
  readonly batchSize: number;
  readonly reps: number;
  readonly rows: InputSizeRow[];
}

export interface ExtractBenchResult {
  readonly rows: ExtractRow[];
  readonly inputSizes: InputSizeSweep;
  readonly reps: number;
  readonly peer: PeerInfo;
}

interface PeerExtract {
  /** The faster of the two ways. */
  readonly imagesPerSecond: number;
  readonly predictImagesPerSecond: number;
  readonly callImagesPerSecond: number;
  readonly peer: PeerInfo;
}

interface ExtractCase {
  readonly arch: Architecture;
  /** Side and channels of the images (what ingest makes). */
  readonly size: number;
  readonly channels: 1 | 3;
  readonly full: number;
  readonly quick: number;
  readonly weights: 'random' | 'imagenet';
  /** The side the network runs at, where it resizes in the model. */
  readonly inputSize?: number;
}

const CASES: readonly ExtractCase[] = [
  { arch: 'small-cnn', size: 28, channels: 1, full: 4096, quick: 256, weights: 'random' },
  { arch: 'vgg16', size: 32, channels: 3, full: 320, quick: 32, weights: 'random' },
  { arch: 'efficientnet-lite0', size: 28, channels: 1, full: 512, quick: 32, weights: 'imagenet', inputSize: 224 },
];

/** EfficientNet-Lite0's input sizes timed (Graft only), on the EfficientNet case's images. */
const SWEEP_SIZES = [96, 128, 160, 224, 260] as const;
const SWEEP_REFERENCE = 224;
/** Repetitions of the sweep in a full run (about 20 s each at 512 images): its ratios between sizes are the point. */
const SWEEP_REPS = 5;
/** Images whose features are compared, Graft vs Keras. */
const COMPARED_IMAGES = 64;

export const EXTRACT_BATCH = 64;

/**
 * A frozen EfficientNet-Lite0 with its ImageNet weights, running at
 * `inputSize`, as the extract stage runs it: the base stage writes it
 * (`modelFiles`) and the extract stage reads it back.
 */
async function imagenetBase(arch: Architecture, shape: readonly [number, number, number], inputSize: number): Promise<tf.LayersModel> {
  const built = await buildBase({ architecture: arch, weights: 'imagenet', inputShape: shape, inputSize }, 'transfer');
  try {
    const { json, weights } = await modelFiles(built);
    const stored = JSON.parse(json) as io.ModelJSON;
    const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    return await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: stored.modelTopology, weightSpecs: stored.weightsManifest.flatMap((g) => g.weights), weightData,
    }));
  } finally {
    built.dispose();
  }
}

/** Max |a − b| and max |b| of Graft's features `a` against Keras's saved ones. */
async function compareFeatures(a: tf.Tensor, kerasFile: string): Promise<{ maxAbsDiff: number; maxAbs: number }> {
  const keras = decodeNpy(fs.readFileSync(kerasFile), kerasFile);
  if (keras.shape.join(',') !== a.shape.join(',')) throw new Error(`features: Graft ${a.shape.join('×')}, Keras ${keras.shape.join('×')}`);
  const ours = await a.data();
  let maxAbsDiff = 0;
  let maxAbs = 0;
  keras.data.forEach((v: number, i: number) => {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ours[i]! - v));
    maxAbs = Math.max(maxAbs, Math.abs(v));
  });
  return { maxAbsDiff, maxAbs };
}

/**
 * Graft's extraction rate at each of SWEEP_SIZES on the same images, the
 * sizes interleaved within each repetition (in alternating order) so a change
 * of load on the shared machine weighs on all of them.
 */
async function inputSizeSweep(c: ExtractCase, x: tf.Tensor4D, shape: readonly [number, number, number], reps: number): Promise<InputSizeSweep> {
  const bases: tf.LayersModel[] = [];
  const rates: number[][] = SWEEP_SIZES.map(() => []);
  try {
    for (const size of SWEEP_SIZES) bases.push(await imagenetBase(c.arch, shape, size));
    for (let r = 0; r < reps; r++) {
      const order = SWEEP_SIZES.map((_, i) => i);
      if (r % 2 === 1) order.reverse();
      for (const i of order) rates[i]!.push(await graftExtractRate(bases[i]!, x, EXTRACT_BATCH, 'apply'));
    }
  } finally {
    bases.forEach((b) => b.dispose());
  }
  const perSecond = rates.map((r) => median(r));
  const reference = perSecond[SWEEP_SIZES.indexOf(SWEEP_REFERENCE)]!;
  return {
    arch: c.arch, weights: 'imagenet', inputShape: shape, images: x.shape[0], batchSize: EXTRACT_BATCH, reps,
    rows: SWEEP_SIZES.map((inputSize, i) => ({
      inputSize, imagesPerSecond: perSecond[i]!, secondsPer1000Images: 1000 / perSecond[i]!, costRelativeTo224: reference / perSecond[i]!,
    })),
  };
}

/** Builds a frozen base of `arch` with random weights, as the pipeline's base stage does. */
export async function frozenBase(arch: Architecture, shape: readonly [number, number, number]): Promise<tf.LayersModel> {
  const base = await buildBase({ architecture: arch, inputShape: shape }, 'transfer', { shapeOnly: true });
  randomizeBase(base);
  return base;
}

/**
 * He-scaled kernels (uniform, variance 2 / fan-in, as Keras' VGG16 draws
 * uniform too), BN statistics and biases at their identity values, seeded.
 * Drawn by an inline xorshift32 loop: tfjs' seeded randomNormal loops in
 * JavaScript at ~0.1 s per million weights (1.5 s for VGG16), and a
 * generator called through a closure (mulberry32) still takes ~0.3 s for
 * VGG16's 14.7 million, which the end-to-end bench would count against
 * Graft while Keras draws natively; the inline loop takes a fifth of that.
 */
function randomizeBase(model: tf.LayersModel, seed = 1): void {
  model.weights.forEach((w, i) => {
    const shape = w.shape as number[];
    const name = w.originalName;
    const fanIn = Math.max(1, shape.slice(0, -1).reduce((a, b) => a * b, 1));
    const value = /moving_variance|gamma/.test(name) ? tf.ones(shape)
      : /moving_mean|beta|bias/.test(name) ? tf.zeros(shape)
        : tf.tensor(uniform(shape.reduce((a, b) => a * b, 1), Math.sqrt(6 / fanIn), seed + i), shape);
    w.write(value);
    value.dispose();
  });
}

/** n values uniform in [−limit, limit), xorshift32 (Marsaglia's 13, 17, 5) from a hashed seed. */
function uniform(n: number, limit: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = Math.imul(seed, 2654435761) || 1;
  const scale = limit / 2 ** 31;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s * scale;
  }
  return out;
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

/** The issue-16 goal: Graft's extraction at least as fast as Keras' on the same pretrained weights. */
export const EXTRACT_GOAL = 1.0;

export async function benchKerasExtract(options: BenchOptions = {}): Promise<ExtractBenchResult & { headline: Headline }> {
  const quick = options.quick ?? false;
  const reps = quick ? 1 : 3;
  const dir = scratchDir('extract');
  const rows: ExtractRow[] = [];
  let sweep: InputSizeSweep | undefined;
  let peer: PeerInfo | undefined;
  try {
    for (const c of CASES) {
      const set = fashionImages(quick ? c.quick : c.full, c.size, c.channels);
      const n = set.labels.length;
      const file = writeNpy(path.join(dir, `${c.arch}.npy`), set.images, [n, ...set.shape]);
      const pretrained = c.weights === 'imagenet';
      const base = pretrained ? await imagenetBase(c.arch, set.shape, c.inputSize!) : await frozenBase(c.arch, set.shape);
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
      let agreement: { maxAbsDiff: number; maxAbs: number; images: number } | null = null;
      try {
        // Graft's repetitions before and after Keras's: a change of load on the shared machine
        // during the measurement then weighs on both sides, not on one.
        await graftReps();
        const featuresFile = path.join(dir, `${c.arch}-keras-features.npy`);
        const pretrainedArgs: Record<string, string | number> = pretrained
          ? { weights: path.join(weightsDir(), c.arch, 'weights.safetensors'), size: c.inputSize!, 'features-out': featuresFile }
          : {};
        keras = await runPeer<PeerExtract>('extract.py', { arch: c.arch, images: file, batch: EXTRACT_BATCH, reps, ...pretrainedArgs });
        await graftReps();
        if (pretrained) {
          const compared = Math.min(COMPARED_IMAGES, n);
          const head = x.slice(0, compared);
          const features = await extractFeatures(base, head, EXTRACT_BATCH);
          head.dispose();
          try {
            agreement = { ...(await compareFeatures(features, featuresFile)), images: compared };
          } finally {
            features.dispose();
          }
          sweep = await inputSizeSweep(c, x, set.shape, quick ? 1 : SWEEP_REPS);
        }
      } finally {
        x.dispose();
        base.dispose();
      }
      peer = keras.peer;
      const graft = median(apply);
      rows.push({
        arch: c.arch, inputShape: set.shape, inputSize: c.inputSize ?? null, weights: c.weights, images: n, batchSize: EXTRACT_BATCH,
        graftApplyImagesPerSecond: graft, graftPredictImagesPerSecond: median(predict),
        kerasImagesPerSecond: keras.imagesPerSecond, ratio: graft / keras.imagesPerSecond,
        kerasPredictImagesPerSecond: keras.predictImagesPerSecond, kerasCallImagesPerSecond: keras.callImagesPerSecond,
        featureMaxAbsDiff: agreement?.maxAbsDiff ?? null, featureMaxAbs: agreement?.maxAbs ?? null, featureImages: agreement?.images ?? null,
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pretrained = rows.find((r) => r.weights === 'imagenet')!;
  return {
    rows, inputSizes: sweep!, reps, peer: peer!,
    headline: {
      value: pretrained.ratio, goal: EXTRACT_GOAL, better: 'higher', unit: '× Keras',
      what: `feature extraction speed, Graft extractFeatures ÷ Keras (images/s; the faster of predict and the model called per batch in a traced tf.function), ${pretrained.arch} with the same ImageNet weights at ${pretrained.inputSize ?? pretrained.inputShape[0]} px, batch ${pretrained.batchSize}; medians of ${2 * reps} Graft runs around Keras's ${reps}`,
    },
  };
}

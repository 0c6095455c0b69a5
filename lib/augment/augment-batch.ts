/**
 * Augmenting a split: `copies` augmented copies per image plus CutMix/MixUp
 * samples, deterministic from (seed, global image index, copy), batched on
 * the native backend, every batch in its own tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-node';
import { KeyedRandom } from '../data/random';
import type { ImageDataset } from '../data/types';
import { affineTransformRow } from './affine-matrix';
import { sampleBeta } from './beta';
import { augmentIsIdentity, normalizeAugmentOptions } from './config';
import { cutmixBatch, cutmixBox, boxArea, mixupBatch, type CutMixBox } from './mix';
import { brightnessBatch, channelShiftBatch } from './photometric';
import { projectiveTransform } from './native-transform';
import { sampleAugmentParams } from './sample';
import type { AugmentConfig, AugmentOptions, AugmentSample } from './types';

/** Images to augment: N·H·W·C values (bytes or floats, in image units) and hard labels. */
export interface AugmentInput {
  readonly images: Uint8Array | Float32Array;
  readonly labels: Int32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

export interface AugmentRunOptions {
  /** Classes, for the soft-label width. */
  readonly numClasses: number;
  /** Global index of the first input image: keys the random streams [0]. */
  readonly indexOffset?: number;
  /** Images per native call [128]. */
  readonly batchSize?: number;
  /** Upper clip for brightness [255]. */
  readonly maxValue?: number;
}

/** Augmented samples; originals are not included. */
export interface AugmentedSamples {
  /** count·H·W·C floats, in image units. */
  readonly images: Float32Array;
  /** count·numClasses soft labels (one-hot for plain copies). */
  readonly labels: Float32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly numClasses: number;
  /** Global index of the image each sample came from (image a for mixes). */
  readonly sourceIndex: Int32Array;
  /** How many of the samples (at the end, CutMix then MixUp) are mixed. */
  readonly mixed: number;
}

/**
 * Applies drawn augmentations to a float NHWC batch with Keras's result:
 * warp, channel shift, flips, brightness. Flips are folded into the warp's
 * matrix (exact), so the whole geometry is one native op; the channel shift
 * clips to each image's min/max, which a flip does not change.
 */
export function augmentTensorBatch(x: tf.Tensor4D, cfg: AugmentConfig, samples: readonly AugmentSample[], maxValue = 255): tf.Tensor4D {
  const [n, h, w] = x.shape;
  return tf.tidy(() => {
    let y: tf.Tensor4D = x.dtype === 'float32' ? x : x.toFloat();
    const geometric = cfg.rotationRange || cfg.widthShiftRange || cfg.heightShiftRange || cfg.shearRange || cfg.zoomRange[0] !== 1 || cfg.zoomRange[1] !== 1;
    const flips = samples.some((s) => s.flipHorizontal || s.flipVertical);
    if (geometric || flips) {
      const rows = samples.map((s) => affineTransformRow(geometric ? s.affine : {}, h, w, s));
      // Flips alone sample whole pixels: nearest is exact and the cheapest mode.
      y = projectiveTransform(y, tf.tensor2d(rows, [n, 8]), geometric ? cfg.fillMode : 'nearest', cfg.cval);
    }
    if (cfg.channelShiftRange) y = channelShiftBatch(y, samples.map((s) => s.channelShift));
    if (cfg.brightnessRange) y = brightnessBatch(y, samples.map((s) => s.brightness), maxValue);
    return y;
  });
}

/** One planned mixed sample. */
interface MixPlan {
  readonly kind: 'cutmix' | 'mixup';
  readonly a: number;
  readonly b: number;
  readonly lambda: number;
  readonly box?: CutMixBox;
}

const MIX_STREAM = 0x3c1;

/** Which images get a CutMix / MixUp partner, from the seed (partners come from the same input). */
function planMixes(cfg: AugmentConfig, n: number, offset: number, height: number, width: number): MixPlan[] {
  const plans: MixPlan[] = [];
  (['cutmix', 'mixup'] as const).forEach((kind, k) => {
    const opt = cfg[kind];
    if (!opt || n < 2) return;
    for (let i = 0; i < n; i++) {
      const rng = new KeyedRandom(cfg.seed, MIX_STREAM, k, offset + i);
      if (rng.next() >= opt.prob) continue;
      const b = (i + 1 + rng.int(n - 1)) % n; // any other image
      const lambda = sampleBeta(opt.alpha, opt.alpha, rng);
      if (kind === 'mixup') {
        plans.push({ kind, a: i, b, lambda });
      } else {
        const box = cutmixBox(lambda, height, width, rng);
        plans.push({ kind, a: i, b, lambda: 1 - boxArea(box) / (height * width), box });
      }
    }
  });
  return plans;
}

/**
 * `copies` augmented copies of every input image (copy-major: all images'
 * copy 0, then copy 1…), then the mixed samples, made from the original
 * images. Same config, seed and indices → same output, on any machine.
 */
export function augmentBatch(input: AugmentInput, options: AugmentOptions, run: AugmentRunOptions): AugmentedSamples {
  const cfg = normalizeAugmentOptions(options);
  const { height, width, channels } = input;
  const { numClasses, indexOffset = 0, batchSize = 128, maxValue = 255 } = run;
  const n = input.labels.length;
  const size = height * width * channels;
  if (input.images.length !== n * size) throw new RangeError(`augmentBatch: ${input.images.length} values for ${n} images of ${height}×${width}×${channels}`);
  const plans = planMixes(cfg, n, indexOffset, height, width);
  const plain = cfg.copies * n;
  const count = plain + plans.length;
  const images = new Float32Array(count * size);
  const labels = new Float32Array(count * numClasses);
  const sourceIndex = new Int32Array(count);
  const identity = augmentIsIdentity(cfg);
  const slice = (from: number, to: number): tf.Tensor4D =>
    tf.tensor4d(Float32Array.from(input.images.subarray(from * size, to * size)), [to - from, height, width, channels]);
  const pick = (which: readonly number[]): tf.Tensor4D => {
    const buf = new Float32Array(which.length * size);
    which.forEach((i, k) => buf.set(input.images.subarray(i * size, (i + 1) * size), k * size));
    return tf.tensor4d(buf, [which.length, height, width, channels]);
  };

  for (let copy = 0; copy < cfg.copies; copy++) {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const out = tf.tidy(() => {
        const x = slice(start, end);
        if (identity) return x;
        const samples = [];
        for (let i = start; i < end; i++) samples.push(sampleAugmentParams(cfg, height, width, indexOffset + i, copy));
        return augmentTensorBatch(x, cfg, samples, maxValue);
      });
      images.set(out.dataSync(), (copy * n + start) * size);
      out.dispose();
      for (let i = start; i < end; i++) {
        const at = copy * n + i;
        labels[at * numClasses + (input.labels[i] as number)] = 1;
        sourceIndex[at] = indexOffset + i;
      }
    }
  }

  for (let start = 0; start < plans.length; start += batchSize) {
    const chunk = plans.slice(start, start + batchSize);
    const out = tf.tidy(() => {
      const a = pick(chunk.map((p) => p.a));
      const b = pick(chunk.map((p) => p.b));
      const cut = chunk.every((p) => p.kind === 'cutmix');
      const mix = chunk.every((p) => p.kind === 'mixup');
      if (cut) return cutmixBatch(a, b, chunk.map((p) => p.box as CutMixBox));
      if (mix) return mixupBatch(a, b, chunk.map((p) => p.lambda));
      // A chunk straddling both kinds: a CutMix box of zero size is a no-op, λ = 1 MixUp too.
      const empty = { y0: 0, x0: 0, y1: 0, x1: 0 };
      const cutDone = cutmixBatch(a, b, chunk.map((p) => p.box ?? empty));
      return mixupBatch(cutDone, b, chunk.map((p) => (p.kind === 'mixup' ? p.lambda : 1)));
    });
    images.set(out.dataSync(), (plain + start) * size);
    out.dispose();
    chunk.forEach((p, k) => {
      const at = plain + start + k;
      labels[at * numClasses + (input.labels[p.a] as number)] += p.lambda;
      labels[at * numClasses + (input.labels[p.b] as number)] += 1 - p.lambda;
      sourceIndex[at] = indexOffset + p.a;
    });
  }
  return { images, labels, count, height, width, channels, numClasses, sourceIndex, mixed: plans.length };
}

/** `augmentBatch` over a whole dataset (its class count gives the label width). */
export function augmentDataset(
  ds: ImageDataset,
  options: AugmentOptions,
  run: Omit<AugmentRunOptions, 'numClasses'> = {},
): AugmentedSamples {
  return augmentBatch(ds, options, { ...run, numClasses: ds.classNames.length });
}

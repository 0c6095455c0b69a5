/**
 * MixUp (Zhang et al., 2018) and CutMix (Yun et al., 2019) of two images with
 * soft labels. Both return the effective ratio λ: the weight of image a in
 * the result, used for the label y = λ·y_a + (1−λ)·y_b.
 */
import * as tf from '@tensorflow/tfjs-node';
import type { RandomSource } from '../data/random';

/** A mixed image with its soft label. */
export interface MixResult {
  readonly image: tf.Tensor3D;
  readonly label: Float32Array;
  readonly lambda: number;
}

/** A box of rows [y0, y1) and columns [x0, x1). */
export interface CutMixBox {
  readonly y0: number;
  readonly x0: number;
  readonly y1: number;
  readonly x1: number;
}

type Label = ArrayLike<number>;

/** λ·ya + (1−λ)·yb. */
export function mixLabels(ya: Label, yb: Label, lambda: number): Float32Array {
  if (ya.length !== yb.length) throw new RangeError(`label lengths differ: ${ya.length} vs ${yb.length}`);
  const out = new Float32Array(ya.length);
  for (let i = 0; i < ya.length; i++) out[i] = lambda * (ya[i] ?? 0) + (1 - lambda) * (yb[i] ?? 0);
  return out;
}

/** x = λ·a + (1−λ)·b, y = λ·ya + (1−λ)·yb. */
export function mixup(a: tf.Tensor3D, b: tf.Tensor3D, ya: Label, yb: Label, lambda: number): MixResult {
  if (!(lambda >= 0 && lambda <= 1)) throw new RangeError(`mixup lambda must be in [0, 1], got ${lambda}`);
  const image = tf.tidy(() => a.toFloat().mul(lambda).add(b.toFloat().mul(1 - lambda)) as tf.Tensor3D);
  return { image, label: mixLabels(ya, yb, lambda), lambda };
}

/** The box clipped to an h×w image (integers, possibly empty). */
export function clipBox(box: CutMixBox, height: number, width: number): CutMixBox {
  const c = (v: number, hi: number): number => Math.min(Math.max(Math.round(v), 0), hi);
  const y0 = c(box.y0, height);
  const x0 = c(box.x0, width);
  return { y0, x0, y1: Math.max(y0, c(box.y1, height)), x1: Math.max(x0, c(box.x1, width)) };
}

/**
 * The papers' box for a drawn λ: sides H·√(1−λ) and W·√(1−λ) (truncated),
 * centre uniform over the pixels, clipped to the image. With no `rng`, the
 * box is centred.
 */
export function cutmixBox(lambda: number, height: number, width: number, rng?: RandomSource): CutMixBox {
  const r = Math.sqrt(Math.max(0, 1 - lambda));
  const ch = Math.floor(height * r);
  const cw = Math.floor(width * r);
  const cy = rng ? Math.floor(rng.next() * height) : Math.floor(height / 2);
  const cx = rng ? Math.floor(rng.next() * width) : Math.floor(width / 2);
  return clipBox({ y0: cy - Math.floor(ch / 2), x0: cx - Math.floor(cw / 2), y1: cy + Math.ceil(ch / 2), x1: cx + Math.ceil(cw / 2) }, height, width);
}

/** The share of the image inside `box` (already clipped). */
export function boxArea(box: CutMixBox): number {
  return (box.y1 - box.y0) * (box.x1 - box.x0);
}

/** 1 inside the box, 0 outside, as an H×W×1 float mask. */
function boxMask(box: CutMixBox, height: number, width: number): tf.Tensor3D {
  return tf.tidy(() => {
    const rows = tf.range(0, height).reshape([height, 1, 1]);
    const cols = tf.range(0, width).reshape([1, width, 1]);
    const inRows = rows.greaterEqual(box.y0).logicalAnd(rows.less(box.y1));
    const inCols = cols.greaterEqual(box.x0).logicalAnd(cols.less(box.x1));
    return inRows.logicalAnd(inCols).toFloat() as tf.Tensor3D;
  });
}

/**
 * Pastes `box` of b into a. λ is recomputed from the pasted area,
 * λ = 1 − |box|/(H·W), and the label is λ·ya + (1−λ)·yb (the papers'
 * formula). Without `box`, the box comes from `lambda` (`cutmixBox`, centred).
 */
export function cutmix(a: tf.Tensor3D, b: tf.Tensor3D, ya: Label, yb: Label, lambda: number, box?: CutMixBox): MixResult {
  const [height, width] = a.shape;
  const clipped = clipBox(box ?? cutmixBox(lambda, height, width), height, width);
  const effective = 1 - boxArea(clipped) / (height * width);
  const image = tf.tidy(() => {
    const mask = boxMask(clipped, height, width);
    return a.toFloat().mul(tf.sub(1, mask)).add(b.toFloat().mul(mask)) as tf.Tensor3D;
  });
  return { image, label: mixLabels(ya, yb, effective), lambda: effective };
}

/** Batched CutMix: sample i takes box i of b[i] into a[i]. */
export function cutmixBatch(a: tf.Tensor4D, b: tf.Tensor4D, boxes: readonly CutMixBox[]): tf.Tensor4D {
  const [n, height, width] = a.shape;
  return tf.tidy(() => {
    const col = (k: keyof CutMixBox): tf.Tensor => tf.tensor4d(boxes.map((bx) => bx[k]), [n, 1, 1, 1]);
    const rows = tf.range(0, height).reshape([1, height, 1, 1]);
    const cols = tf.range(0, width).reshape([1, 1, width, 1]);
    const inside = rows.greaterEqual(col('y0')).logicalAnd(rows.less(col('y1')))
      .logicalAnd(cols.greaterEqual(col('x0')).logicalAnd(cols.less(col('x1'))))
      .toFloat();
    return a.mul(tf.sub(1, inside)).add(b.mul(inside)) as tf.Tensor4D;
  });
}

/** Batched MixUp: λ[i]·a[i] + (1−λ[i])·b[i]. */
export function mixupBatch(a: tf.Tensor4D, b: tf.Tensor4D, lambdas: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const l = tf.tensor4d(Array.from(lambdas), [lambdas.length, 1, 1, 1]);
    return a.mul(l).add(b.mul(tf.sub(1, l))) as tf.Tensor4D;
  });
}

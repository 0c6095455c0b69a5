/**
 * Keras's affine matrix, built the way `apply_affine_transform` builds it
 * (Keras 3 legacy / tf.keras 2.9+): M = rotation · shift · shear · zoom,
 * centred as O·M·O⁻¹ with O = offset (h/2 − 0.5, w/2 − 0.5). Keras then
 * swaps axes (P·T·P) before handing rows/cols to scipy, which is the same as
 * reading T on (column, row) coordinates — exactly the (x, y) order of
 * `tf.image.transform`. So T's first row gives the input column, the second
 * the input row. (Keras's quirk kept: the first offset uses h, so for
 * non-square images the centre is (w/2−0.5, h/2−0.5) in (row, col).)
 */
import type { AffineParams } from './types';

/** A 3×3 matrix, row-major. */
export type Matrix3 = [number, number, number, number, number, number, number, number, number];

const IDENTITY: Matrix3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function matMul3(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array<number>(9).fill(0) as Matrix3;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      out[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
    }
  }
  return out;
}

const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Keras's centred matrix T for an h×w image (maps output (x=col, y=row) to input). */
export function kerasAffineMatrix(params: AffineParams, height: number, width: number): Matrix3 {
  const { theta = 0, tx = 0, ty = 0, shear = 0, zx = 1, zy = 1 } = params;
  let m = IDENTITY;
  if (theta !== 0) {
    const t = rad(theta);
    m = matMul3(m, [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1]);
  }
  if (tx !== 0 || ty !== 0) m = matMul3(m, [1, 0, tx, 0, 1, ty, 0, 0, 1]);
  if (shear !== 0) {
    const s = rad(shear);
    m = matMul3(m, [1, -Math.sin(s), 0, 0, Math.cos(s), 0, 0, 0, 1]);
  }
  if (zx !== 1 || zy !== 1) m = matMul3(m, [zx, 0, 0, 0, zy, 0, 0, 0, 1]);
  const ox = height / 2 - 0.5;
  const oy = width / 2 - 0.5;
  return matMul3(matMul3([1, 0, ox, 0, 1, oy, 0, 0, 1], m), [1, 0, -ox, 0, 1, -oy, 0, 0, 1]);
}

/** Mirrors applied after the warp (Keras flips after `apply_affine_transform`). */
export interface FlipFlags {
  readonly flipHorizontal?: boolean;
  readonly flipVertical?: boolean;
}

/**
 * The 8-number row `tf.image.transform` takes: [a0, a1, a2, b0, b1, b2, 0, 0].
 * Flips after the warp fold into the matrix (output p reads the warp at F·p),
 * which is exact and saves a pass over the batch.
 */
export function affineTransformRow(params: AffineParams, height: number, width: number, flips: FlipFlags = {}): number[] {
  let t = kerasAffineMatrix(params, height, width);
  if (flips.flipHorizontal) t = matMul3(t, [-1, 0, width - 1, 0, 1, 0, 0, 0, 1]);
  if (flips.flipVertical) t = matMul3(t, [1, 0, 0, 0, -1, height - 1, 0, 0, 1]);
  return [t[0], t[1], t[2], t[3], t[4], t[5], 0, 0];
}

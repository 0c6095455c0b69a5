/** Keras-exact affine transforms of one image or a batch, on the native backend. */
import * as tf from '@tensorflow/tfjs-node';
import { affineTransformRow } from './affine-matrix';
import { projectiveTransform } from './native-transform';
import type { AffineParams, FillMode } from './types';

/**
 * Keras's `apply_affine_transform(x, …, row_axis=0, col_axis=1,
 * channel_axis=2, order=1)` for an H×W×C image (any dtype; float32 out).
 */
export function applyAffine(image: tf.Tensor3D, params: AffineParams): tf.Tensor3D {
  return tf.tidy(() => {
    const batch = image.expandDims(0) as tf.Tensor4D;
    return applyAffineBatch(batch, [params], params.fillMode, params.cval).squeeze([0]) as tf.Tensor3D;
  });
}

/**
 * One `applyAffine` per image of an N×H×W×C batch, in a single native op.
 * `params[i]` goes with image i; fill mode and cval are shared (the ones in
 * the arguments win over the per-image ones).
 */
export function applyAffineBatch(images: tf.Tensor4D, params: readonly AffineParams[], fillMode?: FillMode, cval?: number): tf.Tensor4D {
  const [n, h, w] = images.shape;
  if (params.length !== n) throw new RangeError(`applyAffineBatch: ${params.length} parameter sets for ${n} images`);
  const mode = fillMode ?? params[0]?.fillMode ?? 'nearest';
  const fill = cval ?? params[0]?.cval ?? 0;
  return tf.tidy(() => {
    const rows = tf.tensor2d(params.map((p) => affineTransformRow(p, h, w)), [n, 8], 'float32');
    return projectiveTransform(images, rows, mode, fill);
  });
}

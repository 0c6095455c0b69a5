/**
 * Projective warps on TensorFlow's own `ImageProjectiveTransformV3` kernel.
 * tfjs-node 4.22 registers no `Transform` kernel for its native backend, so
 * `tf.image.transform` would throw there; we call the op directly (other
 * backends use `tf.image.transform`). Bilinear sampling throughout.
 */
import * as tf from '@tensorflow/tfjs-node';
import { createTensorsTypeOpAttr, type NodeJSKernelBackend } from '@tensorflow/tfjs-node/dist/nodejs_kernel_backend';
import type { FillMode } from './types';
import { wrapTransform } from './wrap-sampler';

type TfFillMode = 'constant' | 'reflect' | 'nearest';

function rawTransform(images: tf.Tensor4D, transforms: tf.Tensor2D, mode: TfFillMode, fill: number): tf.Tensor4D {
  if (tf.getBackend() !== 'tensorflow') return tf.image.transform(images, transforms, 'bilinear', mode, fill);
  const backend = tf.backend() as NodeJSKernelBackend;
  const [, h, w] = images.shape;
  return tf.tidy(() => {
    const shape = tf.tensor1d([h, w], 'int32');
    const fillValue = tf.scalar(fill, 'float32');
    const attrs = [
      createTensorsTypeOpAttr('dtype', 'float32'),
      { name: 'interpolation', type: backend.binding.TF_ATTR_STRING, value: 'BILINEAR' },
      { name: 'fill_mode', type: backend.binding.TF_ATTR_STRING, value: mode.toUpperCase() },
    ];
    return backend.executeSingleOutput('ImageProjectiveTransformV3', attrs, [images, transforms, shape, fillValue]) as tf.Tensor4D;
  });
}

/**
 * Warps float32 NHWC `images` with one 8-number row per image (output (x, y)
 * → input, x = column). Fill modes follow scipy.ndimage as Keras calls it:
 * `nearest` and `reflect` match TF's own; `constant` is built from `nearest`
 * plus a mask, because TF blends cval into border pixels while scipy gives
 * cval only to points outside [0, n−1]; `wrap` is scipy's period-(n−1)
 * wrap, sampled with gathers (see wrap-sampler.ts and docs/augment.md).
 */
export function projectiveTransform(images: tf.Tensor4D, transforms: tf.Tensor2D, fillMode: FillMode = 'nearest', cval = 0): tf.Tensor4D {
  return tf.tidy(() => {
    const x = images.dtype === 'float32' ? images : images.toFloat();
    if (fillMode === 'wrap') return wrapTransform(x, transforms);
    if (fillMode !== 'constant') return rawTransform(x, transforms, fillMode, 0);
    const warped = rawTransform(x, transforms, 'nearest', 0);
    const [n, h, w] = x.shape;
    // 1 exactly where the sample point lies inside the image, < 1 at and beyond its edge.
    const inside = rawTransform(tf.ones([n, h, w, 1]), transforms, 'constant', 0).greaterEqual(1 - 1e-5);
    return tf.where(inside.tile([1, 1, 1, x.shape[3]]), warped, tf.fill(warped.shape, cval)) as tf.Tensor4D;
  });
}

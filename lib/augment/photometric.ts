/** Per-image photometric changes and flips on an NHWC float batch (Keras's order: shift, flips, brightness). */
import * as tf from '@tensorflow/tfjs-node';

const perImage = (values: readonly number[]): tf.Tensor4D => tf.tensor4d(Array.from(values), [values.length, 1, 1, 1], 'float32');

/**
 * Adds `intensity[i]` to every channel of image i, clipped to that image's own
 * min and max before the shift (Keras's `apply_channel_shift`).
 */
export function channelShiftBatch(x: tf.Tensor4D, intensity: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const lo = x.min([1, 2, 3], true);
    const hi = x.max([1, 2, 3], true);
    return tf.minimum(tf.maximum(x.add(perImage(intensity)), lo), hi) as tf.Tensor4D;
  });
}

/** Mirrors image i left–right where `horizontal[i]`, top–bottom where `vertical[i]`. */
export function flipBatch(x: tf.Tensor4D, horizontal: readonly boolean[], vertical: readonly boolean[]): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x;
    if (horizontal.some(Boolean)) y = tf.where(perImage(horizontal.map(Number)).cast('bool').tile([1, ...y.shape.slice(1)]), tf.reverse(y, 2), y);
    if (vertical.some(Boolean)) y = tf.where(perImage(vertical.map(Number)).cast('bool').tile([1, ...y.shape.slice(1)]), tf.reverse(y, 1), y);
    return y;
  });
}

/** Multiplies image i by `factor[i]`, clipped to [0, maxValue]. */
export function brightnessBatch(x: tf.Tensor4D, factor: readonly number[], maxValue: number): tf.Tensor4D {
  return tf.tidy(() => x.mul(perImage(factor)).clipByValue(0, maxValue) as tf.Tensor4D);
}

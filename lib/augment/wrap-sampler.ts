/**
 * scipy.ndimage's legacy `wrap` mode, which Keras's `fill_mode='wrap'` uses:
 * a coordinate outside [0, n−1] is wrapped with period n − 1 (the first and
 * last samples overlap), then interpolated bilinearly inside the image. No TF
 * kernel does that, so this samples with tensor ops (gather) instead.
 */
import * as tf from '@tensorflow/tfjs-node';

/** scipy's `map_coordinate` for NI_EXTEND_WRAP, elementwise. */
function wrapCoordinate(c: tf.Tensor2D, len: number): tf.Tensor2D {
  if (len <= 1) return tf.zerosLike(c);
  const sz = len - 1;
  const below = c.add(tf.floor(c.neg().div(sz)).add(1).mul(sz));
  const above = c.sub(tf.floor(c.div(sz)).mul(sz));
  return tf.where(c.less(0), below, tf.where(c.greater(sz), above, c)) as tf.Tensor2D;
}

/** Bilinear warp of float32 NHWC `images` by per-image rows [a0 a1 a2 b0 b1 b2 · ·], wrap fill. */
export function wrapTransform(images: tf.Tensor4D, transforms: tf.Tensor2D): tf.Tensor4D {
  const [n, h, w, ch] = images.shape;
  return tf.tidy(() => {
    const ys = tf.range(0, h).reshape([h, 1]).tile([1, w]).reshape([1, h * w]);
    const xs = tf.range(0, w).reshape([1, w]).tile([h, 1]).reshape([1, h * w]);
    const col = (k: number): tf.Tensor2D => transforms.slice([0, k], [n, 1]);
    const inX = wrapCoordinate(col(0).mul(xs).add(col(1).mul(ys)).add(col(2)), w);
    const inY = wrapCoordinate(col(3).mul(xs).add(col(4).mul(ys)).add(col(5)), h);
    const x0 = tf.floor(inX);
    const y0 = tf.floor(inY);
    const fx = inX.sub(x0).reshape([n * h * w, 1]);
    const fy = inY.sub(y0).reshape([n * h * w, 1]);
    const base = tf.range(0, n).mul(h * w).reshape([n, 1]);
    const flat = images.reshape([n * h * w, ch]);
    const pick = (x: tf.Tensor, y: tf.Tensor): tf.Tensor2D => {
      // Float arithmetic on small integers is exact; cast once at the end.
      const index = y.clipByValue(0, h - 1).mul(w).add(x.clipByValue(0, w - 1)).add(base);
      return tf.gather(flat, index.reshape([n * h * w]).toInt()) as tf.Tensor2D;
    };
    const x1 = x0.add(1);
    const y1 = y0.add(1);
    const top = pick(x0, y0).mul(tf.sub(1, fx)).add(pick(x1, y0).mul(fx));
    const bottom = pick(x0, y1).mul(tf.sub(1, fx)).add(pick(x1, y1).mul(fx));
    return top.mul(tf.sub(1, fy)).add(bottom.mul(fy)).reshape([n, h, w, ch]) as tf.Tensor4D;
  });
}

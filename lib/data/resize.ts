/** Resizing and channel conversion, batched on the native backend. */
import * as tf from '@tensorflow/tfjs-node';
import type { ImageDataset } from './types';

const BATCH = 256;

/**
 * Resizes NHWC uint8 `images` to [h, w] (bilinear, half-pixel centres) and
 * converts gray→RGB (or RGB→gray, luma) when `channels` differs.
 */
export function resizeImageArray(
  images: Uint8Array,
  shape: { count: number; height: number; width: number; channels: number },
  size: readonly [number, number],
  channels: number,
): Uint8Array {
  const { count, height, width } = shape;
  const [h, w] = size;
  if (h === height && w === width && channels === shape.channels) return images;
  const inSize = height * width * shape.channels;
  const outSize = h * w * channels;
  const out = new Uint8Array(count * outSize);
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const data = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * inSize, (start + n) * inSize), [n, height, width, shape.channels], 'int32');
      let y: tf.Tensor4D = x.toFloat();
      if (h !== height || w !== width) y = tf.image.resizeBilinear(y, [h, w], false, true);
      y = convertChannels(y, channels);
      return y.round().clipByValue(0, 255).toInt();
    });
    out.set(data.dataSync(), start * outSize);
    data.dispose();
  }
  return out;
}

/** Gray→RGB by repeating the channel; RGB→gray by ITU-R 601 luma. */
export function convertChannels(x: tf.Tensor4D, channels: number): tf.Tensor4D {
  const c = x.shape[3];
  if (c === channels) return x;
  if (c === 1 && channels === 3) return tf.tile(x, [1, 1, 1, 3]);
  if (c === 3 && channels === 1) return tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), 3, true);
  throw new RangeError(`cannot convert ${c} channels to ${channels}`);
}

/** The dataset at [h, w] × `channels` (same object when nothing changes). */
export function resizeDataset(ds: ImageDataset, size: readonly [number, number], channels: number = ds.channels): ImageDataset {
  if (size[0] === ds.height && size[1] === ds.width && channels === ds.channels) return ds;
  const images = resizeImageArray(
    ds.images,
    { count: ds.labels.length, height: ds.height, width: ds.width, channels: ds.channels },
    size,
    channels,
  );
  return { ...ds, images, height: size[0], width: size[1], channels };
}

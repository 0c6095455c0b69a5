import * as tf from '@tensorflow/tfjs-node';

export type ImageBatches = tf.Tensor | Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>;

/**
 * Runs the (frozen) base once over images, in inference mode, and returns the
 * features stacked on axis 0. `images` is one tensor (cut into `batchSize`
 * batches) or a (async) iterable of batches; batches passed in are not
 * disposed. Each batch's intermediates are freed at once by tf.tidy.
 */
export async function extractFeatures(base: tf.LayersModel, images: ImageBatches, batchSize = 32): Promise<tf.Tensor> {
  const parts: tf.Tensor[] = [];
  const run = (batch: () => tf.Tensor): void => {
    parts.push(tf.tidy(() => base.apply(batch(), { training: false }) as tf.Tensor));
  };
  try {
    if (images instanceof tf.Tensor) {
      const n = images.shape[0] ?? 0;
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        run(() => images.slice(start, size));
      }
    } else {
      for await (const batch of images) run(() => batch);
    }
    if (parts.length === 0) throw new Error('extractFeatures: no images');
    return parts.length === 1 ? parts[0]!.clone() : tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}

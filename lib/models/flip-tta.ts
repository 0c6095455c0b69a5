/**
 * Test-time augmentation by horizontal flip: a sample's class probabilities
 * are the mean of the model's softmax on the image and on its mirror image.
 * Graft's heads end in softmax, so the model's outputs are averaged as they are.
 */
import * as tf from '@tensorflow/tfjs-node';
import type { ArraySource, InferenceOptions } from './features';

export interface FlipTtaInput {
  /** What `model` takes: the images themselves, or their cached features. */
  readonly input: ArraySource;
  /**
   * The same samples as 8-bit images (N×H×W×C), when `input` is features:
   * their mirror images go through `base` to become the model's input.
   * Absent: `input` is the images.
   */
  readonly images?: ArraySource;
  /** The frozen base that made `input` from `images`; needed with `images`. */
  readonly base?: tf.LayersModel;
}

/** The mean of the model's probabilities on each sample and on its horizontal flip, N×K row-major. */
export async function flipAveragedProbabilities(model: tf.LayersModel, tta: FlipTtaInput, options: InferenceOptions): Promise<{ values: Float32Array; classes: number }> {
  const { input, images, base } = tta;
  if ((images === undefined) !== (base === undefined)) throw new Error('flip TTA: images and base come together (features in, flipped images through the base)');
  const pixels = images ?? input;
  if (!(pixels.data instanceof Uint8Array) || pixels.shape.length !== 4) throw new Error('flip TTA needs 8-bit N×H×W×C images to mirror');
  const count = input.shape[0] ?? 0;
  if ((pixels.shape[0] ?? 0) !== count) throw new Error(`flip TTA: ${pixels.shape[0]} images for ${count} samples`);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${options.batchSize}`);
  const classes = model.outputs[0]?.shape.at(-1) ?? 0;
  const values = new Float32Array(count * classes);
  for (let start = 0; start < count; start += options.batchSize) {
    const size = Math.min(options.batchSize, count - start);
    const mean = tf.tidy(() => {
      const mirrored = tf.image.flipLeftRight(batchOf(pixels, start, size) as tf.Tensor4D);
      const plain = model.apply(batchOf(input, start, size), { training: false }) as tf.Tensor;
      const flipped = model.apply(base ? base.apply(mirrored, { training: false }) as tf.Tensor : mirrored, { training: false }) as tf.Tensor;
      return tf.add(plain, flipped).div(2);
    });
    try {
      if (mean.size !== size * classes) throw new Error(`flip TTA: output shape [${mean.shape.join(', ')}] is not [${size}, ${classes}]`);
      values.set(mean.dataSync(), start * classes);
    } finally {
      mean.dispose();
    }
    await options.onBatch?.(start + size, count);
  }
  return { values, classes };
}

/** The class of every sample by the mean of the model's probabilities on it and on its horizontal flip (ties to the lower index). */
export async function predictClassesFlipAveraged(model: tf.LayersModel, tta: FlipTtaInput, options: InferenceOptions): Promise<Int32Array> {
  const { values, classes } = await flipAveragedProbabilities(model, tta, options);
  const out = new Int32Array(classes > 0 ? values.length / classes : 0);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (values[i * classes + k]! > values[i * classes + best]!) best = k;
    out[i] = best;
  }
  return out;
}

/** Samples `[start, start + size)` as float32; 8-bit pixels scaled to [0, 1] as every inference path feeds them. Call inside a tidy. */
function batchOf(source: ArraySource, start: number, size: number): tf.Tensor {
  const sampleShape = source.shape.slice(1);
  const sample = sampleShape.reduce((a, b) => a * b, 1);
  const part = source.data.subarray(start * sample, (start + size) * sample);
  const shape = [size, ...sampleShape];
  return part instanceof Uint8Array ? tf.div(tf.tensor(Float32Array.from(part), shape), 255) : tf.tensor(part, shape);
}

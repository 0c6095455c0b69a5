import * as tf from '@tensorflow/tfjs-node';
import { efficientNetLite, efficientNetLiteContract, isEfficientNetLite, type EfficientNetLite } from './bases/efficientnet-lite';
import { assignEfficientNetLiteWeights, imagenetClassNames, readImagenetWeights, type WeightsSource } from './bases/imagenet-weights';
import { ModelError } from '../errors';
import { outputRows, runInferenceSync } from './features';

/** A pretrained base with its 1000-class ImageNet head: `graft classify`, and the proof that the weights are right. */
export interface ImagenetClassifier {
  readonly variant: EfficientNetLite;
  readonly model: tf.LayersModel;
  /** [height, width] the photos are resized to. */
  readonly size: readonly [number, number];
  readonly classNames: readonly string[];
  readonly source: WeightsSource;
}

export interface ClassScore {
  readonly index: number;
  readonly label: string;
  readonly probability: number;
}

export { isEfficientNetLite };

export async function loadImagenetClassifier(variant: EfficientNetLite = 'efficientnet-lite0'): Promise<ImagenetClassifier> {
  const { size } = efficientNetLiteContract(variant);
  const [{ tensors, source }, classNames] = await Promise.all([readImagenetWeights(variant), imagenetClassNames()]);
  const model = efficientNetLite(variant, [size[0], size[1], 3], { includeTop: true });
  try {
    assignEfficientNetLiteWeights(model, tensors);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { variant, model, size, classNames, source };
}

/**
 * An 8-bit image (HWC, 1, 3 or 4 channels) as the classifier's input: RGB,
 * resized bilinearly with half-pixel centres (TF2's and Pillow's grid; no
 * antialiasing, so a large photo loses some fine detail), pixels / 255. The
 * network's own first layers then apply the weights' normalization.
 */
export function photoToInput(image: tf.Tensor3D, size: readonly [number, number]): tf.Tensor3D {
  return tf.tidy(() => {
    let rgb = tf.cast(image, 'float32') as tf.Tensor3D;
    const channels = rgb.shape[2];
    if (channels === 4) rgb = rgb.slice([0, 0, 0], [-1, -1, 3]);
    else if (channels === 1) rgb = tf.tile(rgb, [1, 1, 3]);
    else if (channels !== 3) throw new ModelError(`cannot classify a ${channels}-channel image`);
    return tf.div(tf.image.resizeBilinear(rgb, [size[0], size[1]], false, true), 255) as tf.Tensor3D;
  });
}

/** The `top` most probable ImageNet classes of each image, best first (as Keras's `decode_predictions`). */
export function classifyImages(classifier: ImagenetClassifier, images: readonly tf.Tensor3D[], top = 5): ClassScore[][] {
  if (images.length === 0) return [];
  const batch = tf.tidy(() => tf.stack(images.map((img) => photoToInput(img, classifier.size))));
  try {
    return outputRows(runInferenceSync(classifier.model, batch, images.length)).map((row) => topClasses(row, classifier.classNames, top));
  } finally {
    batch.dispose();
  }
}

export function topClasses(probabilities: readonly number[], classNames: readonly string[], top: number): ClassScore[] {
  return probabilities
    .map((probability, index) => ({ index, label: classNames[index] ?? String(index), probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, top);
}

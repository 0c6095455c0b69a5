import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../errors';
import type { ObjectStore } from '../store/object-store';
import { loadModelFromUri, readModelSideFile, saveModelToUri, writeModelSideFile } from './io/load-save';
import type { ModelIOOptions } from './io/resolve';
import type { ModelLineage } from './lineage';
import { outputRows, runInferenceSync } from './features';

export interface PublishedModel {
  readonly model: tf.LayersModel;
  /** From `labels.json`, else `lineage.json`; null when neither names them. */
  readonly classNames: readonly string[] | null;
  readonly lineage: ModelLineage | null;
}

export interface Prediction {
  readonly index: number;
  readonly className: string;
  readonly probability: number;
  /** All classes, most likely first. */
  readonly ranked: readonly { readonly index: number; readonly className: string; readonly probability: number }[];
}

const toOpts = (s?: ObjectStore | ModelIOOptions): ModelIOOptions =>
  s === undefined ? {} : 'bucket' in s ? { store: s as ObjectStore } : s;

/** Loads a published model and the class names / lineage stored next to it. */
export async function loadPublishedModel(uri: string, store?: ObjectStore | ModelIOOptions): Promise<PublishedModel> {
  const opts = toOpts(store);
  const model = await loadModelFromUri(uri, opts);
  const lineage = parseJson<ModelLineage>(await readModelSideFile(uri, 'lineage.json', opts), 'lineage.json');
  const labels = parseJson<unknown>(await readModelSideFile(uri, 'labels.json', opts), 'labels.json');
  const fromLabels = Array.isArray(labels) ? labels
    : labels !== null && typeof labels === 'object' ? (labels as { classNames?: unknown }).classNames : undefined;
  const classNames = isStringArray(fromLabels) ? fromLabels : (lineage?.classNames ?? null);
  return { model, classNames, lineage };
}

/** Publishes a model with `labels.json` and `lineage.json` next to `model.json`. */
export async function savePublishedModel(
  model: tf.LayersModel, uri: string, meta: { classNames?: readonly string[] | null; lineage?: ModelLineage | null },
  store?: ObjectStore | ModelIOOptions,
): Promise<void> {
  const opts = toOpts(store);
  await saveModelToUri(model, uri, opts);
  if (meta.classNames) await writeModelSideFile(uri, 'labels.json', JSON.stringify(meta.classNames), opts);
  if (meta.lineage) await writeModelSideFile(uri, 'lineage.json', JSON.stringify(meta.lineage, null, 2), opts);
}

/**
 * Resizes 8-bit images (HWC) to the model's input size and channel count and
 * scales them (by `scale`, 1/255 by default) into one batch.
 */
export function prepareImages(images: readonly tf.Tensor3D[], inputShape: readonly (number | null)[], scale = 1 / 255): tf.Tensor4D {
  const [h, w, c] = inputShape.slice(-3);
  if (h == null || w == null || c == null) throw new ModelError(`model input shape [${inputShape.join(', ')}] is not an image`);
  return tf.tidy(() => tf.stack(images.map((img) => {
    let x = tf.image.resizeBilinear(tf.cast(img, 'float32'), [h, w]);
    if (x.shape[2] === 4) x = x.slice([0, 0, 0], [h, w, 3]); // drop alpha
    const have = x.shape[2];
    if (have === 3 && c === 1) x = tf.mean(x, -1, true);
    else if (have === 1 && c === 3) x = tf.tile(x, [1, 1, 3]);
    else if (have !== c) throw new ModelError(`cannot turn a ${have}-channel image into ${c} channels`);
    return tf.mul(x, scale);
  })) as tf.Tensor4D);
}

/** Top class and probability per image of a prepared batch, run as one batch through the shared inference loop. */
export function predictImages(model: tf.LayersModel, images: tf.Tensor4D, classNames: readonly string[] | null): Prediction[] {
  return outputRows(runInferenceSync(model, images, Math.max(1, images.shape[0]))).map((row) => {
    const ranked = row
      .map((probability, index) => ({ index, className: classNames?.[index] ?? String(index), probability }))
      .sort((a, b) => b.probability - a.probability);
    return { ...ranked[0]!, ranked };
  });
}

/** The prediction for one 8-bit image (HWC) with a published model: resized, scaled by its lineage's `inputScale` (1/255 without one). */
export function predictImage(pub: PublishedModel, image: tf.Tensor3D): Prediction {
  const batch = prepareImages([image], pub.model.inputs[0]!.shape, pub.lineage?.inputScale ?? 1 / 255);
  try {
    return predictImages(pub.model, batch, pub.classNames)[0]!;
  } finally {
    batch.dispose();
  }
}

function parseJson<T>(buf: Buffer | undefined, name: string): T | null {
  if (buf === undefined) return null;
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (err) {
    throw new ModelError(`${name}: not JSON: ${(err as Error).message}`);
  }
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

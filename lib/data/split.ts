/** Deterministic train/validation/test split, stable per image. */
import { createHash } from 'node:crypto';
import { DataError } from '../errors';
import { datasetSubset, indicesByLabel } from './subset';
import { datasetSampleSize, type DatasetSplitOptions, type ImageDataset } from './types';

export interface DatasetSplits {
  readonly train: ImageDataset;
  readonly validation: ImageDataset;
  readonly test: ImageDataset;
}

/**
 * How many of `n` images of one class validation and test are expected to
 * get. The split itself draws per image (see `splitDataset`), so a class's
 * actual counts vary around these.
 */
export function splitCounts(n: number, options: DatasetSplitOptions): { validation: number; test: number; train: number } {
  const validation = Math.round(n * options.validation);
  const test = Math.min(Math.round(n * options.test), n - validation);
  return { validation, test, train: n - validation - test };
}

/** Two numbers in [0, 1) fixed by an image's pixels and the seed alone. */
export interface ImageDraw {
  /** Where the image goes: validation below `validation`, test below `validation + test`, else train. */
  readonly place: number;
  /** Its rank among the training images of its class, for `trainPerClass`. */
  readonly rank: number;
}

/** sha256 of (seed, pixels), read as two 48-bit fractions (exact in a double). */
export function imageDraw(pixels: Uint8Array, seed: number): ImageDraw {
  const digest = createHash('sha256').update(`graft-split/${seed}\n`).update(pixels).digest();
  return { place: digest.readUIntBE(0, 6) / 2 ** 48, rank: digest.readUIntBE(6, 6) / 2 ** 48 };
}

/**
 * Splits per image: an image's place is a hash of its pixels and the seed,
 * so it never depends on the other images. Growing a dataset therefore
 * never moves an image between splits, and a retrained model's test images
 * were never a training image of the model it replaces (while the split
 * settings stay the same). Each class goes to
 * validation and test with the same probabilities (stratified in
 * expectation; the counts are approximate).
 *
 * A class whose images all fall outside the test band, while `test > 0`,
 * still gets one test image: its training image nearest the band. As the
 * class grows that choice only ever passes to a new image (the old one goes
 * back to train), so no training image ever becomes a test image.
 *
 * `trainPerClass` keeps the training images of each class with the lowest
 * per-image rank, so a smaller budget's images are part of a larger one's
 * and validation and test do not depend on it. Each split keeps dataset order.
 */
export function splitDataset(ds: ImageDataset, options: DatasetSplitOptions): DatasetSplits {
  const { seed } = options;
  const size = datasetSampleSize(ds);
  const draws = Array.from({ length: ds.labels.length }, (_, i) => imageDraw(ds.images.subarray(i * size, (i + 1) * size), seed));
  const parts = splitIndices(ds.labels, ds.classNames.length, (i) => draws[i]!, options);
  const [train, val, tst] = [parts.train, parts.validation, parts.test].map((p) => datasetSubset(ds, p)) as [ImageDataset, ImageDataset, ImageDataset];
  return { train, validation: val, test: tst };
}

/**
 * `splitDataset`'s rule from each image's label and draw alone: the indices
 * of each split, ascending. A streamed ingest splits this way without the
 * pixels in memory.
 */
export function splitIndices(
  labels: Int32Array, numClasses: number, drawOf: (i: number) => ImageDraw, options: DatasetSplitOptions,
): { train: number[]; validation: number[]; test: number[] } {
  const { validation, test } = options;
  for (const [name, f] of [['validation', validation], ['test', test]] as const) {
    if (!(f >= 0 && f < 1)) throw new DataError(`split.${name} must be in [0, 1), got ${f}`);
  }
  if (validation + test >= 1) throw new DataError(`split.validation + split.test must be < 1, got ${validation + test}`);
  const draws: ImageDraw[] = Array.from({ length: labels.length }, (_, i) => drawOf(i));
  const parts: [number[], number[], number[]] = [[], [], []];
  for (const indices of indicesByLabel(labels, numClasses)) {
    const [train, val, tst] = splitClass(indices, draws, options);
    parts[0].push(...train);
    parts[1].push(...val);
    parts[2].push(...tst);
  }
  const [train, val, tst] = parts.map((p) => p.sort((a, b) => a - b)) as [number[], number[], number[]];
  return { train, validation: val, test: tst };
}

/** One class's images (dataset indices) as [train, validation, test]. */
function splitClass(indices: readonly number[], draws: readonly ImageDraw[], options: DatasetSplitOptions): [number[], number[], number[]] {
  const { validation, test } = options;
  const val = indices.filter((i) => draws[i]!.place < validation);
  const tst = indices.filter((i) => draws[i]!.place >= validation && draws[i]!.place < validation + test);
  let train = indices.filter((i) => draws[i]!.place >= validation + test);
  if (test > 0 && tst.length === 0 && train.length > 0) {
    const nearest = train.reduce((least, i) => Math.min(least, draws[i]!.place), Infinity);
    // Copies of one image share a draw: they move together, so none is left to train on.
    tst.push(...train.filter((i) => draws[i]!.place === nearest));
    train = train.filter((i) => draws[i]!.place !== nearest);
  }
  if (options.trainPerClass != null && train.length > options.trainPerClass) {
    train = [...train].sort((a, b) => draws[a]!.rank - draws[b]!.rank || a - b).slice(0, options.trainPerClass);
  }
  return [train, val, tst];
}

/**
 * Graft's in-memory image dataset: every sample has the same shape, pixels
 * are 8-bit, stored NHWC in one flat array (cheap to slice, hash and hand to
 * `tf.tensor4d`).
 */
export interface ImageDataset {
  /** Class names; `labels` index into this array. */
  readonly classNames: readonly string[];
  /** N·H·W·C bytes, sample-major, row-major, channels last. */
  readonly images: Uint8Array;
  /** One class index per sample, in `0 .. classNames.length-1`. */
  readonly labels: Int32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Where each sample came from (file path or `file#index`), for error messages; absent for IDX. */
  readonly sources?: readonly string[];
  /** Other accepted spellings of each class name (e.g. Fashion-MNIST's official titles). */
  readonly classAliases?: readonly (readonly string[])[];
}

/** Number of samples in a dataset. */
export function datasetSize(ds: ImageDataset): number {
  return ds.labels.length;
}

/** Bytes per sample (H·W·C). */
export function datasetSampleSize(ds: Pick<ImageDataset, 'height' | 'width' | 'channels'>): number {
  return ds.height * ds.width * ds.channels;
}

/** `dataset.split` in the spec. */
export interface DatasetSplitOptions {
  /** Fraction of each class for validation, in [0, 1). */
  readonly validation: number;
  /** Fraction of each class for test, in [0, 1). */
  readonly test: number;
  readonly seed: number;
  /**
   * Labelled training images kept per class (the rest of the train part is
   * left out); null keeps them all. Validation and test do not depend on it,
   * so runs with different label budgets are judged on the same images.
   */
  readonly trainPerClass?: number | null;
}

/** What to do with a file that cannot be decoded. */
export type OnBadImage = 'fail' | 'skip';

/**
 * The `dataset` section of a normalized spec (every field optional here, so
 * callers may pass a partial object; defaults are the spec's).
 */
export interface DatasetOptions {
  readonly source?: string;
  /** Names or indices; `null`/absent = every class. */
  readonly classes?: readonly (string | number)[] | null;
  /** Images kept per class; `null`/absent = no limit. */
  readonly limitPerClass?: number | null;
  readonly split?: DatasetSplitOptions;
  /** [h, w] or n for [n, n]; absent = keep the source's size. */
  readonly imageSize?: readonly [number, number] | number;
  /** 1 or 3; absent = keep the source's channels. */
  readonly channels?: 1 | 3;
  /** [fail] */
  readonly onBadImage?: OnBadImage;
}

/** A file that was skipped under `onBadImage: 'skip'`, and why. */
export interface SkippedImage {
  readonly file: string;
  readonly reason: string;
}

/** What a reader returns: the dataset and any skipped files. */
export interface DatasetReadResult {
  readonly dataset: ImageDataset;
  readonly skipped: readonly SkippedImage[];
}

/** `imageSize` as [h, w]. */
export function normalizeImageSize(size: readonly [number, number] | number): [number, number] {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

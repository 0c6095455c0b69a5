/** Deterministic, stratified train/validation/test split. */
import { DataError } from '../errors';
import { KeyedRandom, seededShuffle } from './random';
import { datasetSubset, indicesByClass } from './subset';
import type { DatasetSplitOptions, ImageDataset } from './types';

export interface DatasetSplits {
  readonly train: ImageDataset;
  readonly validation: ImageDataset;
  readonly test: ImageDataset;
}

/** How many of `n` images of one class go to validation and test. */
export function splitCounts(n: number, options: DatasetSplitOptions): { validation: number; test: number; train: number } {
  const validation = Math.round(n * options.validation);
  const test = Math.min(Math.round(n * options.test), n - validation);
  return { validation, test, train: n - validation - test };
}

/**
 * Splits every class on its own (stratified): the class's images are shuffled
 * with a stream keyed by (seed, class); the first round(n·validation) go to
 * validation, the next round(n·test) to test, the rest to train (the first
 * `trainPerClass` of them, when set). Each split keeps dataset order, so the
 * result depends only on the data and the seed.
 */
export function splitDataset(ds: ImageDataset, options: DatasetSplitOptions): DatasetSplits {
  const { validation, test, seed } = options;
  for (const [name, f] of [['validation', validation], ['test', test]] as const) {
    if (!(f >= 0 && f < 1)) throw new DataError(`split.${name} must be in [0, 1), got ${f}`);
  }
  if (validation + test >= 1) throw new DataError(`split.validation + split.test must be < 1, got ${validation + test}`);
  const parts: [number[], number[], number[]] = [[], [], []];
  indicesByClass(ds).forEach((idx, c) => {
    const order = seededShuffle(idx, new KeyedRandom(seed, 0x5b117, c));
    const counts = splitCounts(idx.length, options);
    parts[1].push(...order.slice(0, counts.validation));
    parts[2].push(...order.slice(counts.validation, counts.validation + counts.test));
    const train = order.slice(counts.validation + counts.test);
    parts[0].push(...(options.trainPerClass != null ? train.slice(0, options.trainPerClass) : train));
  });
  const [train, val, tst] = parts.map((p) => datasetSubset(ds, p.sort((a, b) => a - b))) as [ImageDataset, ImageDataset, ImageDataset];
  return { train, validation: val, test: tst };
}

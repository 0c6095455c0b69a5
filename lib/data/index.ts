// Public exports of lib/data: readers, the dataset type, selection, split, fingerprint.
export type {
  ImageDataset,
  DatasetOptions,
  DatasetSplitOptions,
  DatasetReadResult,
  OnBadImage,
  SkippedImage,
} from './types';
export { datasetSize, datasetSampleSize, normalizeImageSize } from './types';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_TITLES,
  MNIST_CLASSES,
  parseIdx,
  readIdxPair,
  readIdxDataset,
} from './idx';
export type { IdxArray, IdxPart, IdxReadOptions } from './idx';
export { decodeImageBytes } from './decode';
export type { DecodedImage } from './decode';
export { assembleDataset } from './assemble';
export type { AssembleOptions, LabelledFile } from './assemble';
export { readImageFolder, listClassFolders } from './folder';
export { readImagePrefix } from './s3';
export { resizeDataset, resizeImageArray, convertChannels as convertImageChannels } from './resize';
export { datasetSubset, indicesByClass as datasetIndicesByClass } from './subset';
export { resolveClass as resolveDatasetClass, selectClasses, limitPerClass } from './select';
export { splitDataset, splitCounts } from './split';
export type { DatasetSplits } from './split';
export { datasetFingerprint } from './fingerprint';
export { readDataset, parseDatasetSource } from './read';
export type { DatasetSource } from './read';
export { KeyedRandom, mixKeys as mixRandomKeys, seededShuffle } from './random';
export type { RandomSource } from './random';

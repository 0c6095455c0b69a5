/** `readDataset`: one entry for every source scheme, applying the spec's dataset options. */
import type { ObjectStore } from '../store/object-store';
import { DataError } from '../errors';
import { readImageFolder } from './folder';
import { readIdxDataset } from './idx';
import { resizeDataset } from './resize';
import { readImagePrefix } from './s3';
import { limitPerClass, selectClasses } from './select';
import { normalizeImageSize, type DatasetOptions, type DatasetReadResult } from './types';

/** A parsed `dataset.source`. */
export type DatasetSource =
  | { readonly kind: 'idx'; readonly path: string }
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

/** Parses `idx://<dir>`, `dir://<dir>` or `s3://bucket/prefix`. */
export function parseDatasetSource(source: string): DatasetSource {
  const m = /^([a-z0-9]+):\/\/(.*)$/.exec(source);
  if (!m) throw new DataError(`dataset source must be idx://<dir>, dir://<dir> or s3://bucket/prefix, got "${source}"`);
  const [, scheme, rest = ''] = m;
  if (rest === '') throw new DataError(`dataset source "${source}" has no path`);
  if (scheme === 'idx' || scheme === 'dir') return { kind: scheme, path: rest };
  if (scheme === 's3') {
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = slash < 0 ? '' : rest.slice(slash + 1);
    return { kind: 's3', bucket, prefix };
  }
  throw new DataError(`unknown dataset source scheme "${scheme}://" (idx, dir, s3)`);
}

/**
 * Reads `source` and applies, in order: class selection, the per-class limit
 * (seeded by `split.seed`), then resizing to `imageSize` and `channels`.
 * The split itself is `splitDataset`'s job. `store` is needed for `s3://`.
 */
export async function readDataset(source: string, options: DatasetOptions = {}, store?: ObjectStore): Promise<DatasetReadResult> {
  const src = parseDatasetSource(source);
  const imageSize = options.imageSize === undefined ? undefined : normalizeImageSize(options.imageSize);
  const assemble = {
    ...(imageSize ? { imageSize } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
    onBadImage: options.onBadImage ?? 'fail',
  };
  let result: DatasetReadResult;
  if (src.kind === 'idx') {
    result = { dataset: readIdxDataset(src.path), skipped: [] };
  } else if (src.kind === 'dir') {
    result = await readImageFolder(src.path, assemble);
  } else {
    if (!store) throw new DataError(`reading ${source} needs an object store`);
    if (store.bucket !== src.bucket) throw new DataError(`the object store is for bucket "${store.bucket}", not "${src.bucket}"`, source);
    result = await readImagePrefix(store, src.prefix, assemble);
  }
  let ds = selectClasses(result.dataset, options.classes);
  ds = limitPerClass(ds, options.limitPerClass, options.split?.seed ?? 0);
  ds = resizeDataset(ds, imageSize ?? [ds.height, ds.width], options.channels ?? ds.channels);
  return { dataset: ds, skipped: result.skipped };
}

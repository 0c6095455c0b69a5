/** A content hash of a dataset: changes when any pixel, label, class name or the shape changes. */
import { createHash, type Hash } from 'node:crypto';
import type { ImageDataset } from './types';

/** sha256 (hex) over shape, class names, labels and pixel bytes; not over `sources`. */
export function datasetFingerprint(ds: ImageDataset): string {
  const h = fingerprintHash(ds.classNames, ds.labels, [ds.height, ds.width, ds.channels]);
  h.update(ds.images);
  return h.digest('hex');
}

/**
 * The fingerprint's hash with everything but the pixels fed in: feed every
 * image's bytes in dataset order, then digest (hex). What a streamed ingest
 * uses; the result is `datasetFingerprint`'s.
 */
export function fingerprintHash(classNames: readonly string[], labels: Int32Array, [height, width, channels]: readonly [number, number, number]): Hash {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: 1, shape: [labels.length, height, width, channels], classNames }));
  const bytes = new Uint8Array(labels.length * 4);
  const view = new DataView(bytes.buffer); // little-endian whatever the host
  labels.forEach((l, i) => view.setInt32(i * 4, l, true));
  h.update(bytes);
  return h;
}

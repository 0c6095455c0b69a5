/** A content hash of a dataset: changes when any pixel, label, class name or the shape changes. */
import { createHash } from 'node:crypto';
import type { ImageDataset } from './types';

/** sha256 (hex) over shape, class names, labels and pixel bytes; not over `sources`. */
export function datasetFingerprint(ds: ImageDataset): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: 1, shape: [ds.labels.length, ds.height, ds.width, ds.channels], classNames: ds.classNames }));
  const labels = new Uint8Array(ds.labels.length * 4);
  const view = new DataView(labels.buffer); // little-endian whatever the host
  ds.labels.forEach((l, i) => view.setInt32(i * 4, l, true));
  h.update(labels);
  h.update(ds.images);
  return h.digest('hex');
}

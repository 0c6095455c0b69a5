/** Taking samples out of a dataset by index. */
import { datasetSampleSize, type ImageDataset } from './types';

/** The samples at `indices`, in that order; labels mapped through `relabel` when given. */
export function datasetSubset(ds: ImageDataset, indices: readonly number[] | Int32Array, relabel?: (label: number) => number): ImageDataset {
  const size = datasetSampleSize(ds);
  const images = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  const sources: string[] | undefined = ds.sources ? [] : undefined;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    images.set(ds.images.subarray(i * size, (i + 1) * size), k * size);
    const label = ds.labels[i] as number;
    labels[k] = relabel ? relabel(label) : label;
    sources?.push(ds.sources?.[i] ?? '');
  }
  return { ...ds, images, labels, ...(sources ? { sources } : {}) };
}

/** Sample indices of each class, in dataset order. */
export function indicesByClass(ds: ImageDataset): number[][] {
  return indicesByLabel(ds.labels, ds.classNames.length);
}

/** Indices of each label 0..numClasses-1, in order. */
export function indicesByLabel(labels: Int32Array, numClasses: number): number[][] {
  const out: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, i) => out[label]?.push(i));
  return out;
}

/** Choosing classes and capping images per class. */
import { DataError } from '../errors';
import { KeyedRandom, seededShuffle } from './random';
import { datasetSubset, indicesByClass, indicesByLabel } from './subset';
import type { ImageDataset } from './types';

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The index of class `ref` (a name, an alias, or an index). */
export function resolveClass(ds: Pick<ImageDataset, 'classNames' | 'classAliases'>, ref: string | number): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0 || ref >= ds.classNames.length) {
      throw new DataError(`class index ${ref} is out of range (0..${ds.classNames.length - 1})`);
    }
    return ref;
  }
  const exact = ds.classNames.indexOf(ref);
  if (exact >= 0) return exact;
  const want = norm(ref);
  const found = ds.classNames.findIndex((name, i) => norm(name) === want || (ds.classAliases?.[i] ?? []).some((a) => norm(a) === want));
  if (found < 0) throw new DataError(`unknown class "${ref}" (classes: ${ds.classNames.join(', ')})`);
  return found;
}

/**
 * Keeps the classes in `classes` (names or indices), re-indexed 0..k-1 in the
 * order given. `null`/absent keeps every class.
 */
export function selectClasses(ds: ImageDataset, classes: readonly (string | number)[] | null | undefined): ImageDataset {
  if (!classes) return ds;
  const picked = classes.map((c) => resolveClass(ds, c));
  const dup = picked.find((c, i) => picked.indexOf(c) !== i);
  if (dup !== undefined) throw new DataError(`class "${ds.classNames[dup]}" is selected twice`);
  const newLabel = new Map(picked.map((c, i) => [c, i]));
  const keep: number[] = [];
  ds.labels.forEach((l, i) => {
    if (newLabel.has(l)) keep.push(i);
  });
  const sub = datasetSubset(ds, keep, (l) => newLabel.get(l) ?? -1);
  return {
    ...sub,
    classNames: picked.map((c) => ds.classNames[c] as string),
    ...(ds.classAliases ? { classAliases: picked.map((c) => ds.classAliases?.[c] ?? []) } : {}),
  };
}

/**
 * At most `limit` images per class: each class's images are shuffled with a
 * stream keyed by (seed, class) and the first `limit` kept, in dataset order.
 */
export function limitPerClass(ds: ImageDataset, limit: number | null | undefined, seed = 0): ImageDataset {
  if (limit === null || limit === undefined) return ds;
  if (!Number.isInteger(limit) || limit < 1) throw new DataError(`limitPerClass must be a positive integer, got ${limit}`);
  const byClass = indicesByClass(ds);
  if (byClass.every((idx) => idx.length <= limit)) return ds;
  const keep = byClass
    .flatMap((idx, c) => seededShuffle(idx, new KeyedRandom(seed, 0x11a17, c)).slice(0, limit))
    .sort((a, b) => a - b);
  return datasetSubset(ds, keep);
}

/** Which images a selection keeps: their indices in the source (ascending), their new labels, and the classes. */
export interface LabelSelection {
  readonly indices: Int32Array;
  readonly labels: Int32Array;
  readonly classNames: readonly string[];
  readonly classAliases?: readonly (readonly string[])[];
}

/**
 * `selectClasses` then `limitPerClass` from the labels alone, for a source
 * whose pixels are not in memory: the same images, labels and classes.
 */
export function selectLabels(
  names: Pick<ImageDataset, 'classNames' | 'classAliases'>, labels: Int32Array,
  classes: readonly (string | number)[] | null | undefined, limit: number | null | undefined, seed = 0,
): LabelSelection {
  let indices = Int32Array.from(labels.keys());
  let selected = labels;
  let picked: LabelSelection = { indices, labels, classNames: names.classNames, ...(names.classAliases ? { classAliases: names.classAliases } : {}) };
  if (classes) {
    const chosen = classes.map((c) => resolveClass(names, c));
    const dup = chosen.find((c, i) => chosen.indexOf(c) !== i);
    if (dup !== undefined) throw new DataError(`class "${names.classNames[dup]}" is selected twice`);
    const newLabel = new Map(chosen.map((c, i) => [c, i]));
    indices = indices.filter((i) => newLabel.has(labels[i]!));
    selected = indices.map((i) => newLabel.get(labels[i]!)!);
    picked = {
      indices, labels: selected, classNames: chosen.map((c) => names.classNames[c] as string),
      ...(names.classAliases ? { classAliases: chosen.map((c) => names.classAliases?.[c] ?? []) } : {}),
    };
  }
  if (limit === null || limit === undefined) return picked;
  if (!Number.isInteger(limit) || limit < 1) throw new DataError(`limitPerClass must be a positive integer, got ${limit}`);
  const byClass = indicesByLabel(selected, picked.classNames.length);
  if (byClass.every((idx) => idx.length <= limit)) return picked;
  const keep = Int32Array.from(byClass.flatMap((idx, c) => seededShuffle(idx, new KeyedRandom(seed, 0x11a17, c)).slice(0, limit))).sort();
  return { ...picked, indices: keep.map((k) => indices[k]!), labels: keep.map((k) => selected[k]!) };
}

/** Class-per-prefix images in object storage: `<prefix>/<class>/<image>`. */
import type { ObjectStore } from '../store/object-store';
import { DataError } from '../errors';
import { assembleDataset, type AssembleOptions, type LabelledFile } from './assemble';
import type { DatasetReadResult } from './types';

/**
 * Reads every object under `prefix` through `store`; the first key segment
 * after the prefix is the class (sorted). Keys ending in `/` are folder
 * markers: a class with only a marker is an empty class, an error.
 */
export async function readImagePrefix(store: ObjectStore, prefix: string, options: AssembleOptions = {}): Promise<DatasetReadResult> {
  const { classNames, files } = await listImagePrefix(store, prefix);
  return assembleDataset(classNames, files, options);
}

/** The objects of `<prefix>/<class>/*` in label order, then key order: keys and readers, no pixels. */
export async function listImagePrefix(store: ObjectStore, prefix: string): Promise<{ classNames: string[]; files: LabelledFile[] }> {
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const where = `s3://${store.bucket}/${base}`;
  const keys = await store.list(base);
  const byClass = new Map<string, string[]>();
  for (const key of keys) {
    const rest = key.slice(base.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) continue; // objects directly under the prefix belong to no class
    const name = rest.slice(0, slash);
    const list = byClass.get(name) ?? [];
    if (!key.endsWith('/') && !rest.slice(slash + 1).split('/').some((s) => s.startsWith('.'))) list.push(key);
    byClass.set(name, list);
  }
  if (byClass.size === 0) throw new DataError('no class sub-prefixes (or the prefix does not exist)', where);
  const classNames = [...byClass.keys()].sort();
  const files: LabelledFile[] = [];
  classNames.forEach((name, label) => {
    const list = (byClass.get(name) ?? []).sort();
    if (list.length === 0) throw new DataError(`class "${name}" has no images`, `${where}${name}/`);
    for (const key of list) {
      const file = `s3://${store.bucket}/${key}`;
      files.push({
        label,
        file,
        read: async () => {
          const body = await store.get(key);
          if (!body) throw new DataError('object disappeared while reading', file);
          return body;
        },
      });
    }
  });
  return { classNames, files };
}

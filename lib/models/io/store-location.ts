import type { ObjectStore } from '../../store/object-store';
import { joinKey, type ModelLocation } from './location';

/** A model folder under `dir` in an ObjectStore's bucket. */
export function storeLocation(store: ObjectStore, dir: string): ModelLocation {
  const clean = dir.replace(/^\/+|\/+$/g, '');
  return {
    description: `s3://${store.bucket}/${clean}`,
    read: (name) => store.get(joinKey(clean, name)),
    write: (name, data) =>
      store.put(joinKey(clean, name), data, name.endsWith('.json') ? 'application/json' : 'application/octet-stream'),
  };
}

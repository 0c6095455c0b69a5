import { StageCache } from '../store/cache';
import type { CacheWriter } from '../store/cache-writer';
import type { ObjectStore } from '../store/object-store';

/** Thrown where a stage would start writing: in a lookup-only cache, the stage's entry is a miss. */
export class WriteRefused extends Error {
  constructor(readonly stage: string, readonly key: string) {
    super(`cache ${stage}/${key}: a lookup computes nothing`);
    this.name = 'WriteRefused';
  }
}

/**
 * A stage cache that verifies and reads like any other but refuses to write:
 * a stage run over it returns its verified hit or throws `WriteRefused`
 * before computing anything. `lookupPlan` walks the whole plan over one.
 */
export class LookupOnlyCache extends StageCache {
  constructor(store: ObjectStore) {
    super(store);
  }

  override writer(stage: string, key: string): CacheWriter {
    throw new WriteRefused(stage, key);
  }
}

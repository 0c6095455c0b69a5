/**
 * Garbage collection of the bucket: objects no reader will ever use again.
 *
 * - In a cache entry (`cache/<stage>/<key>/`), objects its manifest does not
 *   name: the folders of writers that lost a race, were killed before their
 *   commit, or wrote an entry later replaced after damage.
 * - Training checkpoints (`checkpoints/<stage>/<key>/`) of a stage whose
 *   model is committed to the cache. Checkpoints of unfinished training stay:
 *   `graft resume` continues from them.
 * - Weight shards under `models/<pipeline>/current/<version>/` that
 *   `current/model.json` no longer points at (promotion never deletes).
 *
 * Only objects older than a grace period go, so a writer still at work
 * (whose files nothing names yet) keeps its files, and so does a reader
 * holding the `model.json` of the model promoted before.
 */
import type { io } from '@tensorflow/tfjs-core';
import type { ObjectInfo, ObjectStore } from '../store/object-store';
import { CACHE_MANIFEST_NAME, cacheObjectPath, parseCacheManifest } from '../store/cache-manifest';
import { currentShardFolders } from './promote';

export type GarbageKind = 'unreferenced cache object' | 'checkpoint of a cached model' | 'superseded current-model shard';

export interface Garbage {
  readonly object: ObjectInfo;
  readonly kind: GarbageKind;
}

/** `cache/<stage>/<key>/…` or `checkpoints/<stage>/<key>/…` → `<stage>/<key>`. */
function entryOf(key: string, root: string): { id: string; rest: string } | undefined {
  const parts = key.slice(root.length).split('/');
  if (!key.startsWith(root) || parts.length < 3) return undefined;
  return { id: `${parts[0]}/${parts[1]}`, rest: parts.slice(2).join('/') };
}

/** Listings of the bucket and what the manifests and `current/model.json` files name. */
export interface BucketView {
  /** Objects under `cache/`, `checkpoints/` and `models/`. */
  readonly cacheObjects: readonly ObjectInfo[];
  readonly checkpointObjects: readonly ObjectInfo[];
  readonly modelObjects: readonly ObjectInfo[];
  /** By `<stage>/<key>`: the object paths each usable manifest names. */
  readonly committed: ReadonlyMap<string, ReadonlySet<string>>;
  /** By pipeline: the `current/` folders its `current/model.json` points at. */
  readonly currentFolders: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The garbage in `view` written before `cutoff`. Pure: the caller lists and reads the store. */
export function findGarbage(view: BucketView, cutoff: Date): Garbage[] {
  const old = (o: ObjectInfo) => o.lastModified.getTime() < cutoff.getTime();
  const garbage: Garbage[] = [];
  for (const object of view.cacheObjects) {
    const at = entryOf(object.key, 'cache/');
    if (!at || at.rest === CACHE_MANIFEST_NAME || !old(object)) continue;
    // Without a usable manifest nothing in the entry is vouched for: it is an unfinished or broken write.
    if (!view.committed.get(at.id)?.has(at.rest)) garbage.push({ object, kind: 'unreferenced cache object' });
  }
  for (const object of view.checkpointObjects) {
    const at = entryOf(object.key, 'checkpoints/');
    if (at && old(object) && view.committed.has(at.id)) garbage.push({ object, kind: 'checkpoint of a cached model' });
  }
  for (const object of view.modelObjects) {
    const at = currentShardOf(object.key);
    const inUse = at && view.currentFolders.get(at.pipeline);
    // No readable current/model.json: nothing is known to be superseded.
    if (at && inUse && !inUse.has(at.folder) && old(object)) garbage.push({ object, kind: 'superseded current-model shard' });
  }
  return garbage;
}

/** `models/<pipeline>/current/<folder>/<file>` → its pipeline and folder. */
function currentShardOf(key: string): { pipeline: string; folder: string } | undefined {
  const parts = key.split('/');
  return parts.length >= 5 && parts[0] === 'models' && parts[2] === 'current' ? { pipeline: parts[1]!, folder: parts[3]! } : undefined;
}

export interface GcSummary {
  readonly removed: number;
  readonly bytes: number;
  readonly byKind: Readonly<Record<GarbageKind, number>>;
  readonly dryRun: boolean;
}

/** Finds the garbage older than `olderThanMs` and removes it (unless `dryRun`). */
export async function collectGarbage(
  store: ObjectStore, options: { olderThanMs: number; dryRun?: boolean; now?: Date },
): Promise<GcSummary> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.olderThanMs);
  const cacheObjects = await store.listInfo('cache/');
  const checkpointObjects = await store.listInfo('checkpoints/');
  const modelObjects = await store.listInfo('models/');
  const committed = new Map<string, ReadonlySet<string>>();
  for (const object of cacheObjects) {
    const at = entryOf(object.key, 'cache/');
    if (!at || at.rest !== CACHE_MANIFEST_NAME) continue;
    const [stage, key] = at.id.split('/') as [string, string];
    const text = await store.get(object.key);
    const manifest = text === undefined ? 'gone' : parseCacheManifest(text.toString('utf8'), stage, key);
    if (typeof manifest !== 'string') committed.set(at.id, new Set(manifest.files.map(cacheObjectPath)));
  }
  const currentFolders = new Map<string, ReadonlySet<string>>();
  for (const object of modelObjects) {
    const parts = object.key.split('/');
    if (parts.length !== 4 || parts[2] !== 'current' || parts[3] !== 'model.json') continue;
    const folders = parseModelJson(await store.get(object.key));
    if (folders) currentFolders.set(parts[1]!, folders);
  }
  const garbage = findGarbage({ cacheObjects, checkpointObjects, modelObjects, committed, currentFolders }, cutoff);
  if (!options.dryRun) for (const { object } of garbage) await store.remove(object.key);
  const byKind: Record<GarbageKind, number> = { 'unreferenced cache object': 0, 'checkpoint of a cached model': 0, 'superseded current-model shard': 0 };
  for (const { kind } of garbage) byKind[kind] += 1;
  return { removed: garbage.length, bytes: garbage.reduce((sum, g) => sum + g.object.bytes, 0), byKind, dryRun: options.dryRun ?? false };
}

function parseModelJson(raw: Buffer | undefined): Set<string> | undefined {
  if (raw === undefined) return undefined;
  try {
    return currentShardFolders(JSON.parse(raw.toString('utf8')) as io.ModelJSON);
  } catch {
    return undefined; // unreadable: keep every folder
  }
}

/**
 * Garbage collection of the bucket: objects no reader will ever use again.
 *
 * - In a cache entry (`cache/<stage>/<key>/`), objects its manifest does not
 *   name: the folders of writers that lost a race, were killed before their
 *   commit, or wrote an entry later replaced after damage.
 * - Training checkpoints (`checkpoints/<stage>/<key>/`) of a stage whose
 *   model is committed to the cache. Checkpoints of unfinished training stay:
 *   `graft resume` continues from them.
 *
 * Only objects older than a grace period go, so a writer still at work
 * (whose files no manifest names yet) keeps its files.
 */
import type { ObjectInfo, ObjectStore } from '../store/object-store';
import { CACHE_MANIFEST_NAME, cacheObjectPath, parseCacheManifest } from '../store/cache-manifest';

export type GarbageKind = 'unreferenced cache object' | 'checkpoint of a cached model';

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

/**
 * The garbage among `cacheObjects` and `checkpointObjects` (listings of
 * `cache/` and `checkpoints/`), given the object paths that each usable
 * manifest names, by `<stage>/<key>`. Pure: the caller lists and reads the store.
 */
export function findGarbage(
  cacheObjects: readonly ObjectInfo[], checkpointObjects: readonly ObjectInfo[],
  committed: ReadonlyMap<string, ReadonlySet<string>>, cutoff: Date,
): Garbage[] {
  const old = (o: ObjectInfo) => o.lastModified.getTime() < cutoff.getTime();
  const garbage: Garbage[] = [];
  for (const object of cacheObjects) {
    const at = entryOf(object.key, 'cache/');
    if (!at || at.rest === CACHE_MANIFEST_NAME || !old(object)) continue;
    // Without a usable manifest nothing in the entry is vouched for: it is an unfinished or broken write.
    if (!committed.get(at.id)?.has(at.rest)) garbage.push({ object, kind: 'unreferenced cache object' });
  }
  for (const object of checkpointObjects) {
    const at = entryOf(object.key, 'checkpoints/');
    if (at && old(object) && committed.has(at.id)) garbage.push({ object, kind: 'checkpoint of a cached model' });
  }
  return garbage;
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
  const committed = new Map<string, ReadonlySet<string>>();
  for (const object of cacheObjects) {
    const at = entryOf(object.key, 'cache/');
    if (!at || at.rest !== CACHE_MANIFEST_NAME) continue;
    const [stage, key] = at.id.split('/') as [string, string];
    const text = await store.get(object.key);
    const manifest = text === undefined ? 'gone' : parseCacheManifest(text.toString('utf8'), stage, key);
    if (typeof manifest !== 'string') committed.set(at.id, new Set(manifest.files.map(cacheObjectPath)));
  }
  const garbage = findGarbage(cacheObjects, checkpointObjects, committed, cutoff);
  if (!options.dryRun) for (const { object } of garbage) await store.remove(object.key);
  const byKind: Record<GarbageKind, number> = { 'unreferenced cache object': 0, 'checkpoint of a cached model': 0 };
  for (const { kind } of garbage) byKind[kind] += 1;
  return { removed: garbage.length, bytes: garbage.reduce((sum, g) => sum + g.object.bytes, 0), byKind, dryRun: options.dryRun ?? false };
}

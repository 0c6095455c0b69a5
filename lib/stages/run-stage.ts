import type { StageCache } from '../store/cache';
import type { CacheWriter } from '../store/cache-writer';
import type { JsonValue } from '../store/cache-manifest';

export type StageOutcome = 'computed' | 'cached' | 'resumed';

export interface CachedStageRun<M> {
  readonly outcome: StageOutcome;
  readonly key: string;
  readonly meta: M;
  readonly seconds: number;
}

export interface CachedStageOptions<M> {
  readonly cache: StageCache;
  readonly stage: string;
  readonly key: string;
  /** Skip the lookup and recompute (`--no-cache`). */
  readonly noCache: boolean;
  /** Says why a lookup missed (absent, or corrupt and so recomputed). */
  readonly log?: (line: string) => void;
  /** Produces the entry's files through `writer`; returns its metadata. `resumed` when it continued a checkpoint. */
  readonly compute: (writer: CacheWriter) => Promise<{ meta: M; resumed?: boolean }>;
}

/**
 * The durability contract for one stage: a verified cache hit is returned
 * as is; otherwise the stage computes, writes its files, and commits the
 * manifest last. A corrupt or partial entry is a miss and is recomputed.
 */
export async function runCachedStage<M extends object>(options: CachedStageOptions<M>): Promise<CachedStageRun<M>> {
  const started = Date.now();
  const { cache, stage, key } = options;
  if (!options.noCache) {
    const hit = await cache.lookup(stage, key, {
      onMiss: (miss) => {
        if (miss.reason !== 'no-manifest') options.log?.(`${stage} ${key.slice(0, 12)}: cached entry unusable (${miss.detail}); recomputing`);
      },
    });
    if (hit) return { outcome: 'cached', key, meta: hit.meta as unknown as M, seconds: (Date.now() - started) / 1000 };
  }
  const writer = cache.writer(stage, key);
  const { meta, resumed } = await options.compute(writer);
  // The manifest stores it as JSON; commit checks it is exactly representable.
  // If another writer committed this key first, its entry (and meta) wins.
  const manifest = await writer.commit(meta as unknown as JsonValue);
  return { outcome: resumed ? 'resumed' : 'computed', key, meta: manifest.meta as unknown as M, seconds: (Date.now() - started) / 1000 };
}

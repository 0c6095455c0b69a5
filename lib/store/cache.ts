import { CacheEntryLostError, DataError } from '../errors';
import type { ObjectStore } from './object-store';
import { sha256Hex } from './cache-key';
import { CacheWriter } from './cache-writer';
import { CACHE_MANIFEST_NAME, cacheObjectPath, parseCacheManifest, type CacheFileEntry, type CacheManifest, type JsonValue } from './cache-manifest';
import { keySegment } from './keys';

/** Why a lookup found no usable entry. */
export type CacheMissReason = 'no-manifest' | 'bad-manifest' | 'missing-object' | 'corrupt-object';

export interface CacheMiss {
  readonly stage: string;
  readonly key: string;
  readonly reason: CacheMissReason;
  /** The data object at fault, for `missing-object` / `corrupt-object`. */
  readonly file?: string;
  readonly detail: string;
}

/**
 * How much `lookup` checks: `checksum` (default) reads every object and
 * compares its sha256; `presence` only lists the prefix, for entries too big
 * to read twice. `read` always verifies the checksum either way.
 */
export type CacheVerify = 'checksum' | 'presence';

export interface StageCacheOptions {
  /** Top-level prefix; default `cache`. */
  readonly root?: string;
  /** Told about every miss and why (log it; a miss is not an error). */
  readonly onMiss?: (miss: CacheMiss) => void;
  readonly verify?: CacheVerify;
  /** Clock for `createdAt`; injectable for tests. */
  readonly now?: () => Date;
}

/** A data object given to `commit`: bytes to write, or the name of one already written. */
export type CacheFileInput = { readonly name: string; readonly data: Buffer | Uint8Array | string } | { readonly name: string };

/**
 * The content-addressed stage cache: `cache/<stage>/<key>/` holds a stage's
 * outputs and a `manifest.json` written last with their checksums. A
 * missing, partial or corrupt entry is a miss, never an error and never
 * garbage; store failures (network, access) still throw, since a miss
 * would only recompute and fail again on write.
 */
export class StageCache {
  private readonly root: string;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: StageCacheOptions = {},
  ) {
    this.root = keySegment(options.root ?? 'cache');
  }

  /** `cache/<stage>/<key>/`; both parts are checked to stay one level deep. */
  prefix(stage: string, key: string): string {
    return `${this.root}/${keySegment(stage)}/${keySegment(key)}/`;
  }

  /** The entry's manifest when it is complete and intact, else `undefined`. */
  async lookup(
    stage: string,
    key: string,
    opts: { onMiss?: (miss: CacheMiss) => void; verify?: CacheVerify } = {},
  ): Promise<CacheManifest | undefined> {
    const prefix = this.prefix(stage, key);
    const miss = (reason: CacheMissReason, detail: string, file?: string): undefined => {
      const m: CacheMiss = { stage, key, reason, detail, ...(file !== undefined ? { file } : {}) };
      (opts.onMiss ?? this.options.onMiss)?.(m);
      return undefined;
    };
    const text = await this.store.get(prefix + CACHE_MANIFEST_NAME);
    if (text === undefined) return miss('no-manifest', 'no manifest.json');
    const manifest = parseCacheManifest(text.toString('utf8'), stage, key);
    if (typeof manifest === 'string') return miss('bad-manifest', manifest);

    if ((opts.verify ?? this.options.verify ?? 'checksum') === 'presence') {
      const present = new Set(await this.store.list(prefix));
      const absent = manifest.files.find((f) => !present.has(prefix + cacheObjectPath(f)));
      return absent ? miss('missing-object', `${absent.name} is missing`, absent.name) : manifest;
    }
    // One object at a time, so memory stays bounded by the largest file.
    for (const file of manifest.files) {
      const data = await this.store.get(prefix + cacheObjectPath(file));
      if (data === undefined) return miss('missing-object', `${file.name} is missing`, file.name);
      const problem = checksumProblem(file, data);
      if (problem) return miss('corrupt-object', problem, file.name);
    }
    return manifest;
  }

  /**
   * One data object of a committed entry, checked against its manifest. A
   * missing or corrupt object drops the manifest (so the next lookup of that
   * stage misses and it recomputes) and throws a `CacheEntryLostError`, on
   * which the pipeline workflow runs its stages again.
   */
  async read(stage: string, key: string, name: string, manifest?: CacheManifest): Promise<Buffer> {
    const prefix = this.prefix(stage, key);
    const m = manifest ?? (await this.lookup(stage, key, { verify: 'presence', onMiss: () => undefined }));
    if (!m) throw new CacheEntryLostError(`cache entry ${prefix} is missing or incomplete`, prefix);
    const file = m.files.find((f) => f.name === name);
    if (!file) throw new DataError(`cache entry ${prefix} has no file ${JSON.stringify(name)}`);
    const data = await this.store.get(prefix + cacheObjectPath(file));
    const problem = data === undefined ? `${name} is missing` : checksumProblem(file, data);
    if (problem !== undefined || data === undefined) {
      await this.dropManifestNaming(stage, key, cacheObjectPath(file));
      throw new CacheEntryLostError(`cache entry ${prefix} is corrupt (${problem}); dropped it, so that its stage recomputes it`, prefix);
    }
    return data;
  }

  /** Removes the entry's manifest if it still names `object` (another writer may have replaced it since). */
  private async dropManifestNaming(stage: string, key: string, object: string): Promise<void> {
    const prefix = this.prefix(stage, key);
    const text = await this.store.get(prefix + CACHE_MANIFEST_NAME);
    if (text === undefined) return;
    const current = parseCacheManifest(text.toString('utf8'), stage, key);
    if (typeof current === 'string' || current.files.some((f) => cacheObjectPath(f) === object)) {
      await this.store.remove(prefix + CACHE_MANIFEST_NAME);
    }
  }

  /** A writer for an entry whose files are produced one at a time. */
  writer(stage: string, key: string): CacheWriter {
    return new CacheWriter(this.store, stage, key, this.prefix(stage, key), this.options.now);
  }

  /** Writes `files` (or adopts already-written ones), then the manifest last. */
  async commit(stage: string, key: string, files: readonly CacheFileInput[], meta: JsonValue = null): Promise<CacheManifest> {
    const w = this.writer(stage, key);
    for (const f of files) {
      if ('data' in f) await w.put(f.name, f.data);
      else await w.adopt(f.name);
    }
    return w.commit(meta);
  }

  /** Removes the entry: the manifest first, so no reader sees it half-deleted. */
  async invalidate(stage: string, key: string): Promise<void> {
    const prefix = this.prefix(stage, key);
    await this.store.remove(prefix + CACHE_MANIFEST_NAME);
    await this.store.removePrefix(prefix);
  }
}

function checksumProblem(file: CacheFileEntry, data: Buffer): string | undefined {
  if (data.byteLength !== file.bytes) return `${file.name} is ${data.byteLength} bytes, manifest says ${file.bytes}`;
  if (sha256Hex(data) !== file.sha256) return `${file.name} sha256 does not match the manifest`;
  return undefined;
}

import { safeKey } from './keys';

/** Any JSON value: what a cache entry's `meta` may hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One data object of a cache entry, as its manifest lists it. */
export interface CacheFileEntry {
  /** Path under the entry's prefix, e.g. `features/shard-00000.npy`. */
  readonly name: string;
  /**
   * Where the bytes are, under the entry's prefix: `<writer>/<name>` for
   * files a CacheWriter wrote (each writer has its own folder, so two
   * writers of one key never overwrite each other's objects). Absent: `name`.
   */
  readonly object?: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** The object path of a manifest entry, relative to the entry's prefix. */
export function cacheObjectPath(file: CacheFileEntry): string {
  return file.object ?? file.name;
}

/** `cache/<stage>/<key>/manifest.json`: written last, so its presence means "complete". */
export interface CacheManifest {
  readonly version: 1;
  readonly stage: string;
  readonly key: string;
  /** ISO 8601 time of the commit. */
  readonly createdAt: string;
  readonly files: readonly CacheFileEntry[];
  readonly meta: JsonValue;
}

export const CACHE_MANIFEST_NAME = 'manifest.json';

/**
 * Parses and checks a manifest read from `cache/<stage>/<key>/`. Returns the
 * manifest, or a string saying why it cannot be trusted (a reason for a miss).
 */
export function parseCacheManifest(text: string, stage: string, key: string): CacheManifest | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'manifest is not valid JSON';
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'manifest is not an object';
  const m = raw as Record<string, unknown>;
  if (m.version !== 1) return `unknown manifest version ${JSON.stringify(m.version)}`;
  // A manifest copied to another entry would vouch for the wrong content.
  if (m.stage !== stage || m.key !== key) return `manifest is for ${String(m.stage)}/${String(m.key)}`;
  if (typeof m.createdAt !== 'string') return 'manifest has no createdAt';
  if (!Array.isArray(m.files)) return 'manifest has no files list';
  const names = new Set<string>();
  for (const f of m.files as unknown[]) {
    const problem = fileEntryProblem(f);
    if (problem) return problem;
    const name = (f as CacheFileEntry).name;
    if (names.has(name)) return `manifest lists ${name} twice`;
    names.add(name);
  }
  if (!('meta' in m)) return 'manifest has no meta';
  return m as unknown as CacheManifest;
}

function fileEntryProblem(f: unknown): string | undefined {
  if (typeof f !== 'object' || f === null) return 'manifest file entry is not an object';
  const e = f as Record<string, unknown>;
  if (typeof e.name !== 'string' || !isSafeName(e.name)) return `manifest file entry has a bad name ${JSON.stringify(e.name)}`;
  if (e.object !== undefined && (typeof e.object !== 'string' || !isSafeName(e.object))) return `manifest entry ${e.name} has a bad object path`;
  if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) return `manifest entry ${e.name} has a bad sha256`;
  if (typeof e.bytes !== 'number' || !Number.isSafeInteger(e.bytes) || e.bytes < 0) return `manifest entry ${e.name} has bad bytes`;
  return undefined;
}

/** A file name that stays inside the entry's prefix and is not the manifest. */
export function isSafeName(name: string): boolean {
  if (name === CACHE_MANIFEST_NAME) return false;
  try {
    return safeKey(name) === name;
  } catch {
    return false;
  }
}

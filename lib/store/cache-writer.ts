import { DataError } from '../errors';
import type { ObjectStore } from './object-store';
import { sha256Hex, canonicalJson } from './cache-key';
import { CACHE_MANIFEST_NAME, isSafeName, type CacheFileEntry, type CacheManifest, type JsonValue } from './cache-manifest';

/**
 * Writes one cache entry file by file, so a stage with many shards never
 * holds them all in memory: `put` each output as it is produced (its sha256
 * is remembered), then `commit` writes the manifest, last.
 */
export class CacheWriter {
  private readonly entries = new Map<string, CacheFileEntry>();
  private committed = false;

  constructor(
    private readonly store: ObjectStore,
    readonly stage: string,
    readonly key: string,
    /** The entry's prefix, ending in `/`. */
    readonly prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Files recorded so far, in the order they were written. */
  get files(): readonly CacheFileEntry[] {
    return [...this.entries.values()];
  }

  /** Writes one data object under the entry and records its checksum. */
  async put(name: string, data: Buffer | Uint8Array | string, contentType?: string): Promise<CacheFileEntry> {
    this.checkName(name);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.store.put(this.prefix + name, bytes, contentType);
    return this.record({ name, sha256: sha256Hex(bytes), bytes: bytes.byteLength });
  }

  /**
   * Records an object someone already wrote under the entry (e.g. a model
   * saver writing its own files): reads it back once to hash it.
   */
  async adopt(name: string): Promise<CacheFileEntry> {
    this.checkName(name);
    const data = await this.store.get(this.prefix + name);
    if (data === undefined) throw new DataError(`cache ${this.stage}/${this.key}: ${name} was not written`);
    return this.record({ name, sha256: sha256Hex(data), bytes: data.byteLength });
  }

  /**
   * Writes `manifest.json` last. A single PUT is atomic in S3, so a reader
   * sees either no entry or a complete one; a second writer of the same key
   * rewrites the same data and its own manifest, which is just as valid.
   */
  async commit(meta: JsonValue = null): Promise<CacheManifest> {
    if (this.committed) throw new DataError(`cache ${this.stage}/${this.key} is already committed`);
    canonicalJson(meta); // throws on values JSON cannot hold exactly
    const manifest: CacheManifest = {
      version: 1,
      stage: this.stage,
      key: this.key,
      createdAt: this.now().toISOString(),
      files: this.files,
      meta,
    };
    await this.store.put(this.prefix + CACHE_MANIFEST_NAME, `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
    this.committed = true;
    return manifest;
  }

  private checkName(name: string): void {
    if (this.committed) throw new DataError(`cache ${this.stage}/${this.key} is already committed`);
    if (!isSafeName(name)) throw new DataError(`cache ${this.stage}/${this.key}: bad file name ${JSON.stringify(name)}`);
    if (this.entries.has(name)) throw new DataError(`cache ${this.stage}/${this.key}: ${name} written twice`);
  }

  private record(entry: CacheFileEntry): CacheFileEntry {
    this.entries.set(entry.name, entry);
    return entry;
  }
}

import { randomBytes } from 'node:crypto';
import { DataError } from '../errors';
import type { ObjectStore } from './object-store';
import { sha256Hex, canonicalJson } from './cache-key';
import { CACHE_MANIFEST_NAME, cacheObjectPath, isSafeName, parseCacheManifest, type CacheFileEntry, type CacheManifest, type JsonValue } from './cache-manifest';

/**
 * Writes one cache entry file by file, so a stage with many shards never
 * holds them all in memory: `put` each output as it is produced (its sha256
 * is remembered), then `commit` writes the manifest, last.
 *
 * Each writer puts its objects in a folder of its own under the entry
 * (`<prefix><writer>/<name>`), so two runs computing the same key at once
 * never overwrite each other's bytes; the manifest says which folder counts.
 */
export class CacheWriter {
  private readonly entries = new Map<string, CacheFileEntry>();
  private committed = false;
  /** This writer's folder under the entry's prefix. */
  readonly folder = `w-${randomBytes(6).toString('hex')}`;
  private readonly startedAt: Date;

  constructor(
    private readonly store: ObjectStore,
    readonly stage: string,
    readonly key: string,
    /** The entry's prefix, ending in `/`. */
    readonly prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.startedAt = now();
  }

  /** Files recorded so far, in the order they were written. */
  get files(): readonly CacheFileEntry[] {
    return [...this.entries.values()];
  }

  /** Writes one data object under the entry and records its checksum. */
  async put(name: string, data: Buffer | Uint8Array | string, contentType?: string): Promise<CacheFileEntry> {
    this.checkName(name);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const object = `${this.folder}/${name}`;
    await this.store.put(this.prefix + object, bytes, contentType);
    return this.record({ name, object, sha256: sha256Hex(bytes), bytes: bytes.byteLength });
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
    const rival = await this.committedSinceStart();
    if (rival) {
      // Another writer committed this key while we computed: the first
      // commit wins, so whoever already read that entry keeps seeing it.
      for (const file of this.files) if (file.object?.startsWith(`${this.folder}/`)) await this.store.remove(this.prefix + cacheObjectPath(file));
      this.committed = true;
      return rival;
    }
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

  /** A valid manifest committed after this writer started, if any (an older one is what we replace). */
  private async committedSinceStart(): Promise<CacheManifest | undefined> {
    const text = await this.store.get(this.prefix + CACHE_MANIFEST_NAME);
    if (text === undefined) return undefined;
    const manifest = parseCacheManifest(text.toString('utf8'), this.stage, this.key);
    if (typeof manifest === 'string') return undefined;
    return new Date(manifest.createdAt) >= this.startedAt ? manifest : undefined;
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

import type { ObjectInfo, ObjectStore } from '../../lib/store/object-store';

/**
 * Test double for unit tests of pure code: an ObjectStore in a Map,
 * recording the order of writes. Integration tests use the real MinIO.
 */
export class MemoryStore implements ObjectStore {
  /** `now` stamps each put: tests of age-based rules set their own clock. */
  constructor(readonly bucket = 'graft', private readonly now: () => Date = () => new Date()) {}
  readonly objects = new Map<string, Buffer>();
  readonly modified = new Map<string, Date>();
  /** Every put key, in order, so tests can check the commit protocol. */
  readonly puts: string[] = [];

  async put(key: string, data: Buffer | Uint8Array | string): Promise<void> {
    this.puts.push(key);
    this.objects.set(key, Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data));
    this.modified.set(key, this.now());
  }

  async get(key: string): Promise<Buffer | undefined> {
    const data = this.objects.get(key);
    return data === undefined ? undefined : Buffer.from(data);
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async listInfo(prefix: string): Promise<ObjectInfo[]> {
    return (await this.list(prefix)).map((key) => ({ key, bytes: this.objects.get(key)!.byteLength, lastModified: this.modified.get(key) ?? new Date() }));
  }

  async remove(key: string): Promise<void> {
    this.objects.delete(key);
    this.modified.delete(key);
  }

  async removePrefix(prefix: string): Promise<void> {
    for (const key of await this.list(prefix)) await this.remove(key);
  }
}

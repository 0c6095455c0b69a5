import type { ObjectStore } from '../../lib/store/object-store';

/**
 * Test double for unit tests of pure code: an ObjectStore in a Map,
 * recording the order of writes. Integration tests use the real MinIO.
 */
export class MemoryStore implements ObjectStore {
  constructor(readonly bucket = 'graft') {}
  readonly objects = new Map<string, Buffer>();
  /** Every put key, in order, so tests can check the commit protocol. */
  readonly puts: string[] = [];

  async put(key: string, data: Buffer | Uint8Array | string): Promise<void> {
    this.puts.push(key);
    this.objects.set(key, Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data));
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

  async remove(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async removePrefix(prefix: string): Promise<void> {
    for (const key of await this.list(prefix)) this.objects.delete(key);
  }
}

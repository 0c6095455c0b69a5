import type { ObjectStore } from '../../../lib/store/object-store';

/** An in-memory ObjectStore for unit tests (test helper only). */
export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();
  constructor(readonly bucket = 'graft') {}

  async put(key: string, data: Buffer | Uint8Array | string): Promise<void> {
    this.objects.set(key, Buffer.from(typeof data === 'string' ? Buffer.from(data) : data));
  }
  async get(key: string): Promise<Buffer | undefined> {
    const v = this.objects.get(key);
    return v === undefined ? undefined : Buffer.from(v);
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
    for (const k of await this.list(prefix)) this.objects.delete(k);
  }
}

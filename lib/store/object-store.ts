/**
 * The one interface Graft's code uses to reach S3-compatible storage. The
 * real implementation talks to MinIO (see `minio-store.ts`); keys are
 * `/`-separated paths inside one bucket.
 */
export interface ObjectStore {
  /** The bucket this store reads and writes. */
  readonly bucket: string;
  put(key: string, data: Buffer | Uint8Array | string, contentType?: string): Promise<void>;
  /** Resolves to `undefined` when the key does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  exists(key: string): Promise<boolean>;
  /** Every key under `prefix`, recursively, sorted. */
  list(prefix: string): Promise<string[]>;
  remove(key: string): Promise<void>;
  /** Removes every key under `prefix`. */
  removePrefix(prefix: string): Promise<void>;
}

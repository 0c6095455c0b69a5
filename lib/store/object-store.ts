/**
 * The one interface Graft's code uses to reach S3-compatible storage. The
 * real implementation talks to MinIO (see `minio-store.ts`); keys are
 * `/`-separated paths inside one bucket.
 */
/** One object as a listing shows it. */
export interface ObjectInfo {
  readonly key: string;
  readonly bytes: number;
  readonly lastModified: Date;
}

export interface ObjectStore {
  /** The bucket this store reads and writes. */
  readonly bucket: string;
  put(key: string, data: Buffer | Uint8Array | string, contentType?: string): Promise<void>;
  /** Resolves to `undefined` when the key does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  exists(key: string): Promise<boolean>;
  /** Every key under `prefix`, recursively, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Like `list`, with each object's size and time of last write (sorted by key). */
  listInfo(prefix: string): Promise<ObjectInfo[]>;
  remove(key: string): Promise<void>;
  /** Removes every key under `prefix`. */
  removePrefix(prefix: string): Promise<void>;
}

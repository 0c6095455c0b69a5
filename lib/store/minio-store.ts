import * as fs from 'node:fs';
import * as https from 'node:https';
import { inspect } from 'node:util';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { DataError } from '../errors';
import type { ObjectInfo, ObjectStore } from './object-store';
import { safeKey } from './keys';
import { StoreConfigError, storeConfigFromEnv, type StoreConfig } from './store-config';
import { isNotFound, mapStoreError, storeErrorCode } from './store-errors';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  html: 'text/html; charset=utf-8',
  svg: 'image/svg+xml',
  txt: 'text/plain; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
};

/** `ObjectStore` over MinIO (or any S3) through the `minio` client. */
export class MinioStore implements ObjectStore {
  readonly bucket: string;
  readonly endpoint: string;
  private readonly client: Client;
  private readonly secrets: readonly string[];

  constructor(config: StoreConfig = storeConfigFromEnv()) {
    this.bucket = config.bucket;
    this.endpoint = config.endpoint;
    this.secrets = [config.secretKey];
    this.client = new Client({
      endPoint: config.host,
      port: config.port,
      useSSL: config.useSSL,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      pathStyle: config.addressing === 'path',
      ...(config.region ? { region: config.region } : {}),
      ...(config.caFile ? { transportAgent: new https.Agent({ keepAlive: true, ca: readCaFile(config.caFile) }) } : {}),
    });
  }

  /** Creates the bucket when it is missing; safe to call from many workers at once. */
  async ensureBucket(): Promise<void> {
    try {
      if (await this.client.bucketExists(this.bucket)) return;
      await this.client.makeBucket(this.bucket);
    } catch (err) {
      // Another worker won the race: the bucket exists, which is all we want.
      const code = storeErrorCode(err);
      if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
      throw this.fail(err, 'ensureBucket');
    }
  }

  async put(key: string, data: Buffer | Uint8Array | string, contentType?: string): Promise<void> {
    checkKey(key);
    const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : toBuffer(data);
    const type = contentType ?? contentTypeFor(key);
    try {
      await this.client.putObject(this.bucket, key, body, body.length, { 'Content-Type': type });
    } catch (err) {
      throw this.fail(err, 'put', { key });
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    checkKey(key);
    try {
      const stream = await this.client.getObject(this.bucket, key);
      return await readAll(stream);
    } catch (err) {
      if (storeErrorCode(err) === 'NoSuchKey') return undefined;
      throw this.fail(err, 'get', { key });
    }
  }

  async exists(key: string): Promise<boolean> {
    checkKey(key);
    try {
      await this.client.statObject(this.bucket, key);
      return true;
    } catch (err) {
      // MinIO names a missing bucket (NoSuchBucket) even on HEAD; that stays an error.
      if (isNotFound(err)) return false;
      throw this.fail(err, 'exists', { key });
    }
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.listInfo(prefix)).map((info) => info.key);
  }

  async listInfo(prefix: string): Promise<ObjectInfo[]> {
    checkPrefix(prefix);
    const objects: ObjectInfo[] = [];
    try {
      const stream = this.client.listObjectsV2(this.bucket, prefix, true);
      for await (const item of stream as AsyncIterable<{ name?: string; size?: number; lastModified?: Date }>) {
        if (item.name !== undefined) objects.push({ key: item.name, bytes: item.size ?? 0, lastModified: item.lastModified ?? new Date() });
      }
    } catch (err) {
      throw this.fail(err, 'list', { prefix });
    }
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async remove(key: string): Promise<void> {
    checkKey(key);
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (err) {
      if (isNotFound(err)) return;
      throw this.fail(err, 'remove', { key });
    }
  }

  async removePrefix(prefix: string): Promise<void> {
    // An empty prefix would empty the whole bucket: never by accident.
    if (prefix === '') throw new DataError('removePrefix needs a non-empty prefix');
    const keys = await this.list(prefix);
    if (keys.length === 0) return;
    let failed: DeleteFailure | undefined;
    try {
      const results: unknown[] = await this.client.removeObjects(this.bucket, keys);
      failed = results.map(deleteFailure).find((f) => f !== undefined);
    } catch (err) {
      throw this.fail(err, 'removePrefix', { prefix });
    }
    if (failed) throw this.fail({ code: failed.code }, 'removePrefix', failed.key !== undefined ? { key: failed.key } : { prefix });
  }

  toString(): string {
    return `MinioStore(${this.endpoint}, bucket "${this.bucket}")`;
  }

  toJSON(): { endpoint: string; bucket: string } {
    return { endpoint: this.endpoint, bucket: this.bucket };
  }

  // console.log(store) would otherwise print the client, secret key included.
  [inspect.custom](): string {
    return this.toString();
  }

  private fail(err: unknown, op: string, target: { key?: string; prefix?: string } = {}): Error {
    return mapStoreError(err, { op, endpoint: this.endpoint, bucket: this.bucket, ...target, redact: this.secrets });
  }
}

/** The content type a key's extension suggests; octet-stream when unknown. */
export function contentTypeFor(key: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(key)?.[1]?.toLowerCase();
  return (ext && CONTENT_TYPES[ext]) || 'application/octet-stream';
}

interface DeleteFailure {
  code: string;
  key?: string;
}

// The client's typings say `{ Error: {Code, Key} }`; v8.0.7 returns `{Code, Key}`: accept both.
function deleteFailure(result: unknown): DeleteFailure | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as { Code?: unknown; Key?: unknown; Error?: { Code?: unknown; Key?: unknown } };
  const entry = r.Error ?? r;
  if (typeof entry.Code !== 'string') return undefined;
  return { code: entry.Code, ...(typeof entry.Key === 'string' ? { key: entry.Key } : {}) };
}

function checkKey(key: string): void {
  if (safeKey(key) !== key) throw new DataError(`unsafe object key ${JSON.stringify(key)}`);
}

function checkPrefix(prefix: string): void {
  if (prefix === '') return;
  checkKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

function toBuffer(data: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** The PEM certificates in GRAFT_S3_CA_FILE, read once when the store is made. */
function readCaFile(file: string): string {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new StoreConfigError(`GRAFT_S3_CA_FILE ${file} cannot be read (${reason})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new StoreConfigError(`GRAFT_S3_CA_FILE ${file} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
  }
  return pem;
}

import { StoreConfigError } from '../errors';

export { StoreConfigError };

/** Where the object store is and how to sign in. Build it with `storeConfigFromEnv`. */
export interface StoreConfig {
  /** Normalized endpoint URL, e.g. `http://127.0.0.1:9000` (no credentials, no path). */
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly bucket: string;
  /** S3 region; `undefined` lets the client use its default (`us-east-1`). */
  readonly region?: string;
  /** `path` (`host/bucket/key`, MinIO and most custom endpoints) or `virtual-host` (`bucket.host/key`, AWS S3). */
  readonly addressing: S3Addressing;
  /** A PEM file of certificate authorities to trust for an https endpoint with a private CA. */
  readonly caFile?: string;
}

export type S3Addressing = 'path' | 'virtual-host';

/** Local-stack defaults, the same as infra's MinIO: never use them outside a dev box. */
export const STORE_DEFAULTS = {
  endpoint: 'http://127.0.0.1:9000',
  accessKey: 'graftadmin',
  secretKey: 'graftsecret',
  bucket: 'graft',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the store's settings:
 * - `GRAFT_S3_ENDPOINT` (default `http://127.0.0.1:9000`, or the local stack's `GRAFT_MINIO_PORT`)
 * - `GRAFT_S3_ACCESS_KEY`, else `MINIO_ROOT_USER` (default `graftadmin`)
 * - `GRAFT_S3_SECRET_KEY`, else `MINIO_ROOT_PASSWORD` (default `graftsecret`)
 * - `GRAFT_BUCKET` (default `graft`), `GRAFT_S3_REGION` (optional)
 * - `GRAFT_S3_ADDRESSING`: `path` or `virtual-host` (default `virtual-host`
 *   for AWS S3 endpoints, `path` for any other)
 * - `GRAFT_S3_CA_FILE`: certificate authorities (PEM) to trust, for an
 *   https endpoint whose certificate a private CA signed
 */
export function storeConfigFromEnv(env: Env = process.env): StoreConfig {
  const pick = (...names: string[]): string | undefined =>
    names.map((n) => env[n]?.trim()).find((v): v is string => v !== undefined && v !== '');
  // The local stack's MinIO port moves the default endpoint with it.
  const localPort = pick('GRAFT_MINIO_PORT');
  const url = parseEndpoint(pick('GRAFT_S3_ENDPOINT') ?? (localPort ? `http://127.0.0.1:${localPort}` : STORE_DEFAULTS.endpoint));
  const bucket = pick('GRAFT_BUCKET') ?? STORE_DEFAULTS.bucket;
  checkBucketName(bucket);
  const region = pick('GRAFT_S3_REGION');
  const caFile = pick('GRAFT_S3_CA_FILE');
  if (caFile && url.protocol !== 'https:') {
    throw new StoreConfigError(`GRAFT_S3_CA_FILE is set but GRAFT_S3_ENDPOINT ${url.origin} is not https://`);
  }
  return {
    endpoint: url.origin,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
    useSSL: url.protocol === 'https:',
    accessKey: pick('GRAFT_S3_ACCESS_KEY', 'MINIO_ROOT_USER') ?? STORE_DEFAULTS.accessKey,
    secretKey: pick('GRAFT_S3_SECRET_KEY', 'MINIO_ROOT_PASSWORD') ?? STORE_DEFAULTS.secretKey,
    bucket,
    ...(region ? { region } : {}),
    addressing: addressingOf(pick('GRAFT_S3_ADDRESSING'), url.hostname),
    ...(caFile ? { caFile } : {}),
  };
}

// AWS serves every bucket under its own host name; path-style requests are deprecated there.
const AWS_S3_HOST = /(^|\.)s3([.-][a-z0-9-]+)*\.amazonaws\.com$/;

function addressingOf(raw: string | undefined, hostname: string): S3Addressing {
  if (raw === undefined) return AWS_S3_HOST.test(hostname) ? 'virtual-host' : 'path';
  if (raw === 'path' || raw === 'virtual-host') return raw;
  throw new StoreConfigError(`GRAFT_S3_ADDRESSING must be 'path' or 'virtual-host', got ${JSON.stringify(raw)}`);
}

function parseEndpoint(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StoreConfigError(`GRAFT_S3_ENDPOINT is not a URL (expected e.g. http://127.0.0.1:9000)`);
  }
  // Credentials in the URL would end up in error messages: refuse them.
  if (url.username || url.password) {
    throw new StoreConfigError('GRAFT_S3_ENDPOINT must not hold credentials; use GRAFT_S3_ACCESS_KEY / GRAFT_S3_SECRET_KEY');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StoreConfigError(`GRAFT_S3_ENDPOINT must be http:// or https://, got ${url.protocol}//`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new StoreConfigError(`GRAFT_S3_ENDPOINT must be a bare origin like ${url.origin}, without a path`);
  }
  return url;
}

/** S3 bucket naming rules, checked here so a typo fails before any request. */
function checkBucketName(bucket: string): void {
  const ok = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) && !bucket.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);
  if (!ok) {
    throw new StoreConfigError(
      `GRAFT_BUCKET ${JSON.stringify(bucket)} is not a valid bucket name (3-63 characters: lowercase letters, digits, '.', '-')`,
    );
  }
}

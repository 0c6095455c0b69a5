import { AccessError, DataError, StoreError, type GraftError } from '../errors';

/** What the store was doing when a call failed; only what is safe to print. */
export interface StoreErrorContext {
  readonly op: string;
  readonly endpoint: string;
  readonly bucket: string;
  readonly key?: string;
  /** For listings: the prefix instead of a key. */
  readonly prefix?: string;
  /** Strings that must never reach a message (the credentials). */
  readonly redact?: readonly string[];
}

// Credentials or permissions: the same request will fail again.
const ACCESS_CODES = new Set([
  'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken',
  'ExpiredToken', 'AccountProblem', 'AllAccessDisabled', 'InvalidSecurity',
]);

// Socket-level failures: the server is down, restarting, or unreachable.
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET',
]);

// The endpoint's certificate is not trusted, expired or for another host: only configuration helps.
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'EPROTO',
]);

// The request was signed for one region and the bucket or server is in another.
const REGION_CODES = new Set(['AuthorizationHeaderMalformed', 'InvalidRegion', 'IllegalLocationConstraintException']);

/** S3/MinIO error code of a client error, or the socket errno code. */
export function storeErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** True for "the object is not there" answers (GET says NoSuchKey, HEAD says NotFound). */
export function isNotFound(err: unknown): boolean {
  const code = storeErrorCode(err);
  return code === 'NoSuchKey' || code === 'NotFound';
}

/**
 * Turns a `minio` client failure into one of Graft's errors, so callers and
 * Temporal know whether a retry can help:
 * - access codes → `AccessError` (non-retryable), naming the endpoint;
 * - an untrusted TLS certificate or a region mismatch → `AccessError`,
 *   naming the setting to fix (GRAFT_S3_CA_FILE, GRAFT_S3_REGION);
 * - `NoSuchBucket` → `DataError` (non-retryable): a retry cannot create the
 *   bucket; `ensureBucket()` (run by provisioning and worker start) does;
 * - socket errors, 5xx codes and anything unknown → `StoreError` (retryable).
 * Messages carry endpoint, bucket and key only; credentials are redacted
 * and the original error is not attached, as it may hold request details.
 */
export function mapStoreError(err: unknown, ctx: StoreErrorContext): GraftError {
  const code = storeErrorCode(err) ?? 'unknown';
  const target = ctx.key !== undefined ? ` key "${ctx.key}"` : ctx.prefix !== undefined ? ` prefix "${ctx.prefix}"` : '';
  const where = `${ctx.endpoint} bucket "${ctx.bucket}"${target}`;
  if (ACCESS_CODES.has(code)) {
    return new AccessError(
      `object store ${ctx.op} refused (${code}) at ${where}: check GRAFT_S3_ACCESS_KEY / GRAFT_S3_SECRET_KEY and the bucket policy`,
    );
  }
  if (TLS_CODES.has(code)) {
    return new AccessError(
      `object store ${ctx.op} refused (${code}) at ${where}: the endpoint's TLS certificate is not trusted; ` +
        'set GRAFT_S3_CA_FILE to the PEM of the CA that signed it, or check GRAFT_S3_ENDPOINT\'s host name',
    );
  }
  if (REGION_CODES.has(code)) {
    return new AccessError(`object store ${ctx.op} refused (${code}) at ${where}: check GRAFT_S3_REGION (${redact(messageOf(err), ctx.redact)})`);
  }
  if (code === 'NoSuchBucket') {
    return new DataError(`object store ${ctx.op} failed at ${where}: the bucket does not exist; create it with ensureBucket() (graft provisioning does)`);
  }
  if (NETWORK_CODES.has(code)) {
    return new StoreError(`object store unreachable (${code}) during ${ctx.op} at ${where}: is MinIO running?`);
  }
  return new StoreError(`object store ${ctx.op} failed (${code}) at ${where}: ${redact(messageOf(err), ctx.redact)}`);
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

import { AccessError, DataError, StoreError } from '../../../lib/errors';
import { mapStoreError } from '../../../lib/store';

const ctx = { op: 'get', endpoint: 'http://127.0.0.1:9000', bucket: 'graft', key: 'runs/r1/metrics.json', redact: ['s3cr3t'] };

function s3Error(code: string, message = 'server said no'): Error {
  return Object.assign(new Error(message), { code });
}

describe('mapStoreError', () => {
  it.each(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch'])('maps %s to a non-retryable AccessError', (code) => {
    const err = mapStoreError(s3Error(code), ctx);
    expect(err).toBeInstanceOf(AccessError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('http://127.0.0.1:9000');
    expect(err.message).toContain('"graft"');
    expect(err.message).toContain(code);
  });

  it.each(['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    'maps the TLS failure %s to a non-retryable AccessError naming GRAFT_S3_CA_FILE',
    (code) => {
      const err = mapStoreError(s3Error(code), ctx);
      expect(err).toBeInstanceOf(AccessError);
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/TLS certificate is not trusted.*GRAFT_S3_CA_FILE/);
    },
  );

  it('maps a region mismatch to a non-retryable AccessError naming GRAFT_S3_REGION', () => {
    const err = mapStoreError(s3Error('AuthorizationHeaderMalformed', "the region 'us-east-1' is wrong; expecting 'eu-west-3'"), ctx);
    expect(err).toBeInstanceOf(AccessError);
    expect(err.message).toMatch(/check GRAFT_S3_REGION.*expecting 'eu-west-3'/);
  });

  it('maps NoSuchBucket to a non-retryable DataError that says how to fix it', () => {
    const err = mapStoreError(s3Error('NoSuchBucket'), ctx);
    expect(err).toBeInstanceOf(DataError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/bucket does not exist.*ensureBucket/);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'])('maps socket error %s to a retryable StoreError', (code) => {
    const err = mapStoreError(s3Error(code, `connect ${code} 127.0.0.1:9000`), ctx);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/unreachable.*is MinIO running/);
  });

  it('maps unknown and server-side errors to a retryable StoreError', () => {
    expect(mapStoreError(s3Error('InternalError'), ctx)).toBeInstanceOf(StoreError);
    expect(mapStoreError('a thrown string', ctx)).toBeInstanceOf(StoreError);
  });

  it('names endpoint, bucket and key, and redacts secrets from server text', () => {
    const err = mapStoreError(s3Error('Weird', 'echoing s3cr3t back'), ctx);
    expect(err.message).toContain('runs/r1/metrics.json');
    expect(err.message).not.toContain('s3cr3t');
    expect(err.message).toContain('***');
  });

  it('does not carry the original error (it may hold request details)', () => {
    const err = mapStoreError(s3Error('AccessDenied'), ctx);
    expect(err.cause).toBeUndefined();
  });
});

describe('mapStoreError for listings', () => {
  it('names the prefix instead of a key', () => {
    const err = mapStoreError(s3Error('AccessDenied'), { op: 'list', endpoint: 'http://h:9000', bucket: 'graft', prefix: 'cache/extract/' });
    expect(err.message).toContain('prefix "cache/extract/"');
    expect(err.message).not.toContain('key');
  });
});

import { storeConfigFromEnv, StoreConfigError, STORE_DEFAULTS } from '../../../lib/store';

describe('storeConfigFromEnv', () => {
  it('uses the local-stack defaults on an empty environment', () => {
    expect(storeConfigFromEnv({})).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      host: '127.0.0.1',
      port: 9000,
      useSSL: false,
      accessKey: STORE_DEFAULTS.accessKey,
      secretKey: STORE_DEFAULTS.secretKey,
      bucket: 'graft',
      addressing: 'path',
    });
  });

  it('addresses AWS S3 by virtual host and any other endpoint by path, unless GRAFT_S3_ADDRESSING says', () => {
    expect(storeConfigFromEnv({ GRAFT_S3_ENDPOINT: 'https://s3.eu-west-3.amazonaws.com' }).addressing).toBe('virtual-host');
    expect(storeConfigFromEnv({ GRAFT_S3_ENDPOINT: 'https://s3.amazonaws.com' }).addressing).toBe('virtual-host');
    expect(storeConfigFromEnv({ GRAFT_S3_ENDPOINT: 'https://minio.internal.test:9000' }).addressing).toBe('path');
    expect(storeConfigFromEnv({ GRAFT_S3_ENDPOINT: 'https://s3.amazonaws.com', GRAFT_S3_ADDRESSING: 'path' }).addressing).toBe('path');
    expect(() => storeConfigFromEnv({ GRAFT_S3_ADDRESSING: 'vhost' })).toThrow(/GRAFT_S3_ADDRESSING must be 'path' or 'virtual-host', got "vhost"/);
  });

  it('takes a CA file for an https endpoint only', () => {
    const c = storeConfigFromEnv({ GRAFT_S3_ENDPOINT: 'https://127.0.0.1:9443', GRAFT_S3_CA_FILE: '/etc/graft/ca.pem' });
    expect(c).toMatchObject({ useSSL: true, caFile: '/etc/graft/ca.pem' });
    expect(() => storeConfigFromEnv({ GRAFT_S3_ENDPOINT: 'http://127.0.0.1:9000', GRAFT_S3_CA_FILE: '/etc/graft/ca.pem' }))
      .toThrow(/GRAFT_S3_CA_FILE is set but GRAFT_S3_ENDPOINT http:\/\/127.0.0.1:9000 is not https/);
  });

  it('reads the GRAFT_ variables, which win over MINIO_ROOT_*', () => {
    const c = storeConfigFromEnv({
      GRAFT_S3_ENDPOINT: 'https://s3.example.test',
      GRAFT_S3_ACCESS_KEY: 'ak',
      GRAFT_S3_SECRET_KEY: 'sk',
      MINIO_ROOT_USER: 'root',
      MINIO_ROOT_PASSWORD: 'rootpw',
      GRAFT_BUCKET: 'my-bucket',
      GRAFT_S3_REGION: 'eu-west-1',
    });
    expect(c).toMatchObject({ endpoint: 'https://s3.example.test', host: 's3.example.test', port: 443, useSSL: true });
    expect(c).toMatchObject({ accessKey: 'ak', secretKey: 'sk', bucket: 'my-bucket', region: 'eu-west-1' });
  });

  it('falls back to MINIO_ROOT_USER / MINIO_ROOT_PASSWORD', () => {
    const c = storeConfigFromEnv({ MINIO_ROOT_USER: 'root', MINIO_ROOT_PASSWORD: 'rootpw', GRAFT_S3_ENDPOINT: 'http://localhost:19000/' });
    expect(c).toMatchObject({ accessKey: 'root', secretKey: 'rootpw', host: 'localhost', port: 19000 });
  });

  it.each([
    ['not a url', /not a URL/],
    ['ftp://host:21', /http/],
    ['http://user:pw@host:9000', /must not hold credentials/],
    ['http://host:9000/bucket', /without a path/],
  ])('rejects endpoint %j', (endpoint, message) => {
    expect(() => storeConfigFromEnv({ GRAFT_S3_ENDPOINT: endpoint })).toThrow(StoreConfigError);
    expect(() => storeConfigFromEnv({ GRAFT_S3_ENDPOINT: endpoint })).toThrow(message);
  });

  it('never echoes credentials found in a rejected endpoint', () => {
    expect(() => storeConfigFromEnv({ GRAFT_S3_ENDPOINT: 'http://user:hunter2@host:9000' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it.each(['Graft', 'ab', 'a_b', '-abc', 'a..b', '192.168.1.1'])('rejects bucket name %j', (bucket) => {
    expect(() => storeConfigFromEnv({ GRAFT_BUCKET: bucket })).toThrow(StoreConfigError);
  });

  it('marks config errors non-retryable', () => {
    try {
      storeConfigFromEnv({ GRAFT_BUCKET: 'X' });
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toMatchObject({ type: 'StoreConfigError', retryable: false });
    }
  });
});

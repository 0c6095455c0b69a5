import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { DataError, StoreError } from '../../../lib/errors';
import { MinioStore, storeConfigFromEnv, storeContentTypeFor } from '../../../lib/store';

// A port nothing listens on: bind one, note it, close it.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const secretEnv = { GRAFT_S3_ACCESS_KEY: 'AKIDEXAMPLE', GRAFT_S3_SECRET_KEY: 'very-secret-value' };

describe('MinioStore without a server', () => {
  it('never shows its credentials when printed', () => {
    const store = new MinioStore(storeConfigFromEnv(secretEnv));
    const shown = `${inspect(store, { depth: 10 })} ${String(store)} ${JSON.stringify(store)}`;
    expect(shown).toContain('http://127.0.0.1:9000');
    expect(shown).not.toContain('very-secret-value');
  });

  it('turns a refused connection into a retryable StoreError naming endpoint, bucket and key', async () => {
    const port = await closedPort();
    const store = new MinioStore(storeConfigFromEnv({ ...secretEnv, GRAFT_S3_ENDPOINT: `http://127.0.0.1:${port}` }));
    const err: unknown = await store.get('runs/r1/metrics.json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ retryable: true });
    const message = (err as Error).message;
    expect(message).toContain(`http://127.0.0.1:${port}`);
    expect(message).toContain('runs/r1/metrics.json');
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('very-secret-value');
  });

  it('rejects unsafe keys before any request', async () => {
    const store = new MinioStore(storeConfigFromEnv({}));
    await expect(store.put('../escape', 'x')).rejects.toBeInstanceOf(DataError);
    await expect(store.get('/abs')).rejects.toBeInstanceOf(DataError);
    await expect(store.list('a//b/')).rejects.toBeInstanceOf(DataError);
    await expect(store.removePrefix('')).rejects.toThrow(/non-empty prefix/);
  });

  it('picks content types from extensions', () => {
    expect(storeContentTypeFor('runs/r/report.html')).toBe('text/html; charset=utf-8');
    expect(storeContentTypeFor('models/m/model.json')).toBe('application/json');
    expect(storeContentTypeFor('cache/x/k/shard.npy')).toBe('application/octet-stream');
  });
});

/**
 * The store against an S3 endpoint set up the way production ones are: a
 * MinIO of its own, serving https with a certificate from a private CA, in a
 * region other than the default. Checks that GRAFT_S3_CA_FILE and
 * GRAFT_S3_REGION are honoured, and that getting them wrong gives an error
 * naming the setting instead of a retry loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { stackConfigFromEnv } from '../../infra/stack';
import { AccessError } from '../../lib/errors';
import { MinioStore, StoreConfigError, storeConfigFromEnv } from '../../lib/store';
import { makeCa, makeLeaf } from './support/certificates';
import { freePort } from './support/ports';

const REGION = 'eu-west-3';
jest.setTimeout(60_000);

/** A CA, and a server certificate for 127.0.0.1 that it signed, where MinIO's --certs-dir wants them. */
function makeCertificates(dir: string): { caFile: string; certsDir: string } {
  const certsDir = path.join(dir, 'certs');
  fs.mkdirSync(certsDir);
  const ca = makeCa(dir, 'graft-test-ca');
  const server = makeLeaf(dir, ca, 'minio', 'server');
  fs.copyFileSync(server.certFile, path.join(certsDir, 'public.crt'));
  fs.copyFileSync(server.keyFile, path.join(certsDir, 'private.key'));
  return { caFile: ca.certFile, certsDir };
}

function healthy(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/minio/health/live', ca, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

describe('an https S3 endpoint with a private CA and its own region', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-s3-tls-'));
  const credentials = { GRAFT_S3_ACCESS_KEY: `tls${randomBytes(4).toString('hex')}`, GRAFT_S3_SECRET_KEY: randomBytes(12).toString('hex') };
  let minio: ChildProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    const { caFile, certsDir } = makeCertificates(dir);
    const [port, consolePort] = [await freePort(), await freePort()];
    minio = spawn(path.join(stackConfigFromEnv().binDir, 'minio'), [
      'server', path.join(dir, 'data'), '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, '--certs-dir', certsDir,
    ], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, MINIO_ROOT_USER: credentials.GRAFT_S3_ACCESS_KEY, MINIO_ROOT_PASSWORD: credentials.GRAFT_S3_SECRET_KEY, MINIO_SITE_REGION: REGION },
      stdio: 'ignore',
    });
    const ca = fs.readFileSync(caFile, 'utf8');
    const deadline = Date.now() + 30_000;
    while (!(await healthy(port, ca))) {
      if (Date.now() > deadline) throw new Error(`MinIO with TLS did not come up on port ${port}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    env = { ...credentials, GRAFT_S3_ENDPOINT: `https://127.0.0.1:${port}`, GRAFT_S3_REGION: REGION, GRAFT_S3_CA_FILE: caFile, GRAFT_BUCKET: 'graft-test-tls' };
  });

  afterAll(async () => {
    // MinIO writes to its folder until it has exited: remove the folder after that.
    if (minio && minio.exitCode === null && minio.signalCode === null) {
      const exited = new Promise((resolve) => minio!.once('exit', resolve));
      minio.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the bucket in the region and stores, lists and reads objects over TLS', async () => {
    const store = new MinioStore(storeConfigFromEnv(env));
    await store.ensureBucket();
    await store.put('runs/tls/hello.json', JSON.stringify({ hello: 'tls' }));
    expect(JSON.parse((await store.get('runs/tls/hello.json'))?.toString('utf8') ?? 'null')).toEqual({ hello: 'tls' });
    expect(await store.list('runs/tls/')).toEqual(['runs/tls/hello.json']);
  });

  it('refuses an endpoint whose CA is not trusted, naming GRAFT_S3_CA_FILE', async () => {
    const { GRAFT_S3_CA_FILE: _trusted, ...withoutCa } = env;
    const failure = await new MinioStore(storeConfigFromEnv(withoutCa)).get('runs/tls/hello.json').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(AccessError);
    expect((failure as Error).message).toMatch(/TLS certificate is not trusted.*GRAFT_S3_CA_FILE/);
  });

  it('refuses requests signed for another region, naming GRAFT_S3_REGION', async () => {
    const failure = await new MinioStore(storeConfigFromEnv({ ...env, GRAFT_S3_REGION: 'us-west-2' })).get('runs/tls/hello.json').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(AccessError);
    expect((failure as Error).message).toMatch(/GRAFT_S3_REGION/);
    expect((failure as Error).message).not.toContain(credentials.GRAFT_S3_SECRET_KEY);
  });

  it('names a CA file that is missing or not PEM before any request', () => {
    expect(() => new MinioStore(storeConfigFromEnv({ ...env, GRAFT_S3_CA_FILE: path.join(dir, 'absent.pem') })))
      .toThrow(new StoreConfigError(`GRAFT_S3_CA_FILE ${path.join(dir, 'absent.pem')} cannot be read (ENOENT)`));
    fs.writeFileSync(path.join(dir, 'not.pem'), 'hello');
    expect(() => new MinioStore(storeConfigFromEnv({ ...env, GRAFT_S3_CA_FILE: path.join(dir, 'not.pem') }))).toThrow(/holds no PEM certificate/);
  });
});

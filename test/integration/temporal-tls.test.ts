/**
 * Connecting to a Temporal that requires TLS and client certificates, as a
 * production cluster does. The dev server speaks plain gRPC, so the test puts
 * a TLS-terminating front of its own before it (Node's tls server, asking
 * for a client certificate from its CA) and connects through it the way
 * clients and workers do, from GRAFT_TEMPORAL_* settings.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { NativeConnection } from '@temporalio/worker';
import { TemporalConfigError } from '../../lib/errors';
import { connectClient, temporalConfigFromEnv, withTemporalSettings } from '../../runtime/temporal';
import { makeCa, makeLeaf } from './support/certificates';

jest.setTimeout(60_000);

describe('Temporal behind mTLS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-temporal-tls-'));
  const ca = makeCa(dir, 'graft-test-temporal-ca');
  const otherCa = makeCa(dir, 'graft-test-other-ca');
  const server = makeLeaf(dir, ca, 'front', 'server');
  const client = makeLeaf(dir, ca, 'graft-worker', 'client');
  const upstream = temporalConfigFromEnv();
  const [upstreamHost, upstreamPort] = [upstream.address.replace(/:\d+$/, ''), Number(upstream.address.split(':').pop())];
  let front: tls.Server;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    front = tls.createServer({
      key: fs.readFileSync(server.keyFile), cert: fs.readFileSync(server.certFile), ca: fs.readFileSync(ca.certFile),
      requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'],
    }, (socket) => {
      const toServer = net.connect(upstreamPort, upstreamHost);
      socket.pipe(toServer).pipe(socket);
      socket.on('error', () => toServer.destroy());
      toServer.on('error', () => socket.destroy());
    });
    front.on('tlsClientError', () => undefined); // refused handshakes are what some tests want
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const { port } = front.address() as net.AddressInfo;
    env = {
      GRAFT_TEMPORAL_ADDRESS: `127.0.0.1:${port}`, GRAFT_NAMESPACE: upstream.namespace,
      GRAFT_TEMPORAL_SERVER_CA_FILE: ca.certFile, GRAFT_TEMPORAL_CLIENT_CERT_FILE: client.certFile, GRAFT_TEMPORAL_CLIENT_KEY_FILE: client.keyFile,
    };
  });

  afterAll(async () => {
    await new Promise((resolve) => front.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets a client in with the CA and a client certificate, and it reaches the namespace', async () => {
    const connected = await connectClient(temporalConfigFromEnv(env));
    try {
      const described = await connected.workflowService.describeNamespace({ namespace: upstream.namespace });
      expect(described.namespaceInfo?.name).toBe(upstream.namespace);
    } finally {
      await connected.connection.close();
    }
  });

  it('lets a worker connection in the same way', async () => {
    const connection = await withTemporalSettings(temporalConfigFromEnv(env), (options) => NativeConnection.connect(options));
    await connection.close();
  });

  it('refuses a client without a certificate, naming the client-certificate setting', async () => {
    const { GRAFT_TEMPORAL_CLIENT_CERT_FILE: _c, GRAFT_TEMPORAL_CLIENT_KEY_FILE: _k, ...noClientCert } = env;
    const failure = await connectClient(temporalConfigFromEnv(noClientCert)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TemporalConfigError);
    expect((failure as Error).message).toMatch(/GRAFT_TEMPORAL_CLIENT_CERT_FILE \(unset/);
  });

  it('refuses a server its CA file did not sign, naming GRAFT_TEMPORAL_SERVER_CA_FILE', async () => {
    const failure = await connectClient(temporalConfigFromEnv({ ...env, GRAFT_TEMPORAL_SERVER_CA_FILE: otherCa.certFile })).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TemporalConfigError);
    expect((failure as Error).message).toContain('GRAFT_TEMPORAL_SERVER_CA_FILE');
  });

  it('names a certificate file that is missing, before any connection', async () => {
    const missing = path.join(dir, 'absent.crt');
    await expect(connectClient(temporalConfigFromEnv({ ...env, GRAFT_TEMPORAL_CLIENT_CERT_FILE: missing })))
      .rejects.toThrow(`GRAFT_TEMPORAL_CLIENT_CERT_FILE ${missing} cannot be read (ENOENT)`);
  });
});

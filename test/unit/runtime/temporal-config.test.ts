import { TemporalConfigError } from '../../../lib/errors';
import { temporalConfigFromEnv } from '../../../runtime/temporal';
import { probeTls } from '../../../runtime/temporal-tls';
import { freePort } from '../../integration/support/ports';

describe('temporalConfigFromEnv: TLS, mTLS and API key', () => {
  it('connects in plain gRPC to the local server when nothing is set', () => {
    expect(temporalConfigFromEnv({})).toEqual({ address: '127.0.0.1:7233', namespace: 'default' });
  });

  it('reads the server CA, server name and client certificate pair', () => {
    const config = temporalConfigFromEnv({
      GRAFT_TEMPORAL_ADDRESS: 'temporal.example.test:7233', GRAFT_NAMESPACE: 'ml',
      GRAFT_TEMPORAL_SERVER_CA_FILE: '/etc/graft/ca.pem', GRAFT_TEMPORAL_SERVER_NAME: 'frontend.internal',
      GRAFT_TEMPORAL_CLIENT_CERT_FILE: '/etc/graft/client.crt', GRAFT_TEMPORAL_CLIENT_KEY_FILE: '/etc/graft/client.key',
    });
    expect(config).toEqual({
      address: 'temporal.example.test:7233', namespace: 'ml',
      tls: { serverCaFile: '/etc/graft/ca.pem', serverName: 'frontend.internal', clientCertFile: '/etc/graft/client.crt', clientKeyFile: '/etc/graft/client.key' },
    });
  });

  it('turns TLS on for GRAFT_TEMPORAL_TLS=1 and for an API key, which is never sent in clear', () => {
    expect(temporalConfigFromEnv({ GRAFT_TEMPORAL_TLS: '1' }).tls).toEqual({});
    expect(temporalConfigFromEnv({ GRAFT_TEMPORAL_API_KEY: 'k-123' })).toMatchObject({ tls: {}, apiKey: 'k-123' });
    expect(() => temporalConfigFromEnv({ GRAFT_TEMPORAL_TLS: '0', GRAFT_TEMPORAL_API_KEY: 'k-123' })).toThrow(TemporalConfigError);
  });

  it.each([
    [{ GRAFT_TEMPORAL_CLIENT_CERT_FILE: '/c.crt' }, /GRAFT_TEMPORAL_CLIENT_CERT_FILE is set without GRAFT_TEMPORAL_CLIENT_KEY_FILE/],
    [{ GRAFT_TEMPORAL_CLIENT_KEY_FILE: '/c.key' }, /GRAFT_TEMPORAL_CLIENT_KEY_FILE is set without GRAFT_TEMPORAL_CLIENT_CERT_FILE/],
    [{ GRAFT_TEMPORAL_TLS: 'yes' }, /GRAFT_TEMPORAL_TLS must be 1 or 0, got "yes"/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => temporalConfigFromEnv(env)).toThrow(message);
  });
});

describe('probeTls', () => {
  it('leaves a server that is not there to the caller (no TLS reason to report)', async () => {
    expect(await probeTls(`127.0.0.1:${await freePort()}`, {})).toBeUndefined();
  });
});

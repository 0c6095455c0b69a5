/**
 * TLS, mTLS and API-key settings for reaching a production Temporal, read
 * from the environment. The config keeps file paths; the files are read
 * when connecting, so a config can be printed without its secrets (the API
 * key excepted: `describeTemporalConfig` leaves it out).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { TLSConfig } from '@temporalio/client';
import { TemporalConfigError } from '../lib/errors';

export interface TemporalTlsConfig {
  /** PEM of the CA that signed the server's certificate; absent trusts the system's CAs. */
  readonly serverCaFile?: string;
  /** The name to check the server's certificate against, when it is not the address's host. */
  readonly serverName?: string;
  /** The client's certificate and key (PEM), for a server that requires mTLS. */
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * - `GRAFT_TEMPORAL_TLS=1` connects with TLS (implied by any setting below)
 * - `GRAFT_TEMPORAL_SERVER_CA_FILE`, `GRAFT_TEMPORAL_SERVER_NAME`
 * - `GRAFT_TEMPORAL_CLIENT_CERT_FILE` and `GRAFT_TEMPORAL_CLIENT_KEY_FILE` (mTLS, both or neither)
 * - `GRAFT_TEMPORAL_API_KEY` (sent as a bearer token; implies TLS)
 */
export function temporalTlsFromEnv(env: Env): { tls?: TemporalTlsConfig; apiKey?: string } {
  const pick = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const tlsFlag = pick('GRAFT_TEMPORAL_TLS');
  if (tlsFlag !== undefined && !['0', '1', 'true', 'false'].includes(tlsFlag)) {
    throw new TemporalConfigError(`GRAFT_TEMPORAL_TLS must be 1 or 0, got ${JSON.stringify(tlsFlag)}`);
  }
  const tls: TemporalTlsConfig = {
    ...optional('serverCaFile', pick('GRAFT_TEMPORAL_SERVER_CA_FILE')),
    ...optional('serverName', pick('GRAFT_TEMPORAL_SERVER_NAME')),
    ...optional('clientCertFile', pick('GRAFT_TEMPORAL_CLIENT_CERT_FILE')),
    ...optional('clientKeyFile', pick('GRAFT_TEMPORAL_CLIENT_KEY_FILE')),
  };
  if (Boolean(tls.clientCertFile) !== Boolean(tls.clientKeyFile)) {
    const [set, missing] = tls.clientCertFile
      ? ['GRAFT_TEMPORAL_CLIENT_CERT_FILE', 'GRAFT_TEMPORAL_CLIENT_KEY_FILE']
      : ['GRAFT_TEMPORAL_CLIENT_KEY_FILE', 'GRAFT_TEMPORAL_CLIENT_CERT_FILE'];
    throw new TemporalConfigError(`${set} is set without ${missing}: mTLS needs both`);
  }
  const apiKey = pick('GRAFT_TEMPORAL_API_KEY');
  const wanted = tlsFlag === '1' || tlsFlag === 'true' || Object.keys(tls).length > 0 || apiKey !== undefined;
  if (!wanted) return {};
  if (tlsFlag === '0' || tlsFlag === 'false') {
    throw new TemporalConfigError('GRAFT_TEMPORAL_TLS=0 contradicts the TLS settings or API key also set (an API key is never sent in clear)');
  }
  return { tls, ...(apiKey ? { apiKey } : {}) };
}

function optional<K extends keyof TemporalTlsConfig>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, string>>);
}

/** The SDK's TLS option: the PEM files read now, each failure naming its variable. */
export function readTls(tls: TemporalTlsConfig): TLSConfig {
  const ca = tls.serverCaFile ? readPem(tls.serverCaFile, 'GRAFT_TEMPORAL_SERVER_CA_FILE', 'CERTIFICATE') : undefined;
  const pair = tls.clientCertFile && tls.clientKeyFile
    ? {
      crt: readPem(tls.clientCertFile, 'GRAFT_TEMPORAL_CLIENT_CERT_FILE', 'CERTIFICATE'),
      key: readPem(tls.clientKeyFile, 'GRAFT_TEMPORAL_CLIENT_KEY_FILE', 'PRIVATE KEY'),
    }
    : undefined;
  return {
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
    ...(pair ? { clientCertPair: pair } : {}),
  };
}

function readPem(file: string, variable: string, kind: string): Buffer {
  let pem: Buffer;
  try {
    pem = fs.readFileSync(file);
  } catch (err) {
    throw new TemporalConfigError(`${variable} ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  // "PRIVATE KEY" matches PKCS#8 and the RSA/EC forms alike.
  if (!pem.toString('utf8').includes(kind)) {
    throw new TemporalConfigError(`${variable} ${file} holds no PEM ${kind.toLowerCase()}`);
  }
  return pem;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Why a TLS handshake with `address` fails, or undefined when it succeeds.
 * The SDK only says "Failed to connect before the deadline"; this asks the
 * same question with Node's TLS to learn the reason (an unknown CA, a
 * certificate the server requires), so the error can name the setting.
 */
export function probeTls(address: string, settings: TLSConfig, timeoutMs = 3_000): Promise<string | undefined> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(at + 1));
  return new Promise((resolve) => {
    let settled = false;
    const finish = (reason: string | undefined) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(reason);
    };
    const socket = tls.connect({
      host, port, ALPNProtocols: ['h2'],
      ...(settings.serverNameOverride ? { servername: settings.serverNameOverride } : net.isIP(host) ? {} : { servername: host }),
      ...(settings.serverRootCACertificate ? { ca: Buffer.from(settings.serverRootCACertificate) } : {}),
      ...(settings.clientCertPair ? { cert: Buffer.from(settings.clientCertPair.crt), key: Buffer.from(settings.clientCertPair.key) } : {}),
    });
    // A server that is down or unreachable is not a TLS problem: the caller keeps its own error.
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish(err.code && UNREACHABLE.has(err.code) ? undefined : err.code ? `${err.code}: ${err.message}` : err.message));
    // With TLS 1.3 a server that wants a client certificate says so after the handshake: wait for its alert.
    socket.on('secureConnect', () => setTimeout(() => finish(undefined), 300));
    socket.setTimeout(timeoutMs, () => finish(undefined));
  });
}

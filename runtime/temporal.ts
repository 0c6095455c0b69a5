import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { TemporalConfigError } from '../lib/errors';
import { probeTls, readTls, temporalTlsFromEnv, type TemporalTlsConfig } from './temporal-tls';

/**
 * How to reach Temporal. `GRAFT_TEMPORAL_ADDRESS` (default 127.0.0.1:7233), `GRAFT_NAMESPACE` (default
 * `default`; the local stack creates it at start, `ensureNamespace` on a server already running), and
 * for a production cluster TLS, mTLS or an API key (runtime/temporal-tls.ts).
 */
export interface TemporalConfig {
  readonly address: string;
  readonly namespace: string;
  readonly tls?: TemporalTlsConfig;
  /** A secret: never print a config whole. */
  readonly apiKey?: string;
}

export function temporalConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  return {
    address: env.GRAFT_TEMPORAL_ADDRESS || `127.0.0.1:${env.GRAFT_TEMPORAL_PORT || '7233'}`,
    namespace: env.GRAFT_NAMESPACE || 'default',
    ...temporalTlsFromEnv(env),
  };
}

/** What the client's and the worker's `connect` take: address, TLS read from its files, API key. */
export interface TemporalConnectOptions {
  readonly address: string;
  readonly tls?: TLSConfig;
  readonly apiKey?: string;
}

export function connectOptions(config: TemporalConfig): TemporalConnectOptions {
  return {
    address: config.address,
    ...(config.tls ? { tls: readTls(config.tls) } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  };
}

// What a TLS handshake or an authentication refusal says, when the SDK passes it on.
const TLS_OR_AUTH_FAILURE = /certificate|handshake|ssl|tls|alert|unauthenticated|permission denied|invalid peer|unknown ca|bad record/i;

/**
 * Connects with `connect`, turning a TLS or authentication refusal into a
 * TemporalConfigError that names the settings in play. The reason comes from
 * the SDK's error or, when it only reports a timeout, from a TLS handshake
 * of our own; a server that is down stays a plain failure.
 */
export async function withTemporalSettings<T>(config: TemporalConfig, connect: (options: TemporalConnectOptions) => Promise<T>): Promise<T> {
  const options = connectOptions(config);
  try {
    return await connect(options);
  } catch (err) {
    if (!options.tls) throw err;
    const said = err instanceof Error ? err.message : String(err);
    const reason = TLS_OR_AUTH_FAILURE.test(said) ? said : await probeTls(config.address, options.tls);
    if (reason === undefined) throw err;
    const inPlay = [
      config.tls?.serverCaFile ? 'GRAFT_TEMPORAL_SERVER_CA_FILE' : 'GRAFT_TEMPORAL_SERVER_CA_FILE (unset: the system\'s CAs)',
      config.tls?.serverName && 'GRAFT_TEMPORAL_SERVER_NAME',
      config.tls?.clientCertFile ? 'GRAFT_TEMPORAL_CLIENT_CERT_FILE / GRAFT_TEMPORAL_CLIENT_KEY_FILE' : 'GRAFT_TEMPORAL_CLIENT_CERT_FILE (unset: needed if the server requires mTLS)',
      config.apiKey && 'GRAFT_TEMPORAL_API_KEY',
    ].filter(Boolean);
    const scrubbed = config.apiKey ? reason.split(config.apiKey).join('***') : reason;
    throw new TemporalConfigError(`Temporal at ${config.address} refused the connection: check ${inPlay.join(', ')} (${scrubbed.slice(0, 300)})`);
  }
}

/** A Temporal client; close it with `client.connection.close()`. */
export async function connectClient(config: TemporalConfig = temporalConfigFromEnv()): Promise<Client> {
  const connection = await withTemporalSettings(config, (options) => Connection.connect(options));
  return new Client({ connection, namespace: config.namespace });
}

/** gRPC status codes `ensureNamespace` tells apart. */
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

const grpcCode = (err: unknown): number | undefined => (err as { code?: unknown }).code as number | undefined;

type ProtoDuration = Parameters<Connection['workflowService']['registerNamespace']>[0]['workflowExecutionRetentionPeriod'];

/** A protobuf Duration; its int64 `seconds` is typed as a Long, and the encoder takes a plain number for it too. */
const retention = (seconds: number): ProtoDuration => ({ seconds }) as unknown as ProtoDuration;

export interface EnsureNamespaceOptions {
  /** How long closed runs stay visible in a namespace registered here [1 day]. */
  readonly retentionSeconds?: number;
  /** How long to wait for a new namespace to answer [30 s]. */
  readonly timeoutMs?: number;
}

/**
 * Makes `config.namespace` exist on the server: registers it unless it is
 * there already (a dev server started with `--namespace` has it; a server
 * started without it, such as a stack the user already runs, gets it here),
 * then waits until describing it and listing runs in it both succeed.
 * Returns true when this call registered it.
 */
export async function ensureNamespace(config: TemporalConfig, options: EnsureNamespaceOptions = {}): Promise<boolean> {
  const connection = await withTemporalSettings(config, (connectWith) => Connection.connect(connectWith));
  try {
    const service = connection.workflowService;
    let registered = false;
    try {
      await service.registerNamespace({
        namespace: config.namespace,
        workflowExecutionRetentionPeriod: retention(options.retentionSeconds ?? 86_400),
        description: 'registered by graft',
      });
      registered = true;
    } catch (err) {
      if (grpcCode(err) !== GRPC_ALREADY_EXISTS) throw err;
    }
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      try {
        await service.describeNamespace({ namespace: config.namespace });
        await service.listWorkflowExecutions({ namespace: config.namespace, pageSize: 1 });
        return registered;
      } catch (err) {
        // A namespace just registered may take a moment to reach every cache of the server.
        if (grpcCode(err) !== GRPC_NOT_FOUND || Date.now() >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    await connection.close();
  }
}

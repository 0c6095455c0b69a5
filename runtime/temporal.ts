import { Client, Connection } from '@temporalio/client';

/**
 * How to reach Temporal. `GRAFT_TEMPORAL_ADDRESS` (default 127.0.0.1:7233), `GRAFT_NAMESPACE` (default
 * `default`; the local stack creates it at start, `ensureNamespace` on a server already running).
 */
export interface TemporalConfig {
  readonly address: string;
  readonly namespace: string;
}

export function temporalConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  return {
    address: env.GRAFT_TEMPORAL_ADDRESS || `127.0.0.1:${env.GRAFT_TEMPORAL_PORT || '7233'}`,
    namespace: env.GRAFT_NAMESPACE || 'default',
  };
}

/** A Temporal client; close it with `client.connection.close()`. */
export async function connectClient(config: TemporalConfig = temporalConfigFromEnv()): Promise<Client> {
  const connection = await Connection.connect({ address: config.address });
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
  const connection = await Connection.connect({ address: config.address });
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

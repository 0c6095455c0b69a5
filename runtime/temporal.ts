import { Client, Connection } from '@temporalio/client';

/** How to reach Temporal. `GRAFT_TEMPORAL_ADDRESS` (default 127.0.0.1:7233), `GRAFT_NAMESPACE` (default `default`). */
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

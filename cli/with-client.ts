import type { Client } from '@temporalio/client';
import { connectClient, temporalConfigFromEnv } from '../runtime/temporal';

/** Runs `body` with a Temporal client from the environment, and closes it after. */
export async function withClient<T>(body: (client: Client) => Promise<T>): Promise<T> {
  const config = temporalConfigFromEnv();
  let client: Client;
  try {
    client = await connectClient(config);
  } catch (err) {
    throw new Error(`cannot reach Temporal at ${config.address} (start the local stack with \`graft dev up\`): ${(err as Error).message}`);
  }
  try {
    return await body(client);
  } finally {
    await client.connection.close();
  }
}

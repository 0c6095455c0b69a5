// Starts the real local stack for the integration suite, or reuses one that
// already answers; teardown stops it only if this run started it.
import { startStack, stackConfigFromEnv } from '../../infra/stack';
import { stackStatus } from '../../infra/stack';

export default async function globalSetup(): Promise<void> {
  const config = stackConfigFromEnv();
  const before = await stackStatus(config);
  const wasRunning = before.every((component) => component.healthy);
  await startStack(config, (line) => process.stderr.write(`[stack] ${line}\n`));
  process.env.GRAFT_TEST_STARTED_STACK = wasRunning ? '0' : '1';
}

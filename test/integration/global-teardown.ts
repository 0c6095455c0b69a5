import { stackConfigFromEnv, stopStack } from '../../infra/stack';

export default async function globalTeardown(): Promise<void> {
  if (process.env.GRAFT_TEST_STARTED_STACK === '1' && process.env.GRAFT_KEEP_STACK !== '1') {
    await stopStack(stackConfigFromEnv(), (line) => process.stderr.write(`[stack] ${line}\n`));
  }
}

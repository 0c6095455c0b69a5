// Starts the real local stack for the integration suite, or reuses one that
// already answers; teardown stops it only if this run started it. The suite
// runs in its own Temporal namespace and buckets (support/isolation.ts), set
// here in the environment that every jest worker and child process inherits,
// so the user's runs, schedules and bucket stay as they were.
import { startStack, stackConfigFromEnv } from '../../infra/stack';
import { stackStatus } from '../../infra/stack';
import { MinioStore } from '../../lib/store/minio-store';
import { storeConfigFromEnv } from '../../lib/store/store-config';
import { ensureNamespace, temporalConfigFromEnv } from '../../runtime/temporal';
import { isolateSuite, TEST_NAMESPACE_RETENTION_SECONDS } from './support/isolation';

export default async function globalSetup(): Promise<void> {
  // Before the stack starts: a stack started here creates the suite's namespace at launch.
  const suite = isolateSuite(process.env);
  delete process.env.GRAFT_TEST_CLEANED;
  const config = stackConfigFromEnv();
  const before = await stackStatus(config);
  const wasRunning = before.every((component) => component.healthy);
  await startStack(config, (line) => process.stderr.write(`[stack] ${line}\n`));
  // Integration and chaos share this setup: a second call must not forget that the first started the stack.
  if (process.env.GRAFT_TEST_STARTED_STACK !== '1') process.env.GRAFT_TEST_STARTED_STACK = wasRunning ? '0' : '1';
  // A stack the user already runs has no such namespace yet: register it there.
  await ensureNamespace(temporalConfigFromEnv(), { retentionSeconds: TEST_NAMESPACE_RETENTION_SECONDS });
  await new MinioStore(storeConfigFromEnv()).ensureBucket();
  process.stderr.write(`[suite] namespace ${suite.namespace}, buckets ${suite.bucket}*\n`);
}

// Removes what the suite made outside its namespace (its buckets, and any
// schedule a failed test left), then stops the stack if the setup started it.
import { stackConfigFromEnv, stopStack } from '../../infra/stack';
import { connectClient, temporalConfigFromEnv } from '../../runtime/temporal';
import { deleteRunSchedules, minioClient, removeRunBuckets } from './support/isolation';

async function cleanUp(run: string): Promise<unknown[]> {
  const problems: unknown[] = [];
  try {
    const client = await connectClient(temporalConfigFromEnv());
    try {
      const left = await deleteRunSchedules(client, run);
      if (left.length > 0) process.stderr.write(`[suite] deleted schedules left by tests: ${left.join(', ')}\n`);
    } finally {
      await client.connection.close();
    }
  } catch (err) {
    problems.push(err);
  }
  try {
    await removeRunBuckets(minioClient(), run);
  } catch (err) {
    problems.push(err);
  }
  return problems;
}

export default async function globalTeardown(): Promise<void> {
  const run = process.env.GRAFT_TEST_RUN;
  // Integration and chaos share this teardown: the second call finds nothing left (and maybe no stack).
  const problems = run && process.env.GRAFT_TEST_CLEANED !== '1' ? await cleanUp(run) : [];
  process.env.GRAFT_TEST_CLEANED = '1';
  if (process.env.GRAFT_TEST_STARTED_STACK === '1' && process.env.GRAFT_KEEP_STACK !== '1') {
    await stopStack(stackConfigFromEnv(), (line) => process.stderr.write(`[stack] ${line}\n`));
  }
  if (problems.length > 0) {
    throw new AggregateError(problems, `the suite could not remove all it made (run ${run}): ${problems.map(String).join('; ')}`);
  }
}

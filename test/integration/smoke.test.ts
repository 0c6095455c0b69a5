// The foundation's smoke test: a real workflow through a real worker, whose
// activity writes to the real MinIO and computes on native TensorFlow.
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import { activityDepsFromEnv } from '../../runtime/deps';
import { connectClient, temporalConfigFromEnv } from '../../runtime/temporal';
import { createGraftWorkers } from '../../runtime/worker';
import { smokeWorkflow } from '../../workflows';

test('a workflow writes to MinIO, reads it back and runs a tensor op on the native backend', async () => {
  const deps = await activityDepsFromEnv();
  const queue = `smoke-${randomUUID()}`;
  const temporal = temporalConfigFromEnv();
  const workers = await createGraftWorkers({
    temporal,
    queues: { cpu: queue, gpu: `${queue}-gpu` },
    serve: ['cpu'],
    activities: createActivities(deps),
  });
  const client = await connectClient(temporal);
  try {
    const key = `smoke/${randomUUID()}.json`;
    const run = client.workflow.execute(smokeWorkflow, {
      taskQueue: queue,
      workflowId: `smoke-${randomUUID()}`,
      args: [{ key }],
    });
    await workers.run(run);
    const result = await run;
    expect(result.backend).toBe('tensorflow');
    expect(result.roundTrip).toBe(true);
    expect(result.matmul).toEqual([17, 39]);
    expect(await deps.store.exists(key)).toBe(true);
  } finally {
    await client.connection.close();
  }
});

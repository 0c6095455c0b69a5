// The foundation's smoke test: a real workflow through a real worker, whose
// activity writes to the real MinIO and computes on native TensorFlow.
import { Client as MinioClient } from 'minio';
import { randomUUID } from 'node:crypto';
import { stackAddresses, stackConfigFromEnv } from '../../infra/stack';
import { createActivities } from '../../activities';
import { connectClient, temporalConfigFromEnv } from '../../lib/runtime/temporal';
import { createGraftWorkers } from '../../lib/runtime/worker';
import { smokeWorkflow } from '../../workflows';

test('a workflow writes to MinIO, reads it back and runs a tensor op on the native backend', async () => {
  const stack = stackConfigFromEnv();
  const endpoint = new URL(stackAddresses(stack).s3Endpoint);
  const minio = new MinioClient({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: false,
    accessKey: stack.minio.accessKey,
    secretKey: stack.minio.secretKey,
  });
  const queue = `smoke-${randomUUID()}`;
  const temporal = temporalConfigFromEnv();
  const workers = await createGraftWorkers({
    temporal,
    queues: { cpu: queue, gpu: `${queue}-gpu` },
    serve: ['cpu'],
    activities: createActivities({ minio }),
  });
  const client = await connectClient(temporal);
  try {
    const key = `smoke/${randomUUID()}.json`;
    const run = client.workflow.execute(smokeWorkflow, {
      taskQueue: queue,
      workflowId: `smoke-${randomUUID()}`,
      args: [{ bucket: 'graft-smoke', key }],
    });
    await workers.run(run);
    const result = await run;
    expect(result.backend).toBe('tensorflow');
    expect(result.roundTrip).toBe(true);
    expect(result.matmul).toEqual([17, 39]);
    expect(await minio.statObject('graft-smoke', key)).toHaveProperty('size');
  } finally {
    await client.connection.close();
  }
});

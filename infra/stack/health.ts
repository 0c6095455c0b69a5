import { Connection } from '@temporalio/client';

/** True when Temporal answers a gRPC call at `address`. */
export async function temporalHealthy(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2_000 });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** True when MinIO's liveness endpoint answers 200. */
export async function minioHealthy(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Polls `check` until it holds or `timeoutMs` passes. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * How many partitions the server gives an activity task queue (1 on a dev
 * server Graft started; 4 on one started with Temporal's defaults), or
 * undefined when it cannot say.
 */
export async function temporalTaskQueuePartitions(address: string, namespace = 'default'): Promise<number | undefined> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2_000 });
    const response = await connection.workflowService.listTaskQueuePartitions({
      namespace, taskQueue: { name: 'graft-partition-probe' },
    });
    return response.activityTaskQueuePartitions?.length;
  } catch {
    return undefined;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

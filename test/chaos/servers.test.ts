// The servers go away mid-run: MinIO stopped for 15 s, Temporal restarted on
// its SQLite file. Both on a private stack (own ports, own state folder), so
// the shared servers other tests use are never touched.
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { connectClient } from '../../runtime/temporal';
import { startRun } from '../../runtime/runs';
import { MinioStore } from '../../lib/store/minio-store';
import { storeConfigFromEnv } from '../../lib/store/store-config';
import { tempDir } from '../integration/support/harness';
import type { PrivateStack } from './support/chaos';
import {
  activityAttempts, chaosPipeline, committed, exited, outcomes, privateStack, recordFault, resultThroughOutages, savedBase, sleep, spawnWorker,
  unverifiedEntries, waitFor,
} from './support/chaos';

let stack: PrivateStack;
let client: Client;
let base: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  stack = await privateStack('servers');
  await stack.start();
  client = await connectClient({ address: stack.temporalAddress, namespace: 'default' });
  base = await savedBase();
});

afterAll(async () => {
  for (const child of children) {
    child.kill('SIGKILL');
    await exited(child);
  }
  await client?.connection.close();
  await stack?.stopAll();
});

/** A bucket on the private MinIO and a worker for it. */
async function scenario(label: string) {
  const bucket = `chaos-${label}-${Date.now().toString(36)}`;
  const env = { ...stack.env, GRAFT_BUCKET: bucket };
  const store = new MinioStore(storeConfigFromEnv(env));
  await store.ensureBucket();
  const queues = { cpu: `${bucket}-cpu`, gpu: `${bucket}-gpu` };
  const log = path.join(tempDir(`chaos-${label}`), 'worker.log');
  children.push(spawnWorker(env, queues, log));
  return { store, spec: chaosPipeline(queues, base, { name: `chaos-${label}` }) };
}

test('MinIO stopped for 15 s mid-run and restarted: activities retry and the run completes', async () => {
  const { store, spec } = await scenario('minio');
  const handle = await startRun(client, spec, { heartbeatSeconds: 5, shardSize: 60 });
  await waitFor('a committed extract shard', async () => (await committed(store, 'extract')).length > 0);
  const stopped = await stack.stop('minio');
  const downAt = Date.now();
  await sleep(15_000);
  await stack.start();
  const downFor = (Date.now() - downAt) / 1000;
  const result = await resultThroughOutages(client, handle.workflowId);
  const attempts = await activityAttempts(handle);
  const retried = attempts.filter((a) => a.attempt > 1);
  const verify = await unverifiedEntries(store);
  recordFault({
    id: 'minio-down-15s', group: 'server', fault: 'MinIO stopped for 15 s during extraction, then restarted',
    survived: result.status === 'completed',
    redone: `no committed work; ${retried.length} activities failed while it was down and were retried (${[...new Set(retried.map((a) => a.type))].join(", ") || "none"})`,
    dataLost: verify.bad.length,
    detail: `MinIO ${stopped}, down ${downFor.toFixed(0)} s; ${verify.total} cache entries verify afterwards; stages ${JSON.stringify(outcomes(result))}`,
  });
  expect(stopped).toBe('stopped');
  expect(result.status).toBe('completed');
  // The outage was felt (some activity failed and was retried), and nothing committed was damaged.
  expect(retried.length).toBeGreaterThan(0);
  expect(verify.bad).toEqual([]);
});

test('Temporal restarted mid-run on its SQLite file: worker and client reconnect and the run completes', async () => {
  const { store, spec } = await scenario('temporal');
  const handle = await startRun(client, spec, { heartbeatSeconds: 5, shardSize: 60 });
  await waitFor('a committed augment shard', async () => (await committed(store, 'augment')).length > 0);
  const stopped = await stack.stop('temporal');
  await stack.start();
  const result = await resultThroughOutages(client, handle.workflowId);
  const attempts = await activityAttempts(handle);
  const retried = attempts.filter((a) => a.attempt > 1);
  const recomputed = retried.filter((a) => a.outcome !== 'cached');
  const verify = await unverifiedEntries(store);
  recordFault({
    id: 'temporal-restart', group: 'server', fault: 'Temporal dev server stopped (SIGTERM) during augment and started again on the same SQLite file',
    survived: result.status === 'completed',
    redone: `${recomputed.length} activity execution(s) computed twice; ${retried.length} retried`,
    dataLost: verify.bad.length,
    detail: `Temporal ${stopped}; the same workflow id completed after the restart; ${verify.total} cache entries verify; stages ${JSON.stringify(outcomes(result))}`,
  });
  expect(stopped).toBe('stopped');
  expect(result.status).toBe('completed');
  expect((await client.workflow.getHandle(handle.workflowId).describe()).status.name).toBe('COMPLETED');
  expect(verify.bad).toEqual([]);
});

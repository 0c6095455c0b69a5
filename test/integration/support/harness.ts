/**
 * Shared harness for integration tests on the real stack (started by
 * global-setup.ts): a private bucket and private task queues per test file,
 * so tests never share cache entries with each other or with a developer's
 * running worker, and real workers, in-process or as child processes. All of
 * it lives in the suite's own Temporal namespace (`GRAFT_NAMESPACE`, set by
 * the global setup) and is named after the suite's run id, so that `close`
 * and the global teardown remove it (support/isolation.ts).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { createWorkerActivities } from '../../../runtime/worker-activities';
import { connectClient, temporalConfigFromEnv } from '../../../runtime/temporal';
import { createGraftWorkers } from '../../../runtime/worker';
import type { GraftWorkers } from '../../../runtime/worker';
import { MinioStore } from '../../../lib/store/minio-store';
import { storeConfigFromEnv } from '../../../lib/store/store-config';
import type { PipelineInput, PipelineSpec } from '../../../pipelines/schema';
import { definePipeline } from '../../../pipelines/define';
import { minioClient, removeBucket, runId, TEST_BUCKET_PREFIX } from './isolation';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface TestStack {
  readonly bucket: string;
  readonly store: MinioStore;
  readonly queues: { cpu: string; gpu: string };
  readonly client: Client;
  /** The environment a child worker needs to use this bucket (and the suite's namespace). */
  readonly env: NodeJS.ProcessEnv;
  /** Closes the client and deletes the bucket with everything in it. */
  close(): Promise<void>;
}

export async function openTestStack(label: string): Promise<TestStack> {
  const id = `${runId()}-${label}-${randomBytes(3).toString('hex')}`.toLowerCase();
  const bucket = `${TEST_BUCKET_PREFIX}${id}`.slice(0, 63);
  const storeConfig = { ...storeConfigFromEnv(), bucket };
  const store = new MinioStore(storeConfig);
  await store.ensureBucket();
  const client = await connectClient(temporalConfigFromEnv());
  return {
    bucket, store, client,
    queues: { cpu: `${id}-cpu`, gpu: `${id}-gpu` },
    env: { ...process.env, GRAFT_BUCKET: bucket },
    async close() {
      await client.connection.close();
      // A worker still writing can make this fail: the global teardown removes the run's buckets again.
      await removeBucket(minioClient(storeConfig), bucket).catch(() => undefined);
    },
  };
}

/** A real worker in this process, serving both queues. */
export async function startInProcessWorker(stack: TestStack): Promise<{ workers: GraftWorkers; done: Promise<void> }> {
  const workers = await createGraftWorkers({
    temporal: temporalConfigFromEnv(),
    queues: stack.queues,
    serve: ['cpu', 'gpu'],
    activities: createWorkerActivities({ store: stack.store }),
  });
  const done = workers.run();
  return { workers, done };
}

/** A real worker as a child process (`graft worker` from dist/), so a test can SIGKILL it. */
export function startWorkerProcess(stack: TestStack, logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [
    path.join(REPO_ROOT, 'dist/cli/main.js'), 'worker',
    '--cpu-queue', stack.queues.cpu, '--gpu-queue', stack.queues.gpu,
  ], { env: stack.env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `graft-${label}-`));
}

/** A small, fast pipeline on real Fashion-MNIST data, on this test's queues. */
export function smallPipeline(stack: TestStack, overrides: Partial<PipelineInput> = {}): PipelineSpec {
  return definePipeline({
    name: 'itest',
    dataset: {
      source: 'idx:///usr/share/datasets/fashion-mnist',
      classes: [0, 1, 7],
      limitPerClass: 60,
      split: { validation: 0.2, test: 0.2, seed: 3 },
      imageSize: 28,
      channels: 1,
    },
    augment: { rotationRange: 10, widthShiftRange: 0.1, copies: 1, seed: 5 },
    // A real ImageNet base, run at 32 px (the smallest side it takes) to keep the suite fast.
    base: { architecture: 'efficientnet-lite0', inputSize: 32 },
    mode: 'transfer',
    head: { strategy: 'replace' },
    train: { epochs: 3, batchSize: 16 },
    queues: stack.queues,
    ...overrides,
  } as PipelineInput);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

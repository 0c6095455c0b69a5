/**
 * Keeps the test suites out of the user's world. global-setup.ts picks one id
 * per `jest` run and points the environment every test process inherits (jest
 * workers, in-process CLI calls, child `graft worker`s) at the suite's own
 * Temporal namespace (`GRAFT_NAMESPACE`, default `graft-test`) and its own
 * bucket (`GRAFT_BUCKET`, `graft-test-<run>`); the harness names its private
 * buckets and task queues after the same id, and global-teardown.ts deletes
 * every bucket and schedule of the run. The user's own namespace and bucket
 * are kept in `GRAFT_TEST_USER_NAMESPACE` / `GRAFT_TEST_USER_BUCKET`.
 *
 * Light on purpose (no TensorFlow): the global setup and teardown load it.
 */
import { randomBytes } from 'node:crypto';
import type { Client as TemporalClient } from '@temporalio/client';
import { ScheduleNotFoundError } from '@temporalio/client';
import { Client as MinioClient } from 'minio';
import type { StoreConfig } from '../../../lib/store/store-config';
import { STORE_DEFAULTS, storeConfigFromEnv } from '../../../lib/store/store-config';

/** The suite's namespace unless `GRAFT_TEST_NAMESPACE` names another. */
export const TEST_NAMESPACE = 'graft-test';
/** Every bucket the suite makes starts with this and the run id. */
export const TEST_BUCKET_PREFIX = 'graft-test-';
/** Closed runs in the suite's namespace stay this long, then Temporal drops them. */
export const TEST_NAMESPACE_RETENTION_SECONDS = 86_400;

export interface SuiteIsolation {
  /** This `jest` run's id: part of every bucket and task queue it makes. */
  readonly run: string;
  readonly namespace: string;
  /** The bucket that code reading `GRAFT_BUCKET` uses during the suite. */
  readonly bucket: string;
  /** What `GRAFT_NAMESPACE` / `GRAFT_BUCKET` meant before the suite changed them. */
  readonly userNamespace: string;
  readonly userBucket: string;
}

/**
 * Points `env` at the suite's namespace and bucket, once: integration and
 * chaos both name the same global setup, and a second call keeps the first
 * one's choices (and the user's settings it saved).
 */
export function isolateSuite(env: NodeJS.ProcessEnv = process.env): SuiteIsolation {
  if (env.GRAFT_TEST_RUN === undefined) {
    const userNamespace = env.GRAFT_NAMESPACE || 'default';
    const userBucket = env.GRAFT_BUCKET?.trim() || STORE_DEFAULTS.bucket;
    const run = randomBytes(3).toString('hex');
    const namespace = env.GRAFT_TEST_NAMESPACE || TEST_NAMESPACE;
    const bucket = `${TEST_BUCKET_PREFIX}${run}`;
    if (namespace === userNamespace) {
      throw new Error(`the test namespace "${namespace}" is the one GRAFT_NAMESPACE names: set GRAFT_TEST_NAMESPACE to another`);
    }
    env.GRAFT_TEST_USER_NAMESPACE = userNamespace;
    env.GRAFT_TEST_USER_BUCKET = userBucket;
    env.GRAFT_TEST_RUN = run;
    env.GRAFT_NAMESPACE = namespace;
    env.GRAFT_BUCKET = bucket;
  }
  return suiteFromEnv(env);
}

/** The isolation the global setup chose, as a test process sees it in its environment. */
export function suiteFromEnv(env: NodeJS.ProcessEnv = process.env): SuiteIsolation {
  const { GRAFT_TEST_RUN: run, GRAFT_NAMESPACE: namespace, GRAFT_BUCKET: bucket } = env;
  if (!run || !namespace || !bucket) throw new Error('the test suite is not isolated: run it through jest, whose global setup sets GRAFT_TEST_RUN');
  return {
    run, namespace, bucket,
    userNamespace: env.GRAFT_TEST_USER_NAMESPACE || 'default',
    userBucket: env.GRAFT_TEST_USER_BUCKET || STORE_DEFAULTS.bucket,
  };
}

/** The run id for names the harness makes: the suite's, or a fresh one outside jest's global setup. */
export function runId(env: NodeJS.ProcessEnv = process.env): string {
  return env.GRAFT_TEST_RUN || (env.GRAFT_TEST_RUN = randomBytes(3).toString('hex'));
}

/** True for the suite bucket of run `run` and every private bucket the harness made in that run. */
export function isRunBucket(name: string, run: string): boolean {
  const own = `${TEST_BUCKET_PREFIX}${run}`;
  return name === own || name.startsWith(`${own}-`);
}

/** A MinIO client for bucket-level calls, which the object store does not offer. */
export function minioClient(config: StoreConfig = storeConfigFromEnv()): MinioClient {
  return new MinioClient({
    endPoint: config.host, port: config.port, useSSL: config.useSSL,
    accessKey: config.accessKey, secretKey: config.secretKey, pathStyle: true,
    ...(config.region ? { region: config.region } : {}),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const errorCode = (err: unknown): string | undefined => (err as { code?: string }).code;

/**
 * Deletes every object of `bucket` and then the bucket. A bucket that is
 * not there is fine; one that fills again while this runs (a worker still
 * writing) is emptied again, a few times, before the error is thrown.
 */
export async function removeBucket(client: MinioClient, bucket: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!(await client.bucketExists(bucket))) return;
      const keys: string[] = [];
      for await (const item of client.listObjectsV2(bucket, '', true) as AsyncIterable<{ name?: string }>) {
        if (item.name !== undefined) keys.push(item.name);
      }
      for (let i = 0; i < keys.length; i += 1000) await client.removeObjects(bucket, keys.slice(i, i + 1000));
      await client.removeBucket(bucket);
      return;
    } catch (err) {
      if (errorCode(err) === 'NoSuchBucket') return;
      if (attempt >= 5) throw err;
      await sleep(500 * attempt);
    }
  }
}

/** Removes every bucket of run `run`; returns their names. */
export async function removeRunBuckets(client: MinioClient, run: string): Promise<string[]> {
  const names = (await client.listBuckets()).map((b) => b.name).filter((name) => isRunBucket(name, run));
  for (const name of names) await removeBucket(client, name);
  return names;
}

/**
 * Deletes the schedules of run `run` in the client's namespace (the suite's):
 * those whose runs start on one of the run's task queues (the harness names
 * them `<run>-…`). A test that deletes its own schedules leaves none; this
 * catches the ones a failed test left behind. Returns their ids.
 */
export async function deleteRunSchedules(client: TemporalClient, run: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const summary of client.schedule.list()) ids.push(summary.scheduleId);
  const deleted: string[] = [];
  for (const id of ids) {
    const handle = client.schedule.getHandle(id);
    const description = await handle.describe().catch(() => undefined);
    const action = description?.action;
    if (action?.type !== 'startWorkflow' || !action.taskQueue.startsWith(`${run}-`)) continue;
    await handle.delete().catch((err: unknown) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
    deleted.push(id);
  }
  return deleted;
}

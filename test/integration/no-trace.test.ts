// `npm test` leaves no trace in the user's world: the suite works in its own
// Temporal namespace and buckets (global-setup.ts, support/isolation.ts), so
// the user's runs (`graft list`), schedules and bucket are the same before and
// after. This file does the suite's kinds of work the way the other tests do
// them (a pipeline through the CLI on a `graft worker` child that has only
// the environment it inherits, a schedule created and deleted through the CLI,
// a harness bucket opened and closed) and compares the user's view around it.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { captureIO } from '../../cli/io';
import { main } from '../../cli/main';
import { MinioStore } from '../../lib/store/minio-store';
import { storeConfigFromEnv } from '../../lib/store/store-config';
import type { PipelineSpec } from '../../pipelines/schema';
import { describeSchedule } from '../../runtime/schedules';
import { connectClient, temporalConfigFromEnv } from '../../runtime/temporal';
import type { PipelineRunResult } from '../../workflows/progress';
import type { TestStack } from './support/harness';
import { REPO_ROOT, openTestStack, smallPipeline, tempDir } from './support/harness';
import { minioClient, suiteFromEnv } from './support/isolation';

/** What the user sees of their own world: runs and schedules in their namespace, objects in their bucket. */
interface UserView {
  readonly runs: string[];
  readonly schedules: string[];
  /** `key bytes lastModified` of every object, or null when the bucket does not exist. */
  readonly objects: string[] | null;
}

const userNamespace = () => process.env.GRAFT_TEST_USER_NAMESPACE || 'default';
const userBucket = () => process.env.GRAFT_TEST_USER_BUCKET || process.env.GRAFT_BUCKET || 'graft';

async function userView(): Promise<UserView> {
  const client = await connectClient({ ...temporalConfigFromEnv(), namespace: userNamespace() });
  const runs: string[] = [];
  const schedules: string[] = [];
  try {
    for await (const execution of client.workflow.list()) runs.push(`${execution.workflowId} ${execution.runId}`);
    for await (const schedule of client.schedule.list()) schedules.push(schedule.scheduleId);
  } finally {
    await client.connection.close();
  }
  const config = storeConfigFromEnv({ ...process.env, GRAFT_BUCKET: userBucket() });
  const objects = (await minioClient(config).bucketExists(config.bucket))
    ? (await new MinioStore(config).listInfo('')).map((o) => `${o.key} ${o.bytes} ${o.lastModified.toISOString()}`)
    : null;
  return { runs: runs.sort(), schedules: schedules.sort(), objects };
}

async function graft(...argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, err: io.stderr.join('\n') };
}

function writeSpec(spec: PipelineSpec, file: string): string {
  const full = path.join(tempDir('no-trace-spec'), file);
  fs.writeFileSync(full, JSON.stringify(spec, null, 2));
  return full;
}

let before: UserView;
let stack: TestStack;
let child: ChildProcess | undefined;
let closed = false;

beforeAll(async () => {
  before = await userView();
  stack = await openTestStack('no-trace');
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  if (!closed) await stack.close();
});

describe('the suite works apart from the user’s world', () => {
  test('the test processes use a namespace and a bucket of the suite’s own, which exist', async () => {
    const suite = suiteFromEnv();
    expect(suite.namespace).not.toBe(userNamespace());
    expect(suite.bucket).not.toBe(userBucket());
    expect(temporalConfigFromEnv().namespace).toBe(suite.namespace);
    expect(storeConfigFromEnv().bucket).toBe(suite.bucket);
    expect(stack.bucket.startsWith(`${suite.bucket}-`)).toBe(true);
    expect(stack.queues.cpu.startsWith(`${suite.run}-`)).toBe(true);
    const described = await stack.client.connection.workflowService.describeNamespace({ namespace: suite.namespace });
    expect(described.namespaceInfo?.name).toBe(suite.namespace);
    expect(await minioClient().bucketExists(suite.bucket)).toBe(true);
  });

  test('a run through the CLI, on a `graft worker` child with only the inherited environment, stays in the suite’s namespace and bucket', async () => {
    const log = path.join(tempDir('no-trace-worker'), 'worker.log');
    const out = fs.openSync(log, 'a');
    child = spawn(process.execPath, [
      path.join(REPO_ROOT, 'dist/cli/main.js'), 'worker', '--cpu-queue', stack.queues.cpu, '--gpu-queue', stack.queues.gpu,
    ], { env: process.env, stdio: ['ignore', out, out] });
    fs.closeSync(out);

    const name = `notrace-${stack.bucket.slice(-6)}`;
    const spec = smallPipeline(stack, { name, augment: { copies: 0 }, train: { epochs: 1, batchSize: 16 } });
    const run = await graft('run', writeSpec(spec, 'run.yaml'), '--wait');
    if (run.code !== 0) throw new Error(`graft run failed (${run.code}): ${run.err}\nworker log:\n${fs.readFileSync(log, 'utf8').slice(-4000)}`);
    const runId = run.stdout[0]!;
    const suite = suiteFromEnv();
    // stack.client is in the suite's namespace: the run is there.
    const handle = stack.client.workflow.getHandle(runId);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const result = (await handle.result()) as PipelineRunResult;
    expect(result.published?.modelUri.startsWith(`s3://${suite.bucket}/`)).toBe(true);
    expect((await new MinioStore(storeConfigFromEnv()).list(`models/${name}/`)).length).toBeGreaterThan(0);

    const listed = await graft('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout.some((line) => line.startsWith(`${runId} `))).toBe(true);
  });

  test('a schedule created and deleted through the CLI lives in the suite’s namespace', async () => {
    const name = `notrace-sched-${stack.bucket.slice(-6)}`;
    const spec = smallPipeline(stack, { name, schedule: { cron: '0 3 1 1 *' } });
    const created = await graft('schedule', 'create', writeSpec(spec, 'schedule.yaml'));
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const id = created.stdout[0]!;
    expect(await describeSchedule(stack.client, id)).toMatchObject({ pipeline: name });
    const deleted = await graft('schedule', 'delete', id);
    expect(deleted.code).toBe(0);
  });

  test('closing the harness deletes its bucket and everything in it', async () => {
    await stack.store.put('marker.txt', 'left by no-trace.test.ts');
    closed = true;
    await stack.close();
    expect(await minioClient().bucketExists(stack.bucket)).toBe(false);
  });

  test('the user’s runs, schedules and bucket are as they were', async () => {
    expect(await userView()).toEqual(before);
  });
});

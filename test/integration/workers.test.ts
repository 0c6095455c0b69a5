/**
 * Scale-out on one machine: `graft worker` processes that share nothing but
 * Temporal and the object store (each its own working directory and Graft
 * home) split one run's shards between them, and the heavy activities go
 * to whichever worker serves the GPU queue. Who ran what is read from the
 * workflow's history: each ActivityTaskStarted event names its worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { startRun } from '../../runtime/runs';
import { weightsDir } from '../../lib/models/bases/imagenet-weights';
import { REPO_ROOT, openTestStack, smallPipeline, tempDir, type TestStack } from './support/harness';

jest.setTimeout(240_000);

interface StartedActivity { readonly type: string; readonly queue: string; readonly worker: string }

/** A `graft worker` child in a folder of its own, with a Graft home of its own holding only the provisioned weights. */
function startIsolatedWorker(stack: TestStack, queues: string, label: string): { child: ChildProcess; identity: string; home: string } {
  const home = tempDir(`worker-${label}`);
  fs.symlinkSync(weightsDir(), path.join(home, 'weights'));
  const log = fs.openSync(path.join(home, 'worker.log'), 'a');
  const child = spawn(process.execPath, [
    path.join(REPO_ROOT, 'dist/cli/main.js'), 'worker', '--queues', queues, '--cpu-queue', stack.queues.cpu, '--gpu-queue', stack.queues.gpu,
  ], { cwd: home, env: { ...stack.env, GRAFT_CACHE_DIR: home, GRAFT_STATE_DIR: path.join(home, 'state') }, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  // The SDK's default identity is `<pid>@<host>`.
  return { child, identity: `${child.pid}@${os.hostname()}`, home };
}

async function waitForPollers(client: Client, queue: string, identities: readonly string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const described = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: queue }, taskQueueType: 2 });
    const polling = new Set((described.pollers ?? []).map((p) => p.identity));
    if (identities.every((id) => polling.has(id))) return;
    if (Date.now() > deadline) throw new Error(`workers ${identities.join(', ')} are not polling ${queue} (seen: ${[...polling].join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Every activity the run started: its type, task queue and the worker that took it. */
async function startedActivities(client: Client, workflowId: string): Promise<StartedActivity[]> {
  const { events = [] } = await client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, { type: string; queue: string }>();
  const started: StartedActivity[] = [];
  for (const event of events) {
    const s = event.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(event.eventId), { type: s.activityType?.name ?? '?', queue: s.taskQueue?.name ?? '?' });
    const t = event.activityTaskStartedEventAttributes;
    if (t) started.push({ ...scheduled.get(String(t.scheduledEventId))!, worker: t.identity ?? '?' });
  }
  return started;
}

describe('workers that share only Temporal and the store', () => {
  let stack: TestStack;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await openTestStack('workers');
  });

  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGTERM');
  });

  afterAll(async () => {
    await stack.close();
  });

  it('split a run of 8+ extract shards between two worker processes', async () => {
    const workers = [startIsolatedWorker(stack, 'cpu,gpu', 'a'), startIsolatedWorker(stack, 'cpu,gpu', 'b')];
    children.push(...workers.map((w) => w.child));
    await waitForPollers(stack.client, stack.queues.gpu, workers.map((w) => w.identity));
    const spec = smallPipeline(stack, { name: 'itest-two-workers', augment: { copies: 0 } });
    const handle = await startRun(stack.client, spec, { shardSize: 16 });
    const result = await handle.result();
    expect(result.status).toBe('completed');
    const started = await startedActivities(stack.client, handle.workflowId);
    const extracts = started.filter((a) => a.type === 'extractShard');
    expect(extracts.length).toBeGreaterThanOrEqual(8);
    const ids = workers.map((w) => w.identity);
    for (const id of ids) expect(extracts.filter((a) => a.worker === id).length).toBeGreaterThan(0);
    expect(started.every((a) => ids.includes(a.worker))).toBe(true);
  });

  it('send the heavy activities to the worker that serves the GPU queue, the rest to the CPU one', async () => {
    const cpu = startIsolatedWorker(stack, 'cpu', 'cpu');
    const gpu = startIsolatedWorker(stack, 'gpu', 'gpu');
    children.push(cpu.child, gpu.child);
    await waitForPollers(stack.client, stack.queues.gpu, [gpu.identity]);
    await waitForPollers(stack.client, stack.queues.cpu, [cpu.identity]);
    const spec = smallPipeline(stack, { name: 'itest-routing' });
    const handle = await startRun(stack.client, spec, { shardSize: 64 });
    expect((await handle.result()).status).toBe('completed');
    const started = await startedActivities(stack.client, handle.workflowId);
    const heavy = started.filter((a) => a.queue === stack.queues.gpu);
    const light = started.filter((a) => a.queue === stack.queues.cpu);
    expect(heavy.map((a) => a.type)).toEqual(expect.arrayContaining(['extractShard', 'trainHead']));
    expect(light.map((a) => a.type)).toEqual(expect.arrayContaining(['ingest']));
    expect(heavy.every((a) => a.worker === gpu.identity)).toBe(true);
    expect(light.every((a) => a.worker === cpu.identity)).toBe(true);
  });
});

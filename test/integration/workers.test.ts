/**
 * Scale-out on one machine: `graft worker` processes that share nothing but
 * Temporal and the object store (each its own working directory and Graft
 * home) split one run's shards between them, and the heavy activities go
 * to whichever worker serves the GPU queue. Who ran what is read from the
 * workflow's history: each ActivityTaskStarted event names its worker.
 */
import type { ChildProcess } from 'node:child_process';
import { startRun } from '../../runtime/runs';
import { openTestStack, smallPipeline, type TestStack } from './support/harness';
import { startIsolatedWorker, startedActivities, waitForPollers } from './support/workers';

jest.setTimeout(240_000);

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
    const extracts = started.filter((a) => a.type === 'extractShards');
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
    expect(heavy.map((a) => a.type)).toEqual(expect.arrayContaining(['extractShards', 'trainHead']));
    expect(light.map((a) => a.type)).toEqual(expect.arrayContaining(['ingest']));
    expect(heavy.every((a) => a.worker === gpu.identity)).toBe(true);
    expect(light.every((a) => a.worker === cpu.identity)).toBe(true);
  });
});

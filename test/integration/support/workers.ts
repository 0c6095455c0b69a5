/**
 * Worker processes that share nothing but Temporal and the store, and what
 * a run's history says about who ran what (each ActivityTaskStarted event
 * names its worker). Used by the scale-out test and its chaos case.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { weightsDir } from '../../../lib/models/bases/imagenet-weights';
import { REPO_ROOT, tempDir, type TestStack } from './harness';

export interface StartedActivity { readonly type: string; readonly queue: string; readonly worker: string }

/** A `graft worker` child in a folder of its own, with a Graft home of its own holding only the provisioned weights. */
export function startIsolatedWorker(stack: TestStack, queues: string, label: string): { child: ChildProcess; identity: string; home: string } {
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

export async function waitForPollers(client: Client, queue: string, identities: readonly string[]): Promise<void> {
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
export async function startedActivities(client: Client, workflowId: string): Promise<StartedActivity[]> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
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

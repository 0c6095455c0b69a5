// A real `graft worker` child process SIGKILLed during augment, during
// extraction and during head training of one run, and restarted each time:
// the run completes, at most the shard or epoch in flight is redone, no
// committed result is redone or lost, and the accuracy matches an
// undisturbed run of the same spec in another bucket.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startRun } from '../../runtime/runs';
import type { PipelineSpec } from '../../pipelines/schema';
import type { PipelineRunResult } from '../../workflows/progress';
import type { TestStack } from '../integration/support/harness';
import { openTestStack, tempDir } from '../integration/support/harness';
import type { ActivityRecord } from './support/chaos';
import {
  accuracyOf, activityAttempts, chaosPipeline, committed, exited, outcomes, recordFault, retries, savedBase, spawnWorker, unverifiedEntries, waitFor,
} from './support/chaos';

const RUN = { heartbeatSeconds: 5, shardSize: 120 };
const EPOCHS = 4;
const spec = (stack: TestStack, base: string): PipelineSpec => chaosPipeline(stack.queues, base, {
  dataset: { source: 'idx:///usr/share/datasets/fashion-mnist', classes: [0, 1, 7], limitPerClass: 400, split: { validation: 0.2, test: 0.2, seed: 3 }, imageSize: 28, channels: 1 },
  train: { epochs: EPOCHS, batchSize: 16 },
});

let base: string;
let baseline: PipelineRunResult;

beforeAll(async () => {
  base = await savedBase();
});

test('an undisturbed run gives the reference accuracy', async () => {
  const stack = await openTestStack('chaos-ref');
  const child = spawnWorker(stack.env, stack.queues, path.join(tempDir('chaos-ref'), 'worker.log'));
  try {
    baseline = await (await startRun(stack.client, spec(stack, base), RUN)).result();
    expect(baseline.status).toBe('completed');
    expect(Object.values(outcomes(baseline)).every((o) => o === 'computed')).toBe(true);
  } finally {
    child.kill('SIGKILL');
    await exited(child);
    await stack.close();
  }
});

interface KillRun {
  result: PipelineRunResult;
  attempts: ActivityRecord[];
  augmentAtKill: number;
  extractAtKill: number;
  epochsBeforeKill: number;
  checkpointAtKill: number;
  resumedFrom: number;
  epochsAfter: number[];
  rewritten: string[];
  unverified: string[];
}
let killed: KillRun;

test('a worker killed during augment, extract and train-head, restarted each time, completes the run', async () => {
  const stack = await openTestStack('chaos-kill');
  const dir = tempDir('chaos-kill');
  const logs: string[] = [];
  let child: ChildProcess | undefined;
  const start = () => {
    logs.push(path.join(dir, `worker-${logs.length + 1}.log`));
    child = spawnWorker(stack.env, stack.queues, logs[logs.length - 1]!);
  };
  const kill = async () => {
    child!.kill('SIGKILL');
    await exited(child!);
  };
  const logText = (i: number) => (fs.existsSync(logs[i]!) ? fs.readFileSync(logs[i]!, 'utf8') : '');
  try {
    start();
    const handle = await startRun(stack.client, spec(stack, base), RUN);

    // 1. Augment: kill once the first shard is computed (its log line comes just before its commit).
    await waitFor('an augmented shard', async () => /augment train-\d+: /.test(logText(0)));
    await kill();
    const augmentCreated = await createdAt(stack, await committed(stack.store, 'augment'));
    start();

    // 2. Extract: kill once the first feature shard is committed.
    await waitFor('a committed extract shard', async () => (await committed(stack.store, 'extract')).length > 0);
    await kill();
    const extractCreated = await createdAt(stack, await committed(stack.store, 'extract'));
    start();

    // 3. Train-head: kill after the first epoch's checkpoint.
    const latest = await waitFor('a train-head checkpoint', async () =>
      (await stack.store.list('checkpoints/train-head/')).find((k) => k.endsWith('latest.json')));
    await waitFor('an epoch line', async () => /train-head epoch \d+\//.test(logText(2)));
    await kill();
    const epochsBeforeKill = Math.max(...[...logText(2).matchAll(/train-head epoch (\d+)\//g)].map((m) => Number(m[1])));
    const checkpointAtKill = JSON.parse((await stack.store.get(latest))!.toString()).epoch as number;
    start();

    const result = await handle.result();
    killed = {
      result,
      attempts: await activityAttempts(handle),
      augmentAtKill: augmentCreated.size,
      extractAtKill: extractCreated.size,
      epochsBeforeKill,
      checkpointAtKill,
      resumedFrom: Number(/train-head: resumed from the checkpoint of epoch (\d+)/.exec(logText(3))?.[1]),
      epochsAfter: [...logText(3).matchAll(/train-head epoch (\d+)\//g)].map((m) => Number(m[1])),
      // Entries committed before a kill must never be rewritten: same manifest, same createdAt.
      rewritten: [...(await changed(stack, augmentCreated)), ...(await changed(stack, extractCreated))],
      unverified: (await unverifiedEntries(stack.store)).bad,
    };
    record(killed, handle.workflowId);
    expect(result.status).toBe('completed');
    expect(killed.unverified).toEqual([]);
    expect(killed.rewritten).toEqual([]);
    // Same seed, same data, same base weights: the same model within noise (dropout masks are not seeded).
    expect(Math.abs(accuracyOf(result) - accuracyOf(baseline))).toBeLessThanOrEqual(0.05);
  } finally {
    if (child) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await stack.close();
  }
});

describe('work lost to each kill', () => {
  test('augment: the kill landed mid-stage and at most one shard was computed twice', () => {
    const augment = retries(killed.attempts, 'augmentShards');
    expect(killed.augmentAtKill).toBeLessThan(augment.total);
    expect(augment.recomputed).toBeLessThanOrEqual(1);
  });

  test('extract: the kill landed mid-stage and at most one shard was computed twice', () => {
    const extract = retries(killed.attempts, 'extractShards');
    expect(killed.extractAtKill).toBeLessThan(extract.total);
    expect(extract.recomputed).toBeLessThanOrEqual(1);
  });

  test('train-head: resumed from the checkpoint at the kill, at most one epoch trained twice', () => {
    expect(killed.checkpointAtKill).toBeLessThan(EPOCHS);
    expect(outcomes(killed.result)['train-head']).toBe('resumed');
    expect(killed.resumedFrom).toBeGreaterThanOrEqual(killed.checkpointAtKill);
    expect(killed.epochsBeforeKill - killed.resumedFrom).toBeLessThanOrEqual(1);
    expect(killed.epochsAfter[0]).toBe(killed.resumedFrom + 1);
    expect(killed.epochsAfter[killed.epochsAfter.length - 1]).toBe(EPOCHS);
  });
});

function record(run: KillRun, workflowId: string): void {
  const survived = run.result.status === 'completed';
  const common = `final test accuracy ${pct(accuracyOf(run.result))} vs ${pct(accuracyOf(baseline))} undisturbed (run ${workflowId})`;
  const lost = run.unverified.length;
  for (const [type, stage, id] of [['augmentShards', 'augment', 'kill-during-augment'], ['extractShards', 'extract', 'kill-during-extract']] as const) {
    const r = retries(run.attempts, type);
    const atKill = stage === 'augment' ? run.augmentAtKill : run.extractAtKill;
    recordFault({
      id, group: 'process', fault: `worker SIGKILLed during ${stage}, then restarted`, survived,
      redone: `${r.recomputed} of ${r.total} shards`,
      dataLost: run.rewritten.filter((k) => k.includes(`/${stage}/`)).length + lost,
      detail: `${atKill} shard(s) committed at the kill, none recomputed; ${r.retried} activities retried, ${r.retried - r.recomputed} of them found their shard committed; ${common}`,
    });
  }
  recordFault({
    id: 'kill-during-train-head', group: 'process', fault: 'worker SIGKILLed during head training, then restarted', survived,
    redone: `${run.epochsBeforeKill - run.resumedFrom} completed epoch(s) + the epoch in flight`,
    dataLost: lost,
    detail: `killed after epoch ${run.epochsBeforeKill}/${EPOCHS} (checkpoint of epoch ${run.checkpointAtKill}); the new worker resumed from epoch ${run.resumedFrom} and trained epochs ${run.epochsAfter.join(', ')}; stage outcome ${outcomes(run.result)['train-head']}; ${common}`,
  });
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function createdAt(stack: TestStack, manifests: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of manifests) out.set(key, JSON.parse((await stack.store.get(key))!.toString()).createdAt as string);
  return out;
}

async function changed(stack: TestStack, before: Map<string, string>): Promise<string[]> {
  const now = await createdAt(stack, [...before.keys()]);
  return [...before.keys()].filter((k) => now.get(k) !== before.get(k));
}

// One worker runs each shard stage as one activity over all its shards (the
// fan-out `graft run` gives a single worker). SIGKILLed mid-extraction under
// --no-cache and restarted: the retried group takes from the cache the
// shards its killed attempt had reported committed, recomputes the rest,
// and the run completes with every entry verifying.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ActivityProgress } from '../../activities/activity-context';
import { defaultPayloadConverter } from '@temporalio/common';
import { startRun } from '../../runtime/runs';
import { openTestStack, tempDir } from '../integration/support/harness';
import { activityAttempts, chaosPipeline, committed, exited, outcomes, recordFault, spawnWorker, unverifiedEntries, waitFor } from './support/chaos';

jest.setTimeout(300_000);

// A short heartbeat timeout, so that the core sends beats often (it throttles them to 0.8 of it), and an
// ImageNet base at 96 px, so that extraction lasts long enough (4,800 images, about 10 s here) for a kill to land inside it;
// 80 images a shard make 48 shards, one group (at most MAX_SHARDS_PER_ACTIVITY).
const RUN = { heartbeatSeconds: 2, shardSize: 80, noCache: true, fanOut: { cpu: 1, gpu: 1 } };

test('a shard group killed mid-extraction under --no-cache redoes only the shards its last heartbeat did not report', async () => {
  const stack = await openTestStack('chaos-group');
  const dir = tempDir('chaos-group');
  const logs = [path.join(dir, 'worker-1.log'), path.join(dir, 'worker-2.log')];
  let child: ChildProcess = spawnWorker(stack.env, stack.queues, logs[0]!);
  try {
    // No saved base: the ImageNet one below replaces it.
    const spec = chaosPipeline(stack.queues, '', {
      name: 'chaos-group', base: { architecture: 'efficientnet-lite0', weights: 'imagenet', inputSize: 96 },
      dataset: { source: 'idx:///usr/share/datasets/fashion-mnist', classes: [0, 1, 7], limitPerClass: 800, split: { validation: 0.2, test: 0.2, seed: 3 }, imageSize: 28, channels: 1 },
    });
    const handle = await startRun(stack.client, spec, RUN);
    // Kill once the server holds a beat of the extract group with a shard done: what the retry will read.
    // (Describe, not the progress query: the worker that would answer it is busy extracting.)
    const reported = await waitFor('a reported extract shard', async () => {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      const details = pending.find((a) => a.activityType?.name === 'extractShards')?.heartbeatDetails?.payloads?.[0];
      const beat = details ? defaultPayloadConverter.fromPayload<ActivityProgress>(details) : undefined;
      return beat && (beat.shardsDone ?? 0) >= 1 ? beat : undefined;
    }) as Required<Pick<ActivityProgress, 'shardsDone' | 'shards'>>;
    child.kill('SIGKILL');
    await exited(child);
    const atKill = (await committed(stack.store, 'extract')).map((manifest) => manifest.split('/')[2]!.slice(0, 12));
    child = spawnWorker(stack.env, stack.queues, logs[1]!);
    const result = await handle.result();

    const computedAfter = [...fs.readFileSync(logs[1]!, 'utf8').matchAll(/extract \S+ → ([0-9a-f]{12}): /g)].map((m) => m[1]!);
    const redone = computedAfter.filter((key) => atKill.includes(key)).length;
    const extracts = (await activityAttempts(handle)).filter((a) => a.type === 'extractShards');
    const unverified = (await unverifiedEntries(stack.store)).bad;
    recordFault({
      id: 'kill-during-shard-group', group: 'process', fault: 'worker SIGKILLed during a one-activity extract stage under --no-cache, then restarted',
      survived: result.status === 'completed', redone: `${redone} of ${reported.shards} shards`, dataLost: unverified.length,
      detail: `${atKill.length} of ${reported.shards} shards committed at the kill, ${reported.shardsDone} of them in the last heartbeat the server held; `
        + `the retried activity (attempt ${extracts[0]?.attempt}) recomputed ${computedAfter.length} shards, ${redone} of them committed before the kill; stages ${JSON.stringify(outcomes(result))}`,
    });
    expect(result.status).toBe('completed');
    expect(extracts).toHaveLength(1);
    expect(extracts[0]!.attempt).toBe(2);
    expect(atKill.length).toBeLessThan(reported.shards);
    // The reported shards come from the cache; at most those committed after the last beat reached the server are redone.
    expect(redone).toBeLessThanOrEqual(atKill.length - reported.shardsDone);
    expect(computedAfter.length).toBe(reported.shards - (atKill.length - redone));
    expect(unverified).toEqual([]);
  } finally {
    child.kill('SIGKILL');
    await exited(child);
    await stack.close();
  }
});

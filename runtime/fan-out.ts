/**
 * The fan-out `graft run` gives a run: one activity per worker for each
 * shard stage, so that a single machine runs a stage as one activity (every
 * activity costs the server a round of history and matching work) while
 * several workers still share it.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { FanOut } from '../activities/contracts';
import type { QueueNames } from './queues';

/**
 * How many workers poll each of the pipeline's queues for activities now,
 * told apart by identity (the server lists a stopped worker for a few
 * minutes more: one group too many, no harm); undefined when either queue
 * has none yet: the run then keeps one activity per shard, for whichever
 * workers come.
 */
export async function workersServing(client: Client, queues: QueueNames): Promise<FanOut | undefined> {
  const count = async (queue: string): Promise<number> => {
    const described = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: queue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    return new Set((described.pollers ?? []).map((poller) => poller.identity)).size;
  };
  const [cpu, gpu] = await Promise.all([count(queues.cpu), count(queues.gpu)]);
  return cpu > 0 && gpu > 0 ? { cpu, gpu } : undefined;
}

/** How long a program that has just started its own worker waits for it to poll (`fanOutOption`'s `waitMs`). */
export const NEW_WORKER_POLL_MS = 10_000;

/**
 * A run's `fanOut` option as `graft run` gives it: `{ fanOut }` counted from
 * the workers polling, or `{}` when none is. `waitMs`: how long to wait for
 * workers that were just started (the demo's, the benchmarks') to poll.
 */
export async function fanOutOption(client: Client, queues: QueueNames, waitMs = 0): Promise<{ readonly fanOut?: FanOut }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const fanOut = await workersServing(client, queues);
    if (fanOut) return { fanOut };
    if (Date.now() >= deadline) return {};
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

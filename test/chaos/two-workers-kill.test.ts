// Two `graft worker` processes sharing only Temporal and the store run one
// pipeline; one is SIGKILLed once extraction is under way and not brought
// back. The other takes over what it held (after the heartbeat timeout),
// the run completes, and every extract shard is completed exactly once.
import { startRun } from '../../runtime/runs';
import { openTestStack, smallPipeline } from '../integration/support/harness';
import { startIsolatedWorker, startedActivities, waitForPollers } from '../integration/support/workers';
import { exited, recordFault, waitFor } from './support/chaos';

jest.setTimeout(300_000);

test('a run survives losing one of its two workers mid-extraction', async () => {
  const stack = await openTestStack('chaos-two');
  const [doomed, survivor] = [startIsolatedWorker(stack, 'cpu,gpu', 'doomed'), startIsolatedWorker(stack, 'cpu,gpu', 'survivor')];
  try {
    await waitForPollers(stack.client, stack.queues.gpu, [doomed.identity, survivor.identity]);
    const spec = smallPipeline(stack, { name: 'chaos-two-workers', augment: { copies: 0 }, dataset: { ...smallPipeline(stack).dataset, limitPerClass: 200 } });
    const handle = await startRun(stack.client, spec, { shardSize: 16, heartbeatSeconds: 5 });
    // Kill once the doomed worker has finished an extract shard (Temporal writes
    // the Started event when an attempt ends), so that it holds its next one.
    await waitFor('an extract shard done by the doomed worker', async () =>
      (await startedActivities(stack.client, handle.workflowId)).some((a) => a.type === 'extractShards' && a.worker === doomed.identity));
    doomed.child.kill('SIGKILL');
    await exited(doomed.child);
    const result = await handle.result();

    const events = (await stack.client.workflow.getHandle(handle.workflowId).fetchHistory()).events ?? [];
    const scheduledExtracts = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'extractShards').map((e) => String(e.eventId));
    const completions = events.flatMap((e) => (e.activityTaskCompletedEventAttributes ? [String(e.activityTaskCompletedEventAttributes.scheduledEventId)] : []));
    const completedOnce = scheduledExtracts.filter((id) => completions.filter((c) => c === id).length === 1).length;
    // A Started event is written once per activity, with the attempt that finished it.
    const retried = events.filter((e) => scheduledExtracts.includes(String(e.activityTaskStartedEventAttributes?.scheduledEventId)) && (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).length;
    const started = await startedActivities(stack.client, handle.workflowId);
    const bySurvivor = started.filter((a) => a.worker === survivor.identity && a.type === 'extractShards').length;
    recordFault({
      id: 'kill-one-of-two-workers', group: 'process', fault: 'one of two workers SIGKILLed during extraction, not restarted',
      survived: result.status === 'completed', redone: `${retried} of ${scheduledExtracts.length} shards`,
      dataLost: scheduledExtracts.length - completedOnce,
      detail: `the other worker (own folder and Graft home) finished the run; it completed ${bySurvivor} extract shards, ${retried} of them retried from the killed one after the heartbeat timeout`,
    });
    expect(result.status).toBe('completed');
    expect(scheduledExtracts.length).toBeGreaterThanOrEqual(8);
    expect(completedOnce).toBe(scheduledExtracts.length);
    expect(bySurvivor).toBeGreaterThan(0);
  } finally {
    for (const w of [doomed, survivor]) w.child.kill('SIGKILL');
    await stack.close();
  }
});

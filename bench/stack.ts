/**
 * The local stack as the benchmarks use it: a private bucket (GRAFT_BENCH_BUCKET,
 * default `graft-bench`), private task queues, and a real Graft worker in this
 * process; plus per-stage wall times read from a run's Temporal history.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { createWorkerActivities } from '../runtime/worker-activities';
import type { StageName } from '../activities/contracts';
import type { QueueNames } from '../runtime/queues';
import { connectClient, temporalConfigFromEnv } from '../runtime/temporal';
import { createGraftWorkers } from '../runtime/worker';
import { stackStatus } from '../infra/stack';
import { MinioStore } from '../lib/store/minio-store';
import { storeConfigFromEnv } from '../lib/store/store-config';
import type { pipelineWorkflow } from '../workflows/pipeline-workflow';

export const BENCH_BUCKET = process.env.GRAFT_BENCH_BUCKET ?? 'graft-bench';

export interface BenchStore {
  readonly store: MinioStore;
  /** Removes what the benchmark wrote under `cache/`, `checkpoints/`, `models/` and `runs/`. */
  clear(): Promise<void>;
}

export async function openBenchStore(): Promise<BenchStore> {
  const store = new MinioStore({ ...storeConfigFromEnv(), bucket: BENCH_BUCKET });
  await store.ensureBucket();
  return {
    store,
    async clear() {
      for (const prefix of ['cache/', 'checkpoints/', 'models/', 'runs/']) await store.removePrefix(prefix).catch(() => undefined);
    },
  };
}

export interface BenchStack extends BenchStore {
  readonly client: Client;
  readonly queues: QueueNames;
  close(): Promise<void>;
}

/** Store, client and an in-process worker serving private queues. */
export async function openBenchStack(label: string): Promise<BenchStack> {
  const bench = await openBenchStore();
  const id = `bench-${label}-${randomBytes(3).toString('hex')}`;
  const queues = { cpu: `${id}-cpu`, gpu: `${id}-gpu` };
  const client = await connectClient(temporalConfigFromEnv());
  const workers = await createGraftWorkers({
    temporal: temporalConfigFromEnv(), queues, serve: ['cpu', 'gpu'], activities: createWorkerActivities({ store: bench.store }),
  });
  const done = workers.run();
  return {
    ...bench, client, queues,
    async close() {
      workers.shutdown();
      await done;
      await client.connection.close();
    },
  };
}

const STAGE_OF_ACTIVITY: Record<string, StageName> = {
  ingest: 'ingest', augmentShards: 'augment', prepareBase: 'base', extractShards: 'extract', trainHead: 'train-head',
  evaluate: 'evaluate', publish: 'publish',
};

interface Timestamp { seconds?: { toString(): string } | number | null; nanos?: number | null }

function toSeconds(t: Timestamp | null | undefined): number {
  if (!t) return Number.NaN;
  return Number(t.seconds?.toString() ?? 0) + (t.nanos ?? 0) / 1e9;
}

export interface HistoryStage {
  readonly stage: StageName;
  /** First activity scheduled → last completed, as the workflow saw it. */
  readonly seconds: number;
  readonly activities: number;
}

/**
 * Per-stage wall time of a finished run from its history. `trainImages`
 * is `fine-tune` after a head stage, `train` otherwise.
 */
export async function historyStageTimes(handle: WorkflowHandle<typeof pipelineWorkflow>): Promise<HistoryStage[]> {
  const history = await handle.fetchHistory();
  const scheduled = new Map<string, { type: string; at: number }>();
  const spans = new Map<StageName, { from: number; to: number; count: number }>();
  let sawHead = false;
  for (const event of history.events ?? []) {
    const at = toSeconds(event.eventTime as Timestamp | null | undefined);
    const s = event.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(event.eventId), { type: s.activityType?.name ?? '?', at });
    const done = event.activityTaskCompletedEventAttributes;
    if (done) {
      const from = scheduled.get(String(done.scheduledEventId));
      if (!from) continue;
      if (from.type === 'trainHead') sawHead = true;
      const stage = from.type === 'trainImages' ? (sawHead ? 'fine-tune' : 'train') : STAGE_OF_ACTIVITY[from.type];
      if (!stage) continue;
      const span = spans.get(stage) ?? { from: from.at, to: at, count: 0 };
      spans.set(stage, { from: Math.min(span.from, from.at), to: Math.max(span.to, at), count: span.count + 1 });
    }
  }
  return [...spans.entries()].map(([stage, span]) => ({ stage, seconds: span.to - span.from, activities: span.count }));
}

/**
 * Seconds of a finished run during which no activity was executing, from its
 * history (first event to last, less the union of every activity's
 * started → completed span): the time orchestration itself took, whatever
 * the load did to the activities.
 */
export async function historyIdleSeconds(handle: WorkflowHandle<typeof pipelineWorkflow>): Promise<number> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const started = new Map<string, number>();
  const spans: [number, number][] = [];
  for (const event of events) {
    const at = toSeconds(event.eventTime as Timestamp | null | undefined);
    const s = event.activityTaskStartedEventAttributes;
    if (s) started.set(String(s.scheduledEventId), at);
    const done = event.activityTaskCompletedEventAttributes;
    const from = done ? started.get(String(done.scheduledEventId)) : undefined;
    if (from !== undefined) spans.push([from, at]);
  }
  if (events.length === 0) return Number.NaN;
  const first = toSeconds(events[0]!.eventTime as Timestamp | null | undefined);
  const last = toSeconds(events[events.length - 1]!.eventTime as Timestamp | null | undefined);
  spans.sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let end = -Infinity;
  for (const [from, to] of spans) {
    if (to <= end) continue;
    busy += to - Math.max(from, end);
    end = to;
  }
  return last - first - busy;
}

/** Linux's USER_HZ: the unit of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * A reader of the CPU seconds (user + system) the local Temporal server has
 * used so far, read from /proc: what orchestration costs the machine outside
 * this process. Its readings are undefined where the server is not one the
 * local stack started or there is no /proc.
 */
export async function temporalServerCpu(): Promise<() => number | undefined> {
  const pid = (await stackStatus().catch(() => [])).find((c) => c.name === 'temporal')?.pid;
  return () => {
    if (pid === undefined) return undefined;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th of the line.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  };
}

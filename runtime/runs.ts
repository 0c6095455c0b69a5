/**
 * Client-side handling of pipeline runs: start, find, resume, cancel, and
 * read a run's progress (the workflow's query plus its pending activities'
 * heartbeats).
 */
import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { PipelineSpec } from '../pipelines/schema';
import { modelSpecHash, specHash } from '../pipelines/spec-hash';
import type { PipelineRunInput } from '../workflows/pipeline-workflow';
import { pipelineWorkflow } from '../workflows/pipeline-workflow';
import type { PipelineRunResult, RunProgress } from '../workflows/progress';
import { progressQuery } from '../workflows/progress';
import type { ActivityProgress } from '../activities/activity-context';
import type { FanOut } from '../activities/contracts';
import { DataError } from '../lib/errors';

export interface StartRunOptions {
  readonly noCache?: boolean;
  readonly onlyIfDataChanged?: boolean;
  readonly heartbeatSeconds?: number;
  readonly shardSize?: number;
  /** Activities per shard stage, per queue (`workersServing`); absent: one per shard. */
  readonly fanOut?: FanOut;
  /** Defaults to `<pipeline>-<UTC timestamp>-<random>`. */
  readonly runId?: string;
}

/** A run id that sorts by time and is safe in object keys. */
export function newRunId(pipeline: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${pipeline}-${stamp}-${randomBytes(2).toString('hex')}`;
}

export function runInput(spec: PipelineSpec, options: StartRunOptions = {}): PipelineRunInput {
  return {
    spec,
    specHash: specHash(spec),
    modelSpecHash: modelSpecHash(spec),
    ...(options.shardSize ? { shardSize: options.shardSize } : {}),
    ...(options.fanOut ? { fanOut: options.fanOut } : {}),
    ...(options.noCache ? { noCache: true } : {}),
    ...(options.onlyIfDataChanged ? { onlyIfDataChanged: true } : {}),
    ...(options.heartbeatSeconds ? { heartbeatSeconds: options.heartbeatSeconds } : {}),
  };
}

export async function startRun(client: Client, spec: PipelineSpec, options: StartRunOptions = {}): Promise<WorkflowHandle<typeof pipelineWorkflow>> {
  const runId = options.runId ?? newRunId(spec.name);
  return client.workflow.start(pipelineWorkflow, {
    workflowId: runId,
    taskQueue: spec.queues.cpu,
    args: [runInput(spec, options)],
    memo: { pipeline: spec.name },
  });
}

/** The input a run was started with, read from its history (the first event). */
export async function runInputOf(client: Client, runId: string): Promise<PipelineRunInput> {
  const history = await client.workflow.getHandle(runId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new DataError(`run ${runId} has no recorded input`);
  return defaultPayloadConverter.fromPayload<PipelineRunInput>(payload);
}

/**
 * Re-runs a run that failed, was cancelled or timed out, under the same id:
 * finished stages come from the cache, training from its last checkpoint.
 */
export async function resumeRun(client: Client, runId: string): Promise<WorkflowHandle<typeof pipelineWorkflow>> {
  const handle = client.workflow.getHandle(runId);
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new DataError(`no run with id ${runId}`);
    throw err;
  }
  if (status === 'RUNNING') throw new DataError(`run ${runId} is still running; nothing to resume`);
  if (status === 'COMPLETED') throw new DataError(`run ${runId} completed; start a new run with \`graft run\` instead`);
  // A resumed run reuses what is done, even if the original said --no-cache.
  const { noCache: _noCache, ...recorded } = await runInputOf(client, runId);
  // Runs started before the model-spec hash was part of the input lack it.
  const input = { ...recorded, modelSpecHash: modelSpecHash(recorded.spec) };
  return client.workflow.start(pipelineWorkflow, {
    workflowId: runId,
    taskQueue: input.spec.queues.cpu,
    args: [input],
    memo: { pipeline: input.spec.name, resumed: true },
  });
}

export interface RunSnapshot {
  readonly runId: string;
  /** Temporal's status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT… */
  readonly status: string;
  readonly progress?: RunProgress;
  /** Heartbeats of the activities running now: epoch, batch, shard. */
  readonly active: { readonly activity: string; readonly attempt: number; readonly progress?: ActivityProgress }[];
  readonly result?: PipelineRunResult;
  readonly failure?: string;
}

/** Everything `graft status` shows about one run. */
export async function snapshotRun(client: Client, runId: string): Promise<RunSnapshot> {
  const handle = client.workflow.getHandle<typeof pipelineWorkflow>(runId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new DataError(`no run with id ${runId}`);
    throw err;
  }
  const status = description.status.name;
  const progress = await handle.query(progressQuery).catch(() => undefined);
  const active = (description.raw.pendingActivities ?? []).map((pending) => {
    const details = pending.heartbeatDetails?.payloads?.[0];
    return {
      activity: pending.activityType?.name ?? '?',
      attempt: pending.attempt ?? 1,
      ...(details ? { progress: defaultPayloadConverter.fromPayload<ActivityProgress>(details) } : {}),
    };
  });
  let result: PipelineRunResult | undefined;
  let failure: string | undefined;
  if (status === 'COMPLETED') result = await handle.result();
  else if (status !== 'RUNNING') failure = await handle.result().then(() => undefined, (err: unknown) => describeFailure(err));
  return { runId, status, ...(progress ? { progress } : {}), active, ...(result ? { result } : {}), ...(failure ? { failure } : {}) };
}

/** The innermost message of a Temporal failure chain: the activity's own error. */
export function describeFailure(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  let type: string | undefined;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e.message) message = e.message;
    const t = (e as { type?: unknown }).type;
    if (typeof t === 'string') type = t;
  }
  return type ? `${type}: ${message}` : message;
}

export interface RunListing {
  readonly runId: string;
  readonly pipeline: string;
  readonly status: string;
  readonly startTime: Date;
  readonly closeTime?: Date;
}

export async function listRuns(client: Client, limit = 20): Promise<RunListing[]> {
  const runs: RunListing[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowType = 'pipelineWorkflow'` })) {
    runs.push({
      runId: execution.workflowId,
      pipeline: String(execution.memo?.pipeline ?? ''),
      status: execution.status.name,
      startTime: execution.startTime,
      ...(execution.closeTime ? { closeTime: execution.closeTime } : {}),
    });
    if (runs.length >= limit) break;
  }
  return runs;
}

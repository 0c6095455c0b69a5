/**
 * Scheduled retraining: Temporal Schedules whose action starts
 * `pipelineWorkflow` for one pipeline spec. The pure parts (timing → schedule
 * spec, option defaults, a run's outcome in words) are apart from the calls
 * to `client.schedule`, so they can be unit-tested without a server.
 */
import type { Client, ScheduleDescription, ScheduleOptions, ScheduleSpec } from '@temporalio/client';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { cronProblem, intervalSeconds } from '../pipelines/schedule-syntax';
import type { PipelineSpec } from '../pipelines/schema';
import { specHash } from '../pipelines/spec-hash';
import { DataError, SpecError } from '../lib/errors';
import type { PipelineRunResult } from '../workflows/progress';
import type { RunSnapshot } from './runs';
import { describeFailure, runInput, snapshotRun } from './runs';

/** When a schedule fires: exactly one of a 5-field cron expression (UTC) or an interval `<n>s|m|h|d`. */
export type ScheduleTiming = { readonly cron: string } | { readonly every: string };

/** Overlap policies by their CLI names; each maps to Temporal's policy of the same meaning. */
export const OVERLAP_POLICIES = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
} as const;

export type OverlapName = keyof typeof OVERLAP_POLICIES;

export const OVERLAP_NAMES = Object.keys(OVERLAP_POLICIES) as OverlapName[];

export function isOverlapName(text: string): text is OverlapName {
  return Object.prototype.hasOwnProperty.call(OVERLAP_POLICIES, text);
}

/** Temporal's policy name (`BUFFER_ONE`) back to ours (`buffer-one`). */
export function overlapName(policy: string | undefined): OverlapName {
  return OVERLAP_NAMES.find((name) => OVERLAP_POLICIES[name] === policy) ?? 'skip';
}

export const DEFAULT_OVERLAP: OverlapName = 'skip';
export const DEFAULT_CATCHUP_WINDOW = '1m';

export interface CreateScheduleOptions {
  /** Schedule id [`graft-<pipeline>`]. */
  readonly id?: string;
  /** When to run [the spec's `schedule:` block; an error when it has none]. */
  readonly timing?: ScheduleTiming;
  /** End a run early when its data and model-spec hash are the current model's [`schedule.onlyIfDataChanged`, else false]. */
  readonly onlyIfDataChanged?: boolean;
  /** What to do when a run is due while the last one still runs [skip]. */
  readonly overlap?: OverlapName;
  /** How late a missed run (server down) may still start, `<n>s|m|h|d` [1m]. */
  readonly catchupWindow?: string;
}

/** What Graft keeps in a schedule's memo, to list and describe it without reading the action's input. */
export interface ScheduleMemo {
  readonly pipeline: string;
  readonly specHash: string;
  /** As given: `cron "0 3 * * *"` or `every 6h` (Temporal hands back cron compiled to calendars). */
  readonly timing: string;
  readonly onlyIfDataChanged: boolean;
}

export function defaultScheduleId(pipeline: string): string {
  return `graft-${pipeline}`;
}

/** Why a timing is unusable, or undefined when it is fine. */
export function timingProblem(timing: ScheduleTiming): string | undefined {
  if ('cron' in timing) {
    const problem = cronProblem(timing.cron);
    return problem ? `cron "${timing.cron}": ${problem}` : undefined;
  }
  return intervalSeconds(timing.every) === undefined ? `every "${timing.every}": must be an interval <n>s|m|h|d with n >= 1, e.g. 6h` : undefined;
}

/** The spec's own `schedule:` block as a timing, if it has one. */
export function timingFromSpec(spec: PipelineSpec): ScheduleTiming | undefined {
  const block = spec.schedule;
  if (block?.cron) return { cron: block.cron };
  if (block?.every) return { every: block.every };
  return undefined;
}

export function describeTiming(timing: ScheduleTiming): string {
  return 'cron' in timing ? `cron "${timing.cron.trim()}"` : `every ${timing.every}`;
}

/** A timing as Temporal's schedule spec; cron is read in UTC, as Temporal does by default. */
export function scheduleSpecOf(timing: ScheduleTiming): ScheduleSpec {
  return 'cron' in timing
    ? { cronExpressions: [timing.cron.trim().split(/\s+/).join(' ')] }
    : { intervals: [{ every: intervalSeconds(timing.every)! * 1000 }] };
}

/**
 * The full `client.schedule.create` options for a spec: defaults applied,
 * every option checked first so that a bad one fails before anything is
 * created. Throws a `SpecError` listing the problems.
 */
export function compileSchedule(spec: PipelineSpec, options: CreateScheduleOptions = {}): ScheduleOptions {
  const timing = options.timing ?? timingFromSpec(spec);
  const problems: string[] = [];
  if (!timing) problems.push(`pipeline "${spec.name}" has no schedule: block; give a cron expression or an interval`);
  const timingIssue = timing && timingProblem(timing);
  if (timingIssue) problems.push(timingIssue);
  const overlap = options.overlap ?? DEFAULT_OVERLAP;
  if (!isOverlapName(overlap)) problems.push(`overlap "${String(overlap)}": must be one of ${OVERLAP_NAMES.join(' | ')}`);
  const catchup = options.catchupWindow ?? DEFAULT_CATCHUP_WINDOW;
  const catchupSeconds = intervalSeconds(catchup);
  if (catchupSeconds === undefined) problems.push(`catch-up window "${catchup}": must be an interval <n>s|m|h|d with n >= 1, e.g. 1m`);
  if (problems.length > 0 || !timing || catchupSeconds === undefined) {
    throw new SpecError(`cannot schedule pipeline "${spec.name}":\n  ${problems.join('\n  ')}`, problems);
  }
  const onlyIfDataChanged = options.onlyIfDataChanged ?? spec.schedule?.onlyIfDataChanged ?? false;
  const scheduleId = options.id ?? defaultScheduleId(spec.name);
  const memo: ScheduleMemo = { pipeline: spec.name, specHash: specHash(spec), timing: describeTiming(timing), onlyIfDataChanged };
  return {
    scheduleId,
    spec: scheduleSpecOf(timing),
    action: {
      type: 'startWorkflow',
      workflowType: 'pipelineWorkflow',
      // Temporal appends the scheduled time: `<pipeline>-sched-2026-01-01T03:00:00Z`. A schedule with an
      // id of its own names its runs after that id: the run id is the model's version, and two schedules
      // of one pipeline triggered within the same second must not publish under the same one.
      workflowId: `${scheduleId === defaultScheduleId(spec.name) ? spec.name : scheduleId}-sched`,
      taskQueue: spec.queues.cpu,
      args: [runInput(spec, { onlyIfDataChanged })],
      memo: { pipeline: spec.name, schedule: scheduleId },
    },
    policies: { overlap: OVERLAP_POLICIES[overlap], catchupWindow: catchupSeconds * 1000 },
    memo: { ...memo },
  };
}

/** Creates the schedule; returns its id. An existing id is an error, not an update. */
export async function createSchedule(client: Client, spec: PipelineSpec, options: CreateScheduleOptions = {}): Promise<string> {
  const compiled = compileSchedule(spec, options);
  try {
    const handle = await client.schedule.create(compiled);
    return handle.scheduleId;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) {
      throw new DataError(`schedule ${compiled.scheduleId} already exists; delete it first or choose another --id`);
    }
    throw err;
  }
}

function memoOf(memo: Record<string, unknown> | undefined): ScheduleMemo | undefined {
  if (typeof memo?.pipeline !== 'string') return undefined;
  return {
    pipeline: memo.pipeline,
    specHash: String(memo.specHash ?? ''),
    timing: String(memo.timing ?? ''),
    onlyIfDataChanged: memo.onlyIfDataChanged === true,
  };
}

export interface ScheduleListing {
  readonly id: string;
  readonly pipeline: string;
  readonly timing: string;
  readonly paused: boolean;
  readonly note?: string;
  readonly nextRun?: Date;
  /** The latest run and its outcome (who won, on how many images, by what margin). */
  readonly lastRun?: { readonly runId: string; readonly outcome: string };
}

/** Graft's schedules (those whose memo names a pipeline), each with its latest run's outcome. Temporal's listing is eventually consistent. */
export async function listSchedules(client: Client): Promise<ScheduleListing[]> {
  const found: ScheduleListing[] = [];
  for await (const summary of client.schedule.list()) {
    const memo = memoOf(summary.memo);
    if (!memo || summary.action?.workflowType !== 'pipelineWorkflow') continue;
    const nextRun = summary.info.nextActionTimes[0];
    const latest = summary.info.recentActions.at(-1)?.action.workflow.workflowId;
    found.push({
      id: summary.scheduleId, pipeline: memo.pipeline, timing: memo.timing, paused: summary.state.paused,
      ...(summary.state.note ? { note: summary.state.note } : {}), ...(nextRun ? { nextRun } : {}),
      ...(latest ? { lastRun: { runId: latest, outcome: await outcomeOf(client, latest) } } : {}),
    });
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * A run's outcome, or why it cannot be read. From its status and result
 * only: a progress query needs a worker, and `graft schedule list` must not
 * wait for one.
 */
async function outcomeOf(client: Client, runId: string): Promise<string> {
  try {
    const handle = client.workflow.getHandle(runId);
    const status = (await handle.describe()).status.name;
    if (status === 'RUNNING') return runOutcome({ runId, status, active: [] });
    const ended = await handle.result().then((result: PipelineRunResult) => ({ result }), (err: unknown) => ({ failure: describeFailure(err) }));
    return runOutcome({ runId, status, active: [], ...ended });
  } catch (err) {
    return (err as Error).message;
  }
}

export interface ScheduleAction {
  readonly runId: string;
  readonly scheduledAt: Date;
  readonly takenAt: Date;
}

export interface ScheduleInfo {
  readonly id: string;
  readonly pipeline: string;
  readonly specHash: string;
  readonly timing: string;
  readonly onlyIfDataChanged: boolean;
  readonly overlap: OverlapName;
  readonly catchupWindowSeconds: number;
  readonly paused: boolean;
  readonly note?: string;
  readonly nextRuns: readonly Date[];
  /** Oldest first, as Temporal keeps them (its last 10). */
  readonly recent: readonly ScheduleAction[];
  readonly running: readonly string[];
  readonly actionsTaken: number;
  readonly skippedOverlap: number;
  readonly missedCatchup: number;
}

async function describeRaw(client: Client, id: string): Promise<ScheduleDescription> {
  try {
    return await client.schedule.getHandle(id).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new DataError(`no schedule with id ${id}`);
    throw err;
  }
}

export async function describeSchedule(client: Client, id: string): Promise<ScheduleInfo> {
  const d = await describeRaw(client, id);
  const memo = memoOf(d.memo);
  return {
    id,
    pipeline: memo?.pipeline ?? '?',
    specHash: memo?.specHash ?? '',
    timing: memo?.timing ?? '?',
    onlyIfDataChanged: memo?.onlyIfDataChanged ?? false,
    overlap: overlapName(d.policies.overlap),
    catchupWindowSeconds: Math.round(d.policies.catchupWindow / 1000),
    paused: d.state.paused,
    ...(d.state.note ? { note: d.state.note } : {}),
    nextRuns: d.info.nextActionTimes,
    recent: d.info.recentActions.map((a) => ({ runId: a.action.workflow.workflowId, scheduledAt: a.scheduledAt, takenAt: a.takenAt })),
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
    actionsTaken: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
    missedCatchup: d.info.numActionsMissedCatchupWindow,
  };
}

/**
 * A run's outcome in one line: running, skipped (data and spec unchanged),
 * or who won: both accuracies on the same test images and the margin, in the
 * promotion's reason; or why it failed.
 */
export function runOutcome(snapshot: RunSnapshot): string {
  const result = snapshot.result;
  if (snapshot.status === 'RUNNING') {
    const stages = snapshot.progress?.stages ?? {};
    const current = Object.entries(stages).find(([, state]) => state?.status === 'running')?.[0];
    return current ? `running (${current})` : 'running';
  }
  if (snapshot.status === 'COMPLETED' && result) {
    if (result.status === 'skipped') return `skipped: ${result.reason ?? 'data and spec unchanged'}`;
    const promotion = result.published?.promotion;
    if (promotion) return `${promotion.promoted ? 'promoted' : 'not promoted'}: ${promotion.reason}`;
    return 'completed';
  }
  return snapshot.failure ? `${snapshot.status}: ${snapshot.failure}` : snapshot.status;
}

export interface ScheduledRun extends ScheduleAction {
  readonly status: string;
  readonly outcome: string;
}

/** The schedule's recent runs with their outcomes (a run that cannot be read says why). */
export async function recentRuns(client: Client, info: ScheduleInfo): Promise<ScheduledRun[]> {
  const runs: ScheduledRun[] = [];
  for (const action of info.recent) {
    try {
      const snapshot = await snapshotRun(client, action.runId);
      runs.push({ ...action, status: snapshot.status, outcome: runOutcome(snapshot) });
    } catch (err) {
      runs.push({ ...action, status: '?', outcome: (err as Error).message });
    }
  }
  return runs;
}

export async function pauseSchedule(client: Client, id: string, note?: string): Promise<void> {
  await describeRaw(client, id);
  await client.schedule.getHandle(id).pause(note ?? 'paused with graft schedule pause');
}

export async function unpauseSchedule(client: Client, id: string, note?: string): Promise<void> {
  await describeRaw(client, id);
  await client.schedule.getHandle(id).unpause(note ?? 'unpaused with graft schedule unpause');
}

export async function deleteSchedule(client: Client, id: string): Promise<void> {
  try {
    await client.schedule.getHandle(id).delete();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new DataError(`no schedule with id ${id}`);
    throw err;
  }
}

export interface TriggerResult {
  /** The run the trigger started, when it showed up in time. */
  readonly runId?: string;
  /** True when the overlap policy skipped it (a run was still going). */
  readonly skipped: boolean;
  readonly overlap: OverlapName;
}

/**
 * Runs the schedule's action now, under the schedule's own overlap policy
 * unless `overlap` is given (the SDK would default to allow-all). Temporal
 * takes a manual trigger even while the schedule is paused. The trigger is
 * asynchronous: this waits up to `waitMs` for the new run to show up.
 */
export async function triggerSchedule(client: Client, id: string, options: { overlap?: OverlapName; waitMs?: number } = {}): Promise<TriggerResult> {
  const before = await describeRaw(client, id);
  // A run's workflow id is the schedule's id plus the action time to the second, so a
  // closed run's id comes back when triggered again within that second: key on the run too.
  const runKey = (a: ScheduleDescription['info']['recentActions'][number]): string =>
    `${a.action.workflow.workflowId}/${a.action.workflow.firstExecutionRunId}`;
  const known = new Set(before.info.recentActions.map(runKey));
  const overlap = options.overlap ?? overlapName(before.policies.overlap);
  // The id's time is the action's nominal time (scheduledAt); takenAt is when it ran, never earlier.
  const delay = delayForFreshRunId(before.info.recentActions.flatMap((a) => [a.scheduledAt, a.takenAt]), Date.now());
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  await client.schedule.getHandle(id).trigger(OVERLAP_POLICIES[overlap]);
  // Schedules act asynchronously; a loaded server can take a while to start the run.
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  for (;;) {
    const now = await describeRaw(client, id);
    const fresh = now.info.recentActions.find((a) => !known.has(runKey(a)));
    if (fresh) return { runId: fresh.action.workflow.workflowId, skipped: false, overlap };
    if (now.info.numActionsSkippedOverlap > before.info.numActionsSkippedOverlap) return { skipped: true, overlap };
    if (Date.now() >= deadline) return { skipped: false, overlap };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * How long to wait before triggering so that the new run's id (schedule id plus
 * the time to the second) differs from that of the schedule's latest action.
 * Zero when that second is already over, or when clocks disagree by more than a second.
 */
export function delayForFreshRunId(actionTimes: readonly Date[], nowMs: number): number {
  if (actionTimes.length === 0) return 0;
  const latest = Math.max(...actionTimes.map((t) => t.getTime()));
  const wait = Math.floor(latest / 1000) * 1000 + 1000 - nowMs;
  return wait > 0 && wait <= 1000 ? wait : 0;
}

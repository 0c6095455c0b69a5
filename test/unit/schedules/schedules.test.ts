// Pure parts of scheduled retraining: timing → Temporal schedule spec, the
// compiled create options and their defaults, CLI argument parsing, and how
// a run's outcome and a schedule are shown.
import { parseScheduleArgs } from '../../../cli/commands/schedule/args';
import { renderSchedule, renderScheduleList } from '../../../cli/commands/schedule/render';
import { UsageError } from '../../../cli/usage-error';
import { SpecError } from '../../../lib/errors';
import type { RunSnapshot } from '../../../runtime/runs';
import type { ScheduleInfo } from '../../../runtime/schedules';
import { compileSchedule, delayForFreshRunId, runOutcome, scheduleSpecOf, timingFromSpec, timingProblem } from '../../../runtime/schedules';
import { definePipeline } from '../../../pipelines/define';
import type { PipelineInput } from '../../../pipelines/schema';
import { modelSpecHash, specHash } from '../../../pipelines/spec-hash';

const spec = (extra: Partial<PipelineInput> = {}) => definePipeline({
  name: 'shirts',
  dataset: { source: 'idx:///data/fmnist', classes: [0, 1] },
  base: { architecture: 'small-cnn' },
  mode: 'retrain',
  queues: { cpu: 'q-cpu', gpu: 'q-gpu' },
  ...extra,
} as PipelineInput);

describe('timing → schedule spec', () => {
  it('passes a 5-field cron expression through as a cron expression, spaces normalized', () => {
    expect(scheduleSpecOf({ cron: ' 0  3 * * 1-5 ' })).toEqual({ cronExpressions: ['0 3 * * 1-5'] });
  });

  it('turns every <n>s|m|h|d into an interval in milliseconds', () => {
    expect(scheduleSpecOf({ every: '6h' })).toEqual({ intervals: [{ every: 6 * 3600_000 }] });
    expect(scheduleSpecOf({ every: '90s' })).toEqual({ intervals: [{ every: 90_000 }] });
    expect(scheduleSpecOf({ every: '2d' })).toEqual({ intervals: [{ every: 2 * 86400_000 }] });
  });

  it('names what is wrong with a timing', () => {
    expect(timingProblem({ cron: '0 3 * *' })).toMatch(/must have 5 fields/);
    expect(timingProblem({ cron: '61 3 * * *' })).toMatch(/bad minute field "61"/);
    expect(timingProblem({ every: '6 hours' })).toMatch(/<n>s\|m\|h\|d/);
    expect(timingProblem({ every: '0m' })).toBeDefined();
    expect(timingProblem({ cron: '*/15 * * * mon-fri' })).toBeUndefined();
  });

  it("reads the spec's schedule block", () => {
    expect(timingFromSpec(spec())).toBeUndefined();
    expect(timingFromSpec(spec({ schedule: { cron: '0 3 * * *' } }))).toEqual({ cron: '0 3 * * *' });
    expect(timingFromSpec(spec({ schedule: { every: '12h' } }))).toEqual({ every: '12h' });
  });
});

describe('compileSchedule', () => {
  it('starts pipelineWorkflow on the cpu queue with the run input, id graft-<pipeline>, skip and 1 minute by default', () => {
    const s = spec({ schedule: { every: '6h', onlyIfDataChanged: true } });
    const options = compileSchedule(s);
    expect(options.scheduleId).toBe('graft-shirts');
    expect(options.spec).toEqual({ intervals: [{ every: 6 * 3600_000 }] });
    expect(options.policies).toEqual({ overlap: 'SKIP', catchupWindow: 60_000 });
    expect(options.action).toMatchObject({ type: 'startWorkflow', workflowType: 'pipelineWorkflow', workflowId: 'shirts-sched', taskQueue: 'q-cpu' });
    expect(options.action.args).toEqual([{ spec: s, specHash: specHash(s), modelSpecHash: modelSpecHash(s), onlyIfDataChanged: true }]);
    expect(options.memo).toEqual({ pipeline: 'shirts', specHash: specHash(s), timing: 'every 6h', onlyIfDataChanged: true });
  });

  it('names the runs of a schedule with an id of its own after that id, so two schedules of one pipeline never share a run id', () => {
    const s = spec({ schedule: { every: '6h' } });
    expect(compileSchedule(s, { id: 'shirts-nightly' }).action.workflowId).toBe('shirts-nightly-sched');
    expect(compileSchedule(s, { id: 'graft-shirts' }).action.workflowId).toBe('shirts-sched');
  });

  it('lets options override the spec: timing, onlyIfDataChanged, overlap, catch-up window, id', () => {
    const options = compileSchedule(spec({ schedule: { every: '6h' } }), {
      timing: { cron: '30 2 * * sun' }, onlyIfDataChanged: true, overlap: 'buffer-one', catchupWindow: '10m', id: 'nightly',
    });
    expect(options.scheduleId).toBe('nightly');
    expect(options.spec).toEqual({ cronExpressions: ['30 2 * * sun'] });
    expect(options.policies).toEqual({ overlap: 'BUFFER_ONE', catchupWindow: 600_000 });
    expect(options.action.args).toEqual([expect.objectContaining({ onlyIfDataChanged: true })]);
    expect(options.memo).toMatchObject({ timing: 'cron "30 2 * * sun"' });
  });

  it('leaves onlyIfDataChanged out of the run input when it is off', () => {
    const [input] = compileSchedule(spec({ schedule: { cron: '0 3 * * *' } })).action.args as [Record<string, unknown>];
    expect(input).not.toHaveProperty('onlyIfDataChanged');
  });

  it('reports every bad option at once as a SpecError', () => {
    let error: unknown;
    try {
      compileSchedule(spec(), { catchupWindow: 'soon' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).problems).toEqual([
      'pipeline "shirts" has no schedule: block; give a cron expression or an interval',
      'catch-up window "soon": must be an interval <n>s|m|h|d with n >= 1, e.g. 1m',
    ]);
  });
});

describe('graft schedule arguments', () => {
  const usageError = (argv: string[]) => {
    try {
      parseScheduleArgs(argv);
    } catch (err) {
      if (err instanceof UsageError) return err;
      throw err;
    }
    throw new Error(`no usage error for ${argv.join(' ')}`);
  };

  it('parses create with each flag', () => {
    expect(parseScheduleArgs(['create', 'p.yaml'])).toEqual({ action: 'create', specPath: 'p.yaml' });
    expect(parseScheduleArgs(['create', 'p.yaml', '--cron', '0 3 * * *', '--only-if-data-changed', '--overlap', 'buffer-all', '--catchup-window', '5m', '--id', 'x'])).toEqual({
      action: 'create', specPath: 'p.yaml', timing: { cron: '0 3 * * *' }, onlyIfDataChanged: true, overlap: 'buffer-all', catchupWindow: '5m', id: 'x',
    });
    expect(parseScheduleArgs(['create', '--every', '6h', 'p.yaml'])).toEqual({ action: 'create', specPath: 'p.yaml', timing: { every: '6h' } });
  });

  it('parses the other actions', () => {
    expect(parseScheduleArgs(['list'])).toEqual({ action: 'list' });
    expect(parseScheduleArgs(['describe', 'a'])).toEqual({ action: 'describe', id: 'a' });
    expect(parseScheduleArgs(['pause', 'a', '--note', 'holiday'])).toEqual({ action: 'pause', id: 'a', note: 'holiday' });
    expect(parseScheduleArgs(['unpause', 'a'])).toEqual({ action: 'unpause', id: 'a' });
    expect(parseScheduleArgs(['trigger', 'a', '--overlap', 'allow-all'])).toEqual({ action: 'trigger', id: 'a', overlap: 'allow-all' });
    expect(parseScheduleArgs(['delete', 'a'])).toEqual({ action: 'delete', id: 'a' });
  });

  it('rejects bad usage with the message and the action usage', () => {
    expect(usageError([]).message).toBe('expected a schedule action');
    expect(usageError(['start']).message).toBe('unknown schedule action "start"');
    expect(usageError(['create']).message).toBe('expected one pipeline spec file');
    expect(usageError(['create', 'p.yaml', '--cron', '0 3 * * *', '--every', '6h']).message).toBe('give --cron or --every, not both');
    expect(usageError(['create', 'p.yaml', '--cron', '0 3 * *']).message).toMatch(/^--cron "0 3 \* \*": must have 5 fields/);
    expect(usageError(['create', 'p.yaml', '--every', 'daily']).message).toMatch(/^--every "daily": must be an interval/);
    expect(usageError(['create', 'p.yaml', '--overlap', 'queue']).message).toBe('--overlap must be one of skip | buffer-one | buffer-all | cancel-other | terminate-other | allow-all, got "queue"');
    expect(usageError(['create', 'p.yaml', '--catchup-window', '1 minute']).message).toMatch(/--catchup-window must be an interval/);
    expect(usageError(['describe']).message).toBe('expected one schedule id');
    expect(usageError(['delete', 'a', 'b']).message).toBe('expected one schedule id');
    const unknown = usageError(['pause', 'a', '--reason', 'x']);
    expect(unknown.message).toMatch(/Unknown option '--reason'/);
    expect(unknown.usage).toBe('graft schedule pause <id> [--note TEXT]');
  });
});

describe('outcomes and views', () => {
  const base: RunSnapshot = { runId: 'r', status: 'COMPLETED', active: [] };
  const result = { fingerprint: 'f', stages: [], evaluations: [] };

  it("says whether a run was skipped, who won and by how much, or why it failed", () => {
    expect(runOutcome({ ...base, result: { ...result, status: 'skipped', reason: 'data and spec unchanged since model v1 (fingerprint abc, model-spec hash def)' } }))
      .toBe('skipped: data and spec unchanged since model v1 (fingerprint abc, model-spec hash def)');
    const published = (promoted: boolean, reason: string) => ({ version: 'v2', modelUri: 's3://b/m', reportKey: 'k', promotion: { promoted, reason, challengerAccuracy: 0.9, testImages: 600 }, outcome: 'computed' as const, key: 'p', seconds: 1 });
    expect(runOutcome({ ...base, result: { ...result, status: 'completed', published: published(true, '90.00% beats v1') } })).toBe('promoted: 90.00% beats v1');
    expect(runOutcome({ ...base, result: { ...result, status: 'completed', published: published(false, 'kept v1') } })).toBe('not promoted: kept v1');
    expect(runOutcome({ ...base, status: 'FAILED', failure: 'DataError: bad.png' })).toBe('FAILED: DataError: bad.png');
    expect(runOutcome({
      ...base, status: 'RUNNING',
      progress: { pipeline: 'p', runId: 'r', status: 'running', evaluations: [], stages: { ingest: { status: 'cached', done: 1, total: 1, seconds: 0 }, extract: { status: 'running', done: 1, total: 3, seconds: 0 } } },
    })).toBe('running (extract)');
  });

  it('describes a schedule with its runs newest first', () => {
    const info: ScheduleInfo = {
      id: 'graft-shirts', pipeline: 'shirts', specHash: 'abcdef0123456789', timing: 'cron "0 3 * * *"', onlyIfDataChanged: true,
      overlap: 'skip', catchupWindowSeconds: 60, paused: true, note: 'holiday', nextRuns: [new Date('2027-01-01T03:00:00Z')],
      recent: [], running: [], actionsTaken: 2, skippedOverlap: 0, missedCatchup: 0,
    };
    const at = new Date('2026-01-01T00:00:00Z');
    const lines = renderSchedule(info, [
      { runId: 'shirts-sched-1', scheduledAt: at, takenAt: at, status: 'COMPLETED', outcome: 'promoted: first model' },
      { runId: 'shirts-sched-2', scheduledAt: at, takenAt: at, status: 'COMPLETED', outcome: 'skipped: data unchanged' },
    ]);
    expect(lines[0]).toBe('schedule graft-shirts  (pipeline shirts, spec abcdef012345)');
    expect(lines).toContain('  when:      cron "0 3 * * *" (UTC)');
    expect(lines).toContain('  state:     paused  (holiday)');
    expect(lines).toContain('  policy:    overlap skip, catch-up window 60s, only if data changed: yes');
    expect(lines.slice(-2)).toEqual([
      '    shirts-sched-2  COMPLETED  skipped: data unchanged',
      '    shirts-sched-1  COMPLETED  promoted: first model',
    ]);
    expect(renderSchedule({ ...info, paused: false }, [])).toContain('  recent runs: none yet');
    expect(renderScheduleList([])).toEqual(['no schedules']);
    expect(renderScheduleList([{ id: 'graft-shirts', pipeline: 'shirts', timing: 'every 6h', paused: false }])[1])
      .toBe('graft-shirts  shirts    every 6h  active  -         -');
  });

  it('lists each schedule with its latest run’s outcome: both accuracies on the same images and the margin', () => {
    const outcome = "promoted: 91.20% vs shirts-sched-1's 90.10% on the same 600 test images: +1.10 points, more than the margin of 0.95 points (95% confidence)";
    expect(renderScheduleList([
      { id: 'graft-shirts', pipeline: 'shirts', timing: 'every 6h', paused: false, nextRun: new Date('2027-01-01T06:00:00Z'), lastRun: { runId: 'shirts-sched-2', outcome } },
      { id: 'graft-coats', pipeline: 'coats', timing: 'every 1d', paused: true },
    ])).toEqual([
      'ID            PIPELINE  WHEN      STATE   NEXT RUN              LAST RUN',
      `graft-shirts  shirts    every 6h  active  2027-01-01T06:00:00Z  ${outcome}`,
      'graft-coats   coats     every 1d  paused  -                     -',
    ]);
  });
});

describe('a trigger right after a short run waits for a fresh run id', () => {
  const at = (iso: string) => new Date(iso);
  it('waits out the rest of the second of the latest action', () => {
    const now = at('2026-11-29T18:21:04.600Z').getTime();
    expect(delayForFreshRunId([at('2026-11-29T18:20:00.000Z'), at('2026-11-29T18:21:04.200Z')], now)).toBe(400);
  });
  it('does not wait when that second is over, when there is no action, or when clocks disagree', () => {
    expect(delayForFreshRunId([at('2026-11-29T18:21:03.900Z')], at('2026-11-29T18:21:04.000Z').getTime())).toBe(0);
    expect(delayForFreshRunId([], Date.now())).toBe(0);
    expect(delayForFreshRunId([at('2026-11-29T18:21:09.000Z')], at('2026-11-29T18:21:04.000Z').getTime())).toBe(0);
  });
});

/** Text views of schedules for the terminal: pure functions of what lib/runtime/schedules.ts reads. */
import type { ScheduleInfo, ScheduleListing, ScheduledRun } from '../../../runtime/schedules';

const when = (date: Date) => date.toISOString().replace(/\.000Z$/, 'Z');

export function renderScheduleList(schedules: readonly ScheduleListing[]): string[] {
  if (schedules.length === 0) return ['no schedules'];
  const idWidth = Math.max(...schedules.map((s) => s.id.length), 'ID'.length);
  const pipelineWidth = Math.max(...schedules.map((s) => s.pipeline.length), 'PIPELINE'.length);
  const timingWidth = Math.max(...schedules.map((s) => s.timing.length), 'WHEN'.length);
  const nextWidth = Math.max(...schedules.map((s) => (s.nextRun ? when(s.nextRun).length : 1)), 'NEXT RUN'.length);
  const row = (id: string, pipeline: string, timing: string, state: string, next: string, last: string) =>
    `${id.padEnd(idWidth)}  ${pipeline.padEnd(pipelineWidth)}  ${timing.padEnd(timingWidth)}  ${state.padEnd(6)}  ${next.padEnd(nextWidth)}  ${last}`.trimEnd();
  return [
    row('ID', 'PIPELINE', 'WHEN', 'STATE', 'NEXT RUN', 'LAST RUN'),
    ...schedules.map((s) => row(s.id, s.pipeline, s.timing, s.paused ? 'paused' : 'active', s.nextRun ? when(s.nextRun) : '-', s.lastRun?.outcome ?? '-')),
  ];
}

/** The lines of `graft schedule describe`: settings, next times, and the recent runs newest first with who won. */
export function renderSchedule(info: ScheduleInfo, runs: readonly ScheduledRun[]): string[] {
  const lines = [
    `schedule ${info.id}  (pipeline ${info.pipeline}, spec ${info.specHash.slice(0, 12) || '?'})`,
    `  when:      ${info.timing}${info.timing.startsWith('cron') ? ' (UTC)' : ''}`,
    `  state:     ${info.paused ? 'paused' : 'active'}${info.note ? `  (${info.note})` : ''}`,
    `  policy:    overlap ${info.overlap}, catch-up window ${info.catchupWindowSeconds}s, only if data changed: ${info.onlyIfDataChanged ? 'yes' : 'no'}`,
    `  next runs: ${info.nextRuns.length ? info.nextRuns.slice(0, 3).map(when).join(', ') : 'none'}${info.paused && info.nextRuns.length ? ' (not while paused)' : ''}`,
    `  actions:   ${info.actionsTaken} taken, ${info.skippedOverlap} skipped by overlap, ${info.missedCatchup} missed the catch-up window`,
  ];
  if (runs.length === 0) {
    lines.push('  recent runs: none yet');
    return lines;
  }
  lines.push('  recent runs (newest first; graft status <run> shows one in full):');
  const width = Math.max(...runs.map((r) => r.runId.length));
  for (const run of [...runs].reverse()) {
    lines.push(`    ${run.runId.padEnd(width)}  ${run.status.padEnd(9)}  ${run.outcome}`);
  }
  return lines;
}

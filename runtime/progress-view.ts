/** Text views of a run for the terminal: pure functions of a snapshot. */
import type { SkippedImages, StageName } from '../activities/contracts';
import type { StageProgress } from '../workflows/progress';
import type { RunSnapshot } from './runs';

const STAGE_ORDER: readonly StageName[] = ['ingest', 'augment', 'base', 'extract', 'train-head', 'fine-tune', 'train', 'evaluate', 'publish'];

export function progressBar(done: number, total: number, width = 20): string {
  const share = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}%`;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function stageLine(name: StageName, state: StageProgress, snapshot: RunSnapshot): string {
  const head = `  ${name.padEnd(11)} ${state.status.padEnd(9)}`;
  if (state.status !== 'running') {
    const shards = state.total > 1 ? ` ${state.total} shards` : '';
    return `${head}${shards} ${state.seconds.toFixed(1)}s${state.note ? `  (${state.note})` : ''}`;
  }
  const beat = snapshot.active.find((a) => a.progress?.stage === name)?.progress;
  if (beat?.epoch !== undefined && beat.epochs !== undefined) {
    const batch = beat.batch !== undefined && beat.batches ? ` batch ${beat.batch}/${beat.batches}` : '';
    const loss = beat.loss !== undefined ? ` loss ${beat.loss.toFixed(4)}` : '';
    const within = beat.batches ? (beat.batch ?? 0) / beat.batches : 0;
    return `${head} ${progressBar(beat.epoch - 1 + within, beat.epochs)} epoch ${beat.epoch}/${beat.epochs}${batch}${loss}`;
  }
  if (state.total > 1) {
    // Shards committed inside groups still running count too: a single worker runs the whole stage as one activity.
    const inGroups = snapshot.active.reduce((n, a) => n + (a.progress?.stage === name ? a.progress.shardsDone ?? 0 : 0), 0);
    const done = Math.min(state.total, state.done + inGroups);
    return `${head} ${progressBar(done, state.total)} ${done}/${state.total} shards`;
  }
  if (beat?.done !== undefined && beat.total) return `${head} ${progressBar(beat.done, beat.total)} ${beat.done}/${beat.total}`;
  return head;
}

/** How many images ingest left out, the first few with their reasons, and how many more. */
export function skippedImagesLines(skipped: SkippedImages): string[] {
  const more = skipped.count - skipped.first.length;
  return [
    `  skipped ${skipped.count} unreadable image(s) (onBadImage: skip)${skipped.first.length > 0 ? ':' : ''}`,
    ...skipped.first.map((line) => `    ${line}`),
    ...(more > 0 ? [`    … and ${more} more`] : []),
  ];
}

/** The lines `graft status <run>` and `graft run --wait` print. */
export function renderRun(snapshot: RunSnapshot): string[] {
  const lines = [`run ${snapshot.runId}  ${snapshot.status}`];
  const progress = snapshot.progress;
  // The result has them too: a finished run's progress cannot be queried without a worker.
  const skipped = progress?.skippedImages ?? snapshot.result?.skippedImages;
  if (!progress && skipped) lines.push(...skippedImagesLines(skipped));
  if (progress) {
    if (progress.note) lines.push(`  ${progress.note}`);
    for (const name of STAGE_ORDER) {
      const state = progress.stages[name];
      if (state) lines.push(stageLine(name, state, snapshot));
    }
    if (skipped) lines.push(...skippedImagesLines(skipped));
    if (progress.reason) lines.push(progress.status === 'skipped' ? `  skipped: ${progress.reason}` : `  ${progress.reason}`);
    for (const { model, evaluation } of progress.evaluations) {
      lines.push(`  test accuracy (${model}): ${pct(evaluation.testAccuracy)} on ${evaluation.count} images`);
    }
    const published = progress.published;
    if (published) {
      lines.push(`  model:  ${published.modelUri}`);
      lines.push(`  report: s3://…/${published.reportKey}  (graft report ${snapshot.runId})`);
      lines.push(`  ${published.promotion.promoted ? 'promoted to current' : 'not promoted'}: ${published.promotion.reason}`);
    }
  }
  for (const active of snapshot.active) {
    if (active.attempt > 1) lines.push(`  ${active.activity}: attempt ${active.attempt} (retrying)`);
  }
  if (snapshot.failure) lines.push(`  failed: ${snapshot.failure}`);
  return lines;
}

/** Which stages this run computed, took from the cache, or resumed from a checkpoint. */
export function reuseSummary(snapshot: RunSnapshot): string | undefined {
  const stages = snapshot.progress?.stages;
  if (!stages) return undefined;
  const by = (status: string) => STAGE_ORDER.filter((name) => stages[name]?.status === status);
  const parts = [
    by('cached').length ? `cached: ${by('cached').join(', ')}` : '',
    by('resumed').length ? `resumed from checkpoint: ${by('resumed').join(', ')}` : '',
    by('computed').length ? `computed: ${by('computed').join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : undefined;
}

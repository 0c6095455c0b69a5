/**
 * The stage cache: the same pipeline run through Temporal, first with every
 * stage recomputed (`--no-cache`), then unchanged (every stage, publish
 * included, a verified cache hit found by one `lookupPlan` activity).
 * Repetitions alternate the two, so the ratio of each pair is measured side by side.
 */
import type { PipelineRunResult } from '../workflows/progress';
import { NEW_WORKER_POLL_MS, fanOutOption } from '../runtime/fan-out';
import { startRun } from '../runtime/runs';
import { benchPipeline, benchShardSize } from './bench-pipeline';
import { openBenchStack } from './stack';
import type { BenchOptions, WithHeadline } from './util';
import { median, timed } from './util';

export interface CacheBenchResult {
  readonly reps: number;
  readonly images: number;
  readonly firstSeconds: number[];
  readonly rerunSeconds: number[];
  /** Re-run ÷ first run of each repetition. */
  readonly ratios: number[];
  /** Median of `ratios`: the headline. */
  readonly ratio: number;
  readonly firstOutcomes: Record<string, string>;
  readonly rerunOutcomes: Record<string, string>;
  /** Activities the workflow scheduled in the last run of each kind. */
  readonly firstActivities: number;
  readonly rerunActivities: number;
}

const outcomes = (r: PipelineRunResult): Record<string, string> => Object.fromEntries(r.stages.map((s) => [s.stage, s.outcome]));

/** Goal of issue 16: an unchanged re-run in at most 5 % of the first run's time. */
const GOAL = 0.05;

export async function benchCache(options: BenchOptions = {}): Promise<CacheBenchResult & WithHeadline> {
  const quick = options.quick ?? false;
  const size = quick ? 'quick' : 'small';
  const reps = quick ? 1 : 3;
  const stack = await openBenchStack('cache');
  try {
    const spec = benchPipeline('bench-cache', stack.queues, size);
    const shardSize = benchShardSize(size);
    const fanOut = await fanOutOption(stack.client, stack.queues, NEW_WORKER_POLL_MS);
    const run = async (noCache: boolean) => timed(async () => {
      const handle = await startRun(stack.client, spec, { noCache, shardSize, ...fanOut });
      const result = await handle.result();
      const history = await handle.fetchHistory();
      return { result, activities: (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length };
    });
    const first: Awaited<ReturnType<typeof run>>[] = [];
    const rerun: Awaited<ReturnType<typeof run>>[] = [];
    for (let r = 0; r < reps; r++) {
      first.push(await run(true));
      rerun.push(await run(false));
    }
    const ratios = first.map((f, i) => rerun[i]!.seconds / f.seconds);
    const ratio = median(ratios);
    const lastFirst = first[first.length - 1]!.value;
    const lastRerun = rerun[rerun.length - 1]!.value;
    return {
      reps, images: spec.dataset.limitPerClass! * 10,
      firstSeconds: first.map((f) => f.seconds), rerunSeconds: rerun.map((r) => r.seconds), ratios, ratio,
      firstOutcomes: outcomes(lastFirst.result), rerunOutcomes: outcomes(lastRerun.result),
      firstActivities: lastFirst.activities, rerunActivities: lastRerun.activities,
      headline: {
        value: ratio, goal: GOAL, better: 'lower', unit: 'fraction of the first run',
        what: `unchanged re-run ÷ first run (every stage recomputed), ${spec.dataset.limitPerClass! * 10}-image pipeline through Temporal, median of ${reps} pairs`,
      },
    };
  } finally {
    await stack.clear();
    await stack.close();
  }
}

/**
 * The stage cache: the same pipeline run twice through Temporal, first with
 * every stage recomputed, then with nothing changed (every stage a cache hit).
 */
import type { PipelineRunResult } from '../workflows/progress';
import { startRun } from '../runtime/runs';
import { benchPipeline, benchShardSize } from './bench-pipeline';
import { openBenchStack } from './stack';
import type { BenchOptions } from './util';
import { timed } from './util';

export interface CacheBenchResult {
  readonly firstSeconds: number;
  readonly rerunSeconds: number;
  /** Re-run ÷ first run. */
  readonly ratio: number;
  readonly firstOutcomes: Record<string, string>;
  readonly rerunOutcomes: Record<string, string>;
}

const outcomes = (r: PipelineRunResult): Record<string, string> => Object.fromEntries(r.stages.map((s) => [s.stage, s.outcome]));

export async function benchCache(options: BenchOptions = {}): Promise<CacheBenchResult> {
  const quick = options.quick ?? false;
  const stack = await openBenchStack('cache');
  try {
    const spec = benchPipeline('bench-cache', stack.queues, quick);
    const shardSize = benchShardSize(quick);
    const run = async (noCache: boolean) => timed(async () => (await startRun(stack.client, spec, { noCache, shardSize })).result());
    const first = await run(true);
    const rerun = await run(false);
    return {
      firstSeconds: first.seconds, rerunSeconds: rerun.seconds, ratio: rerun.seconds / first.seconds,
      firstOutcomes: outcomes(first.value), rerunOutcomes: outcomes(rerun.value),
    };
  } finally {
    await stack.clear();
    await stack.close();
  }
}

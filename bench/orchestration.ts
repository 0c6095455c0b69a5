/**
 * Orchestration overhead: the same pipeline (every stage recomputed) run
 * through Temporal with an in-process worker vs its stage activities called
 * directly in one process. Per stage and for the whole run; repetitions
 * alternate the two sides so drift in machine load hits both.
 */
import { startRun } from '../runtime/runs';
import { benchPipeline, benchShardSize } from './bench-pipeline';
import { directActivities, runPipelineDirect } from './direct-pipeline';
import { historyStageTimes, openBenchStack } from './stack';
import type { BenchOptions } from './util';
import { median, timed } from './util';

export interface StageOverhead {
  readonly stage: string;
  readonly activities: number;
  readonly directSeconds: number;
  readonly temporalSeconds: number;
  readonly overheadSeconds: number;
}

export interface OrchestrationBenchResult {
  readonly images: number;
  readonly shards: number;
  readonly reps: number;
  readonly directSeconds: number[];
  readonly temporalSeconds: number[];
  /** Medians; overhead = Temporal − direct. */
  readonly directMedianSeconds: number;
  readonly temporalMedianSeconds: number;
  readonly overheadSeconds: number;
  /** Overhead as a share of the Temporal run. */
  readonly overheadPercent: number;
  /** Of the last repetition. */
  readonly stages: StageOverhead[];
}

export async function benchOrchestration(options: BenchOptions = {}): Promise<OrchestrationBenchResult> {
  const quick = options.quick ?? false;
  const reps = quick ? 1 : 2;
  const stack = await openBenchStack('orch');
  try {
    const spec = benchPipeline('bench-orchestration', stack.queues, quick);
    const shardSize = benchShardSize(quick);
    const acts = directActivities({ store: stack.store });
    const direct: number[] = [];
    const temporal: number[] = [];
    let stages: StageOverhead[] = [];
    let shards = 0;
    for (let r = 0; r < reps; r++) {
      const d = await runPipelineDirect(acts, spec, { noCache: true, shardSize });
      direct.push(d.seconds);
      const t = await timed(async () => {
        const handle = await startRun(stack.client, spec, { noCache: true, shardSize });
        await handle.result();
        return handle;
      });
      temporal.push(t.seconds);
      const inTemporal = await historyStageTimes(t.value);
      stages = d.stages.map((s) => {
        const ts = inTemporal.find((x) => x.stage === s.stage);
        const temporalSeconds = ts?.seconds ?? Number.NaN;
        return { stage: s.stage, activities: s.calls, directSeconds: s.seconds, temporalSeconds, overheadSeconds: temporalSeconds - s.seconds };
      });
      shards = d.stages.find((s) => s.stage === 'extract')?.calls ?? 0;
    }
    const directMedian = median(direct);
    const temporalMedian = median(temporal);
    const overhead = temporalMedian - directMedian;
    return {
      images: spec.dataset.limitPerClass! * 10, shards, reps, directSeconds: direct, temporalSeconds: temporal,
      directMedianSeconds: directMedian, temporalMedianSeconds: temporalMedian, overheadSeconds: overhead,
      overheadPercent: (100 * overhead) / temporalMedian, stages,
    };
  } finally {
    await stack.clear();
    await stack.close();
  }
}

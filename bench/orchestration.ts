/**
 * Orchestration overhead: the same pipeline (every stage recomputed) run
 * through Temporal with an in-process worker vs its stage activities called
 * directly in one process, through the same stage plan. Two sizes, a small
 * pipeline and one of over 30 s of work; repetitions interleave the sizes,
 * and each runs two pairs in opposite orders (D T T D or T D D T), so that
 * drift in machine load, and the slower second run of a pair, hit both sides alike.
 */
import type { FanOut } from '../activities/contracts';
import { NEW_WORKER_POLL_MS, fanOutOption } from '../runtime/fan-out';
import { startRun } from '../runtime/runs';
import type { BenchPipelineSize } from './bench-pipeline';
import { benchPipeline, benchShardSize } from './bench-pipeline';
import { directActivities, runPipelineDirect } from './direct-pipeline';
import type { BenchStack } from './stack';
import { historyIdleSeconds, historyStageTimes, openBenchStack, temporalServerCpu } from './stack';
import type { BenchOptions, Headline, WithHeadline } from './util';
import { median, timed } from './util';

export interface StageOverhead {
  readonly stage: string;
  readonly activities: number;
  readonly directSeconds: number;
  readonly temporalSeconds: number;
  readonly overheadSeconds: number;
}

export interface PipelineOverhead {
  readonly size: BenchPipelineSize;
  readonly images: number;
  readonly shards: number;
  /** Activities per shard stage on both sides: what `graft run` gives a run on this stack's workers (absent in records made before shard groups: one per shard). */
  readonly fanOut?: FanOut;
  /** Activities one Temporal run executes. */
  readonly activities: number;
  readonly directSeconds: number[];
  readonly temporalSeconds: number[];
  /** Medians; overhead = Temporal − direct. */
  readonly directMedianSeconds: number;
  readonly temporalMedianSeconds: number;
  readonly overheadSeconds: number;
  /**
   * The headline: the median over the repetitions of (Temporal − direct) ÷
   * Temporal within each repetition, whose runs went back to back, so that
   * load drifting between repetitions cancels. A repetition is two pairs in
   * opposite orders (direct, Temporal, Temporal, direct, or the reverse), so
   * that each side runs second in a pair as often as first (records before
   * shard groups: one pair per repetition).
   */
  readonly overheadFraction: number;
  /** Each repetition's fraction: the spread. */
  readonly pairedFractions: number[];
  /**
   * Per repetition, how much longer the run second in a pair took than it
   * would have first: ((T − D with direct first) − (T − D with Temporal
   * first)) ÷ 2, in seconds. What the opposite orders cancel.
   */
  readonly secondRunSeconds?: number[];
  /** (median Temporal − median direct) ÷ median Temporal: the same runs, unpaired (absent from records before session 6, whose headline was this). */
  readonly mediansFraction?: number;
  /**
   * Per Temporal run, the seconds its history shows no activity executing
   * (the round trips between them), and their median as a share of the run:
   * orchestration's own time, which the machine's load moves far less than the runs.
   */
  readonly idleSeconds: number[];
  readonly idleFraction: number;
  /**
   * CPU seconds the local Temporal server used during each run of either
   * side (null where it could not be read): on two cores, what the server
   * burns is taken from the activities.
   */
  readonly serverCpuSeconds?: { readonly direct: (number | null)[]; readonly temporal: (number | null)[] };
  /** Of the last repetition. */
  readonly stages: StageOverhead[];
}

export interface OrchestrationBenchResult {
  readonly reps: number;
  readonly pipelines: PipelineOverhead[];
}

/** The goals of issue 16: overhead as a share of the run. */
const GOAL: Record<BenchPipelineSize, number> = { quick: 0.05, small: 0.05, large: 0.02 };

export async function benchOrchestration(options: BenchOptions = {}): Promise<OrchestrationBenchResult & WithHeadline> {
  const quick = options.quick ?? false;
  // Two shared cores move a run's wall time by several per cent: enough pairs for a median to settle.
  const reps = quick ? 1 : 5;
  const sizes: BenchPipelineSize[] = quick ? ['quick'] : ['small', 'large'];
  const stack = await openBenchStack('orch');
  try {
    const acts = directActivities({ store: stack.store });
    const serverCpu = await temporalServerCpu();
    // As `graft run` would: one activity per shard stage for each worker polling the queues (here the bench's one).
    const fanOut = await fanOutOption(stack.client, stack.queues, NEW_WORKER_POLL_MS);
    const runs = new Map(sizes.map((size) => [size, {
      direct: [] as number[], temporal: [] as number[], idle: [] as number[], stages: [] as StageOverhead[], shards: 0, activities: 0,
      fractions: [] as number[], secondRun: [] as number[],
      serverCpu: { direct: [] as (number | null)[], temporal: [] as (number | null)[] },
    }]));
    // Warm both sides (kernels, the base's weights file, the worker's sticky cache) before timing.
    if (!quick) await onePair(stack, acts, 'quick', true, serverCpu, fanOut);
    for (let r = 0; r < reps; r++) {
      for (const size of sizes) {
        // Two pairs in opposite orders: the run that goes second in a pair is slower (what the previous run left the machine doing).
        const directFirst = r % 2 === 0;
        const pairs = [await onePair(stack, acts, size, directFirst, serverCpu, fanOut), await onePair(stack, acts, size, !directFirst, serverCpu, fanOut)];
        const into = runs.get(size)!;
        for (const pair of pairs) {
          into.direct.push(pair.direct);
          into.temporal.push(pair.temporal);
          into.idle.push(pair.idle);
          into.serverCpu.direct.push(pair.serverCpu.direct);
          into.serverCpu.temporal.push(pair.serverCpu.temporal);
          into.stages = pair.stages;
          into.shards = pair.shards;
          into.activities = pair.activities;
        }
        const sum = (side: 'direct' | 'temporal') => pairs.reduce((total, pair) => total + pair[side], 0);
        into.fractions.push((sum('temporal') - sum('direct')) / sum('temporal'));
        const [directThenTemporal, temporalThenDirect] = directFirst ? pairs : [pairs[1]!, pairs[0]!];
        const gap = (pair: Pair) => pair.temporal - pair.direct;
        into.secondRun.push((gap(directThenTemporal!) - gap(temporalThenDirect!)) / 2);
      }
    }
    const pipelines = sizes.map((size): PipelineOverhead => {
      const { direct, temporal, idle, stages, shards, activities, serverCpu: serverCpuSeconds, fractions: pairedFractions, secondRun } = runs.get(size)!;
      const directMedian = median(direct);
      const temporalMedian = median(temporal);
      return {
        size, images: benchPipeline('x', stack.queues, size).dataset.limitPerClass! * 10, shards, ...fanOut, activities,
        directSeconds: direct, temporalSeconds: temporal, directMedianSeconds: directMedian, temporalMedianSeconds: temporalMedian,
        overheadSeconds: temporalMedian - directMedian, overheadFraction: median(pairedFractions), pairedFractions, secondRunSeconds: secondRun,
        mediansFraction: (temporalMedian - directMedian) / temporalMedian,
        idleSeconds: idle, idleFraction: median(idle.map((x, i) => x / temporal[i]!)), serverCpuSeconds, stages,
      };
    });
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    const headlines = pipelines.map((p): Headline => ({
      value: p.overheadFraction, goal: GOAL[p.size], better: 'lower', unit: 'fraction of the run',
      what: `orchestration overhead, ${p.size} pipeline (${p.directMedianSeconds.toFixed(0)} s of stage work, ${p.activities} activities): Temporal vs the same stage plan called directly, median of ${reps} repetitions of two back-to-back pairs in opposite orders`
        + ` (unpaired medians ${pct(p.mediansFraction ?? Number.NaN)}; no activity running ${pct(p.idleFraction)} of the Temporal run)`,
    }));
    // The headline is the long pipeline's (the ≤ 2 % goal); the small one's goal rides along.
    const [first, ...rest] = [...headlines].reverse();
    return { reps, pipelines, headline: first!, moreHeadlines: rest };
  } finally {
    await stack.clear();
    await stack.close();
  }
}

interface Pair {
  readonly direct: number;
  readonly temporal: number;
  readonly stages: StageOverhead[];
  readonly shards: number;
  readonly activities: number;
  readonly idle: number;
  readonly serverCpu: { readonly direct: number | null; readonly temporal: number | null };
}

/** One direct run and one Temporal run of the `size` pipeline, back to back, in the order asked. */
async function onePair(
  stack: BenchStack, acts: ReturnType<typeof directActivities>, size: BenchPipelineSize, directFirst: boolean, serverCpu: () => number | undefined,
  fanOut: { readonly fanOut?: FanOut },
): Promise<Pair> {
  const spec = benchPipeline(`bench-orchestration-${size}`, stack.queues, size);
  const shardSize = benchShardSize(size);
  const cpu = { direct: null as number | null, temporal: null as number | null };
  const metered = async <T>(side: keyof typeof cpu, work: () => Promise<T>): Promise<T> => {
    const before = serverCpu();
    const value = await work();
    const after = serverCpu();
    cpu[side] = before === undefined || after === undefined ? null : after - before;
    return value;
  };
  const layout = { noCache: true, shardSize, ...fanOut };
  const runDirect = () => metered('direct', () => runPipelineDirect(acts, spec, layout));
  const runTemporal = () => metered('temporal', () => timed(async () => {
    const handle = await startRun(stack.client, spec, layout);
    await handle.result();
    return handle;
  }));
  let d: Awaited<ReturnType<typeof runDirect>>;
  let t: Awaited<ReturnType<typeof runTemporal>>;
  if (directFirst) {
    d = await runDirect();
    t = await runTemporal();
  } else {
    t = await runTemporal();
    d = await runDirect();
  }
  const inTemporal = await historyStageTimes(t.value);
  const idle = await historyIdleSeconds(t.value);
  const stages = d.stages.map((s) => {
    const ts = inTemporal.find((x) => x.stage === s.stage);
    const temporalSeconds = ts?.seconds ?? Number.NaN;
    return { stage: s.stage, activities: s.calls, directSeconds: s.seconds, temporalSeconds, overheadSeconds: temporalSeconds - s.seconds };
  });
  return {
    direct: d.seconds, temporal: t.seconds, idle, stages, serverCpu: cpu,
    shards: d.stages.find((s) => s.stage === 'extract')?.shards ?? 0,
    activities: inTemporal.reduce((sum, s) => sum + s.activities, 0),
  };
}

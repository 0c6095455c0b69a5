/**
 * How a run's Temporal history grows with its data (issue 15). Runs one
 * pipeline through Temporal at two shard sizes, measures each history
 * (events, encoded bytes, the largest single payload), fits each as a fixed
 * part plus a part per extract shard, and projects the fit to 1 million
 * images at Graft's default shard sizes, against Temporal's limits.
 */
import { temporal } from '@temporalio/proto';
import { startRun } from '../runtime/runs';
import { defaultShardSize } from '../workflows/stage-plan';
import { benchPipeline } from './bench-pipeline';
import { openBenchStack } from './stack';
import type { BenchOptions, Headline, WithHeadline } from './util';

/** Temporal's defaults: a history is cut off past these, and warned about at a fifth of them. */
export const HISTORY_LIMITS = { events: 51_200, bytes: 50 * 1024 * 1024, payloadBytes: 2 * 1024 * 1024 } as const;

export interface HistoryMeasurement {
  readonly shardSize: number;
  readonly images: number;
  readonly extractShards: number;
  readonly activities: number;
  readonly events: number;
  readonly bytes: number;
  readonly largestPayloadBytes: number;
}

/** y = fixed + perShard × shards, through two measurements. */
export interface LinearFit { readonly fixed: number; readonly perShard: number }

export function fitPerShard(a: HistoryMeasurement, b: HistoryMeasurement, pick: (m: HistoryMeasurement) => number): LinearFit {
  const perShard = (pick(b) - pick(a)) / (b.extractShards - a.extractShards);
  return { fixed: pick(a) - perShard * a.extractShards, perShard };
}

/** Extract shards of a run: train (and its augmented copies) + validation + test, each cut into shards. */
export function extractShardsFor(images: number, shardSize: number, split: { validation: number; test: number }, augmented: boolean): number {
  const test = Math.round(images * split.test);
  const validation = Math.round(images * split.validation);
  const train = images - test - validation;
  const shards = (n: number) => Math.ceil(n / shardSize);
  return shards(train) * (augmented ? 2 : 1) + shards(validation) + shards(test);
}

export interface HistoryProjection {
  readonly images: number;
  readonly dataset: string;
  readonly shardSize: number;
  readonly extractShards: number;
  readonly events: number;
  readonly bytes: number;
  readonly largestPayloadBytes: number;
  /** The largest of events, bytes and payload as a fraction of its limit. */
  readonly ofLimit: number;
  /** The most images one run of this kind can have before Temporal warns (a fifth of a limit), and before it refuses. */
  readonly maxImagesBeforeWarning: number;
  readonly maxImagesWithinLimits: number;
}

type Fits = Record<'events' | 'bytes' | 'payload', LinearFit>;

function sizeAt(fits: Fits, images: number, shardSize: number) {
  const extractShards = extractShardsFor(images, shardSize, { validation: 0.1, test: 0.1 }, true);
  const at = (fit: LinearFit) => Math.round(fit.fixed + fit.perShard * extractShards);
  const [events, bytes, largestPayloadBytes] = [at(fits.events), at(fits.bytes), at(fits.payload)];
  const ofLimit = Math.max(events / HISTORY_LIMITS.events, bytes / HISTORY_LIMITS.bytes, largestPayloadBytes / HISTORY_LIMITS.payloadBytes);
  return { extractShards, events, bytes, largestPayloadBytes, ofLimit };
}

/** The most images whose projected history stays at or under `fraction` of the limits (bisection; sizes grow with images). */
function maxImages(fits: Fits, shardSize: number, fraction: number): number {
  let [low, high] = [0, 1e9];
  while (high - low > 1000) {
    const mid = Math.floor((low + high) / 2);
    if (sizeAt(fits, mid, shardSize).ofLimit <= fraction) low = mid;
    else high = mid;
  }
  return low;
}

export function project(fits: Fits, dataset: string, images: number, shardSize: number): HistoryProjection {
  return {
    images, dataset, shardSize, ...sizeAt(fits, images, shardSize),
    maxImagesBeforeWarning: maxImages(fits, shardSize, 0.2), maxImagesWithinLimits: maxImages(fits, shardSize, 1),
  };
}

function payloadBytes(payloads: { payloads?: { data?: Uint8Array | null }[] | null } | null | undefined): number {
  return (payloads?.payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
}

async function measure(shardSize: number): Promise<HistoryMeasurement> {
  const stack = await openBenchStack('history');
  try {
    await stack.clear();
    const spec = benchPipeline('bench-history', stack.queues, 'quick');
    const handle = await startRun(stack.client, spec, { shardSize, noCache: true });
    await handle.result();
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    let largest = 0;
    let activities = 0;
    let extractShards = 0;
    for (const event of events) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) {
        activities += 1;
        if (scheduled.activityType?.name === 'extractShards') extractShards += 1;
      }
      largest = Math.max(largest, payloadBytes(scheduled?.input), payloadBytes(event.activityTaskCompletedEventAttributes?.result),
        payloadBytes(event.workflowExecutionStartedEventAttributes?.input), payloadBytes(event.workflowExecutionCompletedEventAttributes?.result));
    }
    const bytes = temporal.api.history.v1.History.encode(history).finish().length;
    const images = spec.dataset.limitPerClass! * (spec.dataset.classes?.length ?? 10);
    return { shardSize, images, extractShards, activities, events: events.length, bytes, largestPayloadBytes: largest };
  } finally {
    await stack.close();
  }
}

export interface HistoryBenchResult extends WithHeadline {
  readonly measured: readonly HistoryMeasurement[];
  readonly fits: Fits;
  readonly limits: typeof HISTORY_LIMITS;
  readonly projections: readonly HistoryProjection[];
}

export async function benchHistory(_options: BenchOptions = {}): Promise<HistoryBenchResult> {
  const coarse = await measure(32);
  const fine = await measure(8);
  const fits = {
    events: fitPerShard(coarse, fine, (m) => m.events),
    bytes: fitPerShard(coarse, fine, (m) => m.bytes),
    payload: fitPerShard(coarse, fine, (m) => m.largestPayloadBytes),
  };
  const projections = [
    project(fits, '28×28 gray (Fashion-MNIST-like)', 1_000_000, defaultShardSize({ imageSize: [28, 28], channels: 1 })),
    project(fits, '64×64 RGB', 1_000_000, defaultShardSize({ imageSize: [64, 64], channels: 3 })),
    project(fits, '224×224 RGB', 1_000_000, defaultShardSize({ imageSize: [224, 224], channels: 3 })),
  ];
  const worst = projections[0]!;
  const headline: Headline = {
    value: Math.round(worst.ofLimit * 1000) / 1000, goal: 0.2, better: 'lower', unit: 'of the limit',
    what: 'history of a 1-million-image 28 px run at the default shard size, as a fraction of Temporal\'s limits (events, bytes, largest payload); 0.2 is where Temporal starts warning',
  };
  return { measured: [coarse, fine], fits, limits: HISTORY_LIMITS, projections, headline };
}

import { defineQuery } from '@temporalio/workflow';
import type { Evaluation, PublishResult, SkippedImages, StageName, StageReport } from '../activities/contracts';

export type StageStatus = 'pending' | 'running' | 'computed' | 'cached' | 'resumed' | 'skipped' | 'failed';

export interface StageProgress {
  status: StageStatus;
  /** Shards (or 1 for single-activity stages) finished and in all. */
  done: number;
  total: number;
  seconds: number;
  note?: string;
}

export interface RunProgress {
  pipeline: string;
  runId: string;
  status: 'running' | 'completed' | 'skipped' | 'failed';
  /** Why a scheduled run ended early (`data and spec unchanged …`) or retrains (`retrain: spec changed …`). */
  reason?: string;
  /** Why the stages are running again, e.g. a lost cache entry being recomputed. */
  note?: string;
  stages: Partial<Record<StageName, StageProgress>>;
  /** Per trained model: test metrics, e.g. `transfer` (head only) and `fine-tune`. */
  evaluations: { model: string; evaluation: Evaluation }[];
  published?: PublishResult;
  /** Images ingest left out under `onBadImage: skip`; absent when none. */
  skippedImages?: SkippedImages;
}

export interface PipelineRunResult {
  status: 'completed' | 'skipped';
  /** As `RunProgress.reason`. */
  reason?: string;
  fingerprint: string;
  stages: StageReport[];
  evaluations: { model: string; evaluation: Evaluation }[];
  published?: PublishResult;
  /** Images ingest left out under `onBadImage: skip`; absent when none. */
  skippedImages?: SkippedImages;
}

/** Stage states and progress of a pipeline run: `graft status` and `run --wait` read it. */
export const progressQuery = defineQuery<RunProgress>('progress');

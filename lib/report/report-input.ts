import type { ConfusionMatrix } from './metrics';

/** How a stage's output came to be in this run. */
export type ReportStageStatus = 'computed' | 'cached' | 'resumed' | 'skipped' | 'failed';

export interface ReportStage {
  readonly name: string;
  readonly status: ReportStageStatus;
  /** Wall time spent in this run (a cache hit costs the lookup only). */
  readonly seconds: number;
  readonly note?: string;
}

/** One epoch of training, as the learning curves plot it. */
export interface LearningCurvePoint {
  /** Training phase, e.g. `head` or `fine-tune`. */
  readonly stage: string;
  /** 1-based epoch within the stage. */
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy?: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  /** The learning rate of the epoch's first step (absent in runs from before schedules). */
  readonly learningRate?: number;
}

/** One model in a side-by-side comparison (transfer vs fine-tune vs from scratch…). */
export interface ReportModelResult {
  readonly name: string;
  /** What differs, e.g. `frozen base, new head`. */
  readonly description?: string;
  readonly testAccuracy: number;
  readonly valAccuracy?: number;
  readonly epochs?: number;
  readonly trainSeconds?: number;
}

/** The champion/challenger decision of a publish step. */
export interface ReportChampion {
  readonly champion: { readonly name: string; readonly accuracy: number };
  readonly challenger: { readonly name: string; readonly accuracy: number };
  /** `promoted`: the challenger replaces the champion; `kept`: it does not. */
  readonly outcome: 'promoted' | 'kept';
  readonly reason?: string;
  /** How many test images both accuracies count (the champion is judged on the challenger's). */
  readonly testImages?: number;
  /** The gain the challenger needed: the larger of the 95 % confidence margin and `promoteMargin`. */
  readonly margin?: number;
}

/** Images ingest left out under `onBadImage: skip`: how many, and the first few as `<file>: <reason>`. */
export interface ReportSkippedImages {
  readonly count: number;
  readonly first: readonly string[];
}

/** Everything one run's HTML report shows. Every string is escaped on output. */
export interface ReportInput {
  readonly pipeline: string;
  readonly runId: string;
  readonly specHash: string;
  readonly datasetFingerprint: string;
  /** ISO 8601; shown as given. */
  readonly createdAt?: string;
  /** Class names in label-index order (unique). */
  readonly classNames: readonly string[];
  readonly stages: readonly ReportStage[];
  /** Test-set confusion matrix, `[actual][predicted]`; test metrics derive from it. */
  readonly confusion?: ConfusionMatrix;
  readonly history?: readonly LearningCurvePoint[];
  readonly comparison?: readonly ReportModelResult[];
  readonly champion?: ReportChampion;
  /** Absent when no image was left out. */
  readonly skippedImages?: ReportSkippedImages;
}

/** Rendered plots, inline SVG text (see `renderReportCharts`). */
export interface ReportCharts {
  readonly learningCurves?: string;
  readonly confusion?: string;
}

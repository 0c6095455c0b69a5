/** What the scale benchmark records (bench/scale.ts), apart from its runner so the report reads it without loading a store. */

export const SCALE_STAGES = ['ingest', 'augment', 'extract', 'train', 'evaluate'] as const;
export type ScaleStage = (typeof SCALE_STAGES)[number];

/** One stage of one size, as its process measured it. */
export interface ScaleStageResult {
  /** `idle`: a process that loads what the stages load and runs nothing (their common floor). */
  readonly stage: ScaleStage | 'idle';
  /** Images ingest kept (every split). */
  readonly images: number;
  /** Samples the stage processed (images, augmented copies, features, test predictions). */
  readonly samples: number;
  readonly seconds: number;
  /** Train: the split's features as float32, in MiB (what training would hold in memory). */
  readonly dataMiB?: number;
  /** `process.resourceUsage().maxRSS` of the stage's process, in MiB. */
  readonly peakRssMiB: number;
}

export interface ScaleSize {
  readonly images: number;
  readonly idle: ScaleStageResult;
  readonly stages: ScaleStageResult[];
}

export interface ScaleBenchResult {
  readonly copies: number;
  /** How each stage's peak was measured. */
  readonly method: string;
  readonly sizes: [ScaleSize, ScaleSize];
  /** Large ÷ small images. */
  readonly imagesRatio: number;
  /** Large ÷ small peak RSS, per stage. */
  readonly peakRssRatios: Record<ScaleStage, number>;
}

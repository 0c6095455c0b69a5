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

/** `head` section. */
export interface HeadSpec {
  readonly strategy: 'replace' | 'dense';
  readonly pooling: Pooling;
  /** Units per new Dense layer (dense strategy only). */
  readonly hidden?: readonly number[];
  readonly activation?: string;
  /** 0..1; default 0.5 for dense, 0 for replace. */
  readonly dropout?: number;
}

export type OptimizerName = 'adam' | 'sgd' | 'rmsprop';

export interface EarlyStoppingSpec {
  readonly patience: number;
  readonly monitor: 'val_loss' | 'val_acc';
  readonly minDelta?: number;
}

/** `train` section. */
export interface TrainSpec {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly earlyStopping?: EarlyStoppingSpec | null;
}

/** `fineTune` section: exactly one of `topLayers` / `fromLayer`. */
export interface FineTuneSpec {
  readonly topLayers?: number | null;
  readonly fromLayer?: string | null;
  readonly epochs: number;
  readonly learningRate: number;
  readonly batchSize?: number | null;
}

/** The parts of a normalized pipeline spec that define the model. */
export interface ModelPipelineSpec {
  readonly base: BaseSpec;
  readonly mode?: BaseMode;
  readonly head: HeadSpec;
  readonly fineTune?: FineTuneSpec | null;
}

import type * as tf from '@tensorflow/tfjs-node';
import { trainableLayerNames } from './freeze';
import { summarizeModel, type ParamTotals } from './summary';
import type { Architecture, BaseMode, BaseSpec, FineTuneSpec, HeadSpec, TrainingMode } from './types';

/** Where a published model came from; stored as `lineage.json` next to it. */
export interface ModelLineage {
  readonly format: 'graft-lineage/1';
  readonly base: {
    readonly architecture: Architecture | null;
    /** imagenet or random for a built-in architecture; null for a base from a uri. */
    readonly weights: 'imagenet' | 'random' | null;
    /** The pretrained weights' package and checksums, when the base started from them. */
    readonly weightsSource: { readonly package: string; readonly sha256: string; readonly wheelSha256: string } | null;
    /** Side an EfficientNet-Lite ran at (the model resizes to it); null for others. */
    readonly inputSize: number | null;
    readonly uri: string | null;
    readonly inputShape: readonly number[];
    readonly alpha: number | null;
    readonly cutAt: string | null;
  };
  readonly mode: BaseMode;
  /** Stages run, in order, e.g. ['transfer', 'fine-tune']. */
  readonly stages: readonly TrainingMode[];
  readonly head: HeadSpec;
  readonly fineTune: FineTuneSpec | null;
  readonly numClasses: number;
  readonly classNames: readonly string[] | null;
  /** Output shape of the base (the head's input), without the batch dimension. */
  readonly featureShape: readonly (number | null)[];
  /** Layers with weights that were trainable / frozen in the last stage. */
  readonly trainableLayers: readonly string[];
  readonly frozenLayers: readonly string[];
  readonly params: ParamTotals;
  /** Factor pixels (0..255) were multiplied by before the model saw them. */
  readonly inputScale: number;
}

export interface LineageInput {
  readonly base: BaseSpec;
  readonly mode: BaseMode;
  readonly head: HeadSpec;
  readonly fineTune?: FineTuneSpec | null;
  readonly stages: readonly TrainingMode[];
  /** The composed model as trained in the last stage. */
  readonly model: tf.LayersModel;
  readonly baseModel: tf.LayersModel;
  readonly classNames?: readonly string[] | null;
  readonly inputScale?: number;
  readonly weightsSource?: { readonly package: string; readonly sha256: string; readonly wheelSha256: string } | null;
}

export function createLineage(input: LineageInput): ModelLineage {
  const { trainable, frozen } = trainableLayerNames(input.model);
  const { total, trainable: tr, nonTrainable } = summarizeModel(input.model);
  const out = input.model.outputs[0]!.shape;
  return {
    format: 'graft-lineage/1',
    base: {
      architecture: input.base.architecture ?? null,
      weights: input.base.architecture ? (input.mode === 'retrain' ? 'random' : (input.base.weights ?? null)) : null,
      weightsSource: input.weightsSource ?? null,
      inputSize: input.base.inputSize ?? null,
      uri: input.base.uri ?? null,
      inputShape: [...input.base.inputShape],
      alpha: input.base.architecture === 'mobilenet' ? (input.base.alpha ?? 1) : null,
      cutAt: input.base.cutAt ?? null,
    },
    mode: input.mode,
    stages: [...input.stages],
    head: input.head,
    fineTune: input.fineTune ?? null,
    numClasses: out[out.length - 1] ?? 0,
    classNames: input.classNames ? [...input.classNames] : null,
    featureShape: input.baseModel.outputs[0]!.shape.slice(1),
    trainableLayers: trainable,
    frozenLayers: frozen,
    params: { total, trainable: tr, nonTrainable },
    inputScale: input.inputScale ?? 1 / 255,
  };
}

import type * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../errors';
import { findLayerIndex, leafLayers } from './layer-names';
import type { FineTuneSpec } from './types';

/** Sets `trainable` on every layer of `model` (nested models included). */
export function setModelTrainable(model: tf.LayersModel, trainable: boolean): void {
  for (const layer of leafLayers(model)) layer.trainable = trainable;
}

/**
 * Fine-tuning: unfreezes the top `topLayers` layers of `base` (input layer not
 * counted, weightless layers counted, as Keras' `base.layers[-N:]`) or every
 * layer from `fromLayer` upward; freezes the rest. Returns the unfrozen names.
 */
export function unfreezeTop(base: tf.LayersModel, spec: Pick<FineTuneSpec, 'topLayers' | 'fromLayer'>): string[] {
  const layers = leafLayers(base);
  const hasTop = spec.topLayers != null;
  const hasFrom = spec.fromLayer != null;
  if (hasTop === hasFrom) throw new ModelError('fineTune needs exactly one of topLayers / fromLayer');
  let start: number;
  if (hasTop) {
    const n = spec.topLayers!;
    if (!Number.isInteger(n) || n < 1) throw new ModelError(`fineTune.topLayers must be a positive integer, got ${n}`);
    start = Math.max(0, layers.length - n);
  } else {
    start = findLayerIndex(layers.map((l) => l.name), spec.fromLayer!, `base '${base.name}'`);
  }
  layers.forEach((layer, i) => { layer.trainable = i >= start; });
  return layers.slice(start).map((l) => l.name);
}

/** Names of the layers of `model` that hold weights and are trainable / frozen. */
export function trainableLayerNames(model: tf.LayersModel): { trainable: string[]; frozen: string[] } {
  const withWeights = leafLayers(model).filter((l) => l.weights.length > 0);
  return {
    trainable: withWeights.filter((l) => l.trainable).map((l) => l.name),
    frozen: withWeights.filter((l) => !l.trainable).map((l) => l.name),
  };
}

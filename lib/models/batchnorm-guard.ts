import type * as tf from '@tensorflow/tfjs-node';
import { isModel } from './layer-names';

type CallArgs = Parameters<tf.layers.Layer['call']>;

const guarded = new WeakSet<tf.layers.Layer>();

/**
 * The BatchNorm trap: tfjs' BatchNormalization looks only at the `training`
 * flag, never at `trainable`, so during `fit` (or any call with
 * `training: true`) a frozen BN layer still normalizes with batch statistics
 * and overwrites its moving mean and variance. Keras (TF2) instead runs a
 * non-trainable BN layer in inference mode.
 *
 * This wraps the `call` of every BN layer of `model` (nested models too) so
 * that, when the layer or a model containing it is not trainable, it is called
 * with `training: false`. The check runs at call time, so freezing or
 * unfreezing later is honoured. Only the instance is changed: the class, its
 * config and serialization stay those of a plain BatchNormalization.
 * Idempotent.
 */
export function guardFrozenBatchNorm(model: tf.LayersModel): void {
  walk(model, []);
}

function walk(model: tf.LayersModel, parents: readonly tf.layers.Layer[]): void {
  const chain = [...parents, model];
  for (const layer of model.layers) {
    if (isModel(layer)) walk(layer, chain);
    else if (layer.getClassName() === 'BatchNormalization' && !guarded.has(layer)) wrap(layer, chain);
  }
}

function wrap(layer: tf.layers.Layer, parents: readonly tf.layers.Layer[]): void {
  const original = layer.call.bind(layer);
  layer.call = (inputs: CallArgs[0], kwargs: CallArgs[1]) => {
    const frozen = !layer.trainable || parents.some((p) => !p.trainable);
    return original(inputs, frozen ? { ...kwargs, training: false } : kwargs);
  };
  guarded.add(layer);
}

/** True when `guardFrozenBatchNorm` has wrapped this layer. */
export function isBatchNormGuarded(layer: tf.layers.Layer): boolean {
  return guarded.has(layer);
}

import * as tf from '@tensorflow/tfjs-node';
import { findLayerIndex } from './layer-names';

/**
 * The sub-model from `model`'s inputs to the output of layer `layerName`
 * (inclusive). Layers and weights are shared with `model`. An unknown name is
 * a ModelError that lists the closest valid names.
 */
export function cutModel(model: tf.LayersModel, layerName: string): tf.LayersModel {
  const names = model.layers.map((l) => l.name);
  const i = findLayerIndex(names, layerName, `model '${model.name}'`);
  const layer = model.layers[i]!;
  if (model.outputs.length === 1 && model.outputs[0]!.sourceLayer === layer) return model;
  // Node 0 is the layer's call inside `model` (a shared layer may have more).
  const output = layer.getOutputAt(0) as tf.SymbolicTensor;
  return tf.model({ inputs: model.inputs, outputs: output, name: `${model.name}_to_${layerName}` });
}

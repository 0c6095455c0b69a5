import * as tf from '@tensorflow/tfjs-node';
import type { io } from '@tensorflow/tfjs-core';
import { ModelError } from '../../../errors';
// The layer the new input resizes with; registered under Keras's class name.
import '../../bases/resizing-layer';

type Json = Record<string, unknown>;

/**
 * The model with two layers in front, so that it takes raw 8-bit images of
 * any size: `raw_resize` (to the model's input size, bilinear with
 * half-pixel centres as Keras's Resizing) and `raw_scale` (× `inputScale`,
 * the scaling Graft's stages apply before the input contract). The model's
 * own layers and weights follow unchanged; the new model shares no tensors
 * with the old one.
 */
export async function withRawImageInput(model: tf.LayersModel, inputScale: number): Promise<tf.LayersModel> {
  // A Sequential model is seen through a functional one over the same layers (not disposed: it owns nothing).
  const graph = model instanceof tf.Sequential ? tf.model({ inputs: model.inputs, outputs: model.outputs }) : model;
  const topology = graph.toJSON(null, false) as unknown as { config: { layers: Json[]; input_layers: unknown[][] } };
  const { layers, input_layers: inputs } = topology.config;
  if (inputs.length !== 1) throw new ModelError(`model '${model.name}' has ${inputs.length} inputs; an image model has one`);
  const inputName = String(inputs[0]![0]);
  const input = layers.find((l) => l.name === inputName)!;
  const shape = (input.config as Json).batch_input_shape as (number | null)[];
  if (shape.length !== 4 || shape[1] == null || shape[2] == null) {
    throw new ModelError(`model '${model.name}': input [${shape.join(', ')}] is not a fixed-size image`);
  }
  const taken = new Set(layers.map((l) => String(l.name)));
  const fresh = (name: string) => { let n = name; for (let i = 1; taken.has(n); i++) n = `${name}_${i}`; taken.add(n); return n; };
  const resize = fresh('raw_resize');
  const scale = fresh('raw_scale');
  // Every call that took the input now takes the scaled image.
  for (const layer of layers) {
    layer.inbound_nodes = (layer.inbound_nodes as unknown[][][]).map((node) => node.map((ref) => (ref[0] === inputName ? [scale, ...ref.slice(1)] : ref)));
  }
  (input.config as Json).batch_input_shape = [null, null, null, shape[3]];
  const added: Json[] = [
    { class_name: 'Resizing', name: resize, config: { name: resize, height: shape[1], width: shape[2], interpolation: 'bilinear' }, inbound_nodes: [[[inputName, 0, 0, {}]]] },
    { class_name: 'Rescaling', name: scale, config: { name: scale, scale: inputScale, offset: 0 }, inbound_nodes: [[[resize, 0, 0, {}]]] },
  ];
  layers.splice(layers.indexOf(input) + 1, 0, ...added);
  const raw = await tf.models.modelFromJSON({ modelTopology: topology as unknown as io.ModelJSON['modelTopology'] });
  for (const layer of raw.layers) {
    if (layer.weights.length > 0) layer.setWeights(graph.getLayer(layer.name).getWeights());
  }
  return raw;
}

import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../../errors';
import type { KerasGraph } from './keras-graph';
import type { KerasFile } from './keras-file';
import { unsupportedLayers, unsupportedMessage } from './check-layers';
import { translateLayer } from './layer-table';
import type { LayerWeights } from './weights-file';
// Keras layers tfjs lacks, registered under Keras's class names before any model is built.
import './normalization-layer';
import '../../bases/resizing-layer';

/**
 * A tfjs LayersModel computing what the Keras model does, with its weights:
 * the graph is translated layer by layer (tfjs deserializes the Keras 2 form
 * of each config), then each layer's weights are set in Keras's order,
 * shapes checked.
 */
export async function importKerasModel(file: KerasFile, description: string): Promise<tf.LayersModel> {
  const unsupported = unsupportedLayers(file.graph);
  if (unsupported.length > 0) throw new ModelError(unsupportedMessage(description, unsupported));
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: tfjsTopology(file.graph) });
  } catch (err) {
    throw new ModelError(`${description}: cannot build the model: ${(err as Error).message}`);
  }
  try {
    setWeights(model, await file.readWeights(), description);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

function tfjsTopology(graph: KerasGraph): tf.serialization.ConfigDict {
  const layers = graph.layers.map((layer) => {
    const t = translateLayer(layer);
    if (!t.ok) throw new Error('unreachable: checked above');
    return {
      class_name: t.className,
      name: layer.name,
      config: t.config,
      inbound_nodes: layer.inbound.map((node) => node.map((ref) => [ref.layer, ref.node, ref.tensor, {}])),
    };
  });
  const refs = (list: KerasGraph['inputs']) => list.map((r) => [r.layer, r.node, r.tensor]);
  return {
    class_name: 'Model',
    config: { name: graph.name, layers, input_layers: refs(graph.inputs), output_layers: refs(graph.outputs) },
  } as unknown as tf.serialization.ConfigDict;
}

function setWeights(model: tf.LayersModel, weights: LayerWeights, description: string): void {
  for (const layer of model.layers) {
    const wanted = layer.weights;
    if (wanted.length === 0) continue;
    const found = weights.get(layer.name) ?? [];
    if (found.length !== wanted.length) {
      throw new ModelError(`${description}: layer '${layer.name}' (${layer.getClassName()}) has ${wanted.length} weights, the file ${found.length}`);
    }
    const shapes = wanted.map((w) => w.shape.map(Number));
    found.forEach((ds, i) => {
      if (ds.values.length !== shapes[i]!.reduce((a, b) => a * b, 1)) {
        throw new ModelError(`${description}: weight ${wanted[i]!.originalName} is [${shapes[i]!.join(', ')}], the file's [${ds.shape.join(', ')}]`);
      }
    });
    // The variables keep their own reference to the values; the tensors made here go with the tidy.
    tf.tidy(() => layer.setWeights(found.map((ds, i) => tf.tensor(ds.values, shapes[i]))));
  }
}

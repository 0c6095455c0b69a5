import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../errors';
import { guardFrozenBatchNorm } from './batchnorm-guard';

/**
 * The full classifier: `base` followed by the layers of `head` (a chain, as
 * `buildHead` makes), in one flat model. Layers and weights are shared with
 * `base` and `head`, so a head trained on cached features needs no copying,
 * and the result can be fine-tuned, evaluated and published as is.
 */
export function composeModel(base: tf.LayersModel, head: tf.LayersModel, name = 'graft_model'): tf.LayersModel {
  if (base.outputs.length !== 1 || head.inputs.length !== 1 || head.outputs.length !== 1) {
    throw new ModelError('composeModel needs a single-output base and a single-input, single-output head');
  }
  const features = base.outputs[0]!;
  const want = head.inputs[0]!.shape.slice(1);
  const got = features.shape.slice(1);
  if (want.length !== got.length || want.some((d, i) => d !== got[i])) {
    throw new ModelError(`head expects features [${want.join(', ')}] but the base gives [${got.join(', ')}]`);
  }
  const baseNames = new Set(base.layers.map((l) => l.name));
  let x: tf.SymbolicTensor = features;
  for (const layer of head.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    if (baseNames.has(layer.name)) {
      throw new ModelError(`head layer '${layer.name}' clashes with a base layer; build the head with avoidNames`);
    }
    x = layer.apply(x) as tf.SymbolicTensor;
  }
  const model = tf.model({ inputs: base.inputs, outputs: x, name });
  guardFrozenBatchNorm(model);
  return model;
}

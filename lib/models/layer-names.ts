import type * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../errors';

/** Every layer of a model, nested models' layers included, input layers left out. */
export function leafLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const out: tf.layers.Layer[] = [];
  for (const layer of model.layers) {
    if (isModel(layer)) out.push(...leafLayers(layer));
    else if (layer.getClassName() !== 'InputLayer') out.push(layer);
  }
  return out;
}

export function isModel(layer: tf.layers.Layer): layer is tf.LayersModel {
  return Array.isArray((layer as Partial<tf.LayersModel>).layers);
}

/** The index of `name` in `names`, or a ModelError naming it and the closest valid names. */
export function findLayerIndex(names: readonly string[], name: string, where: string): number {
  const i = names.indexOf(name);
  if (i >= 0) return i;
  const close = [...names].sort((a, b) => editDistance(a, name) - editDistance(b, name)).slice(0, 5);
  throw new ModelError(
    `unknown layer '${name}' in ${where}; valid names include ${close.map((n) => `'${n}'`).join(', ')}` +
      ` (${names.length} layers, first '${names[0] ?? ''}', last '${names[names.length - 1] ?? ''}')`,
  );
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The model's weights in a fixed order (layer by layer, each layer's own
 * order), shared weights once. `model.weights` puts all trainable weights
 * first, so its order changes when layers are frozen or unfrozen.
 */
export function orderedWeights(model: tf.LayersModel): tf.LayerVariable[] {
  const seen = new Set<number>();
  const out: tf.LayerVariable[] = [];
  for (const layer of leafLayers(model)) {
    for (const w of layer.weights) {
      if (!seen.has(w.id)) {
        seen.add(w.id);
        out.push(w);
      }
    }
  }
  return out;
}

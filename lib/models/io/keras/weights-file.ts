import type { Hdf5Dataset, Hdf5Group } from './hdf5';

/** Each layer's weights, in Keras's order, by layer name. */
export type LayerWeights = Map<string, Hdf5Dataset[]>;

/**
 * The weights of a Keras 3 archive's `model.weights.h5`: a group per layer
 * under `layers/` (named after its class, `conv2d_1`), whose `vars` group
 * holds the variables as datasets `0`, `1`, … and the layer's own name as
 * its `name` attribute, which is what they are matched by.
 */
export function readKeras3Weights(root: Hdf5Group, out: LayerWeights = new Map()): LayerWeights {
  const layers = root.group('layers');
  for (const key of layers?.keys() ?? []) {
    const group = layers!.group(key)!;
    const vars = group.group('vars');
    const name = vars?.attr('name');
    if (vars !== undefined) out.set(typeof name === 'string' ? name : key, numbered(vars));
    // A nested model keeps its layers under its own `layers/` group.
    if (group.group('layers') !== undefined) readKeras3Weights(group, out);
  }
  return out;
}

/**
 * The weights of a legacy HDF5 model file (Keras 2, or Keras 3's `.h5`):
 * `model_weights/<layer>/` with a `weight_names` attribute listing the
 * datasets, in order, by their paths under the layer's group.
 */
export function readLegacyWeights(root: Hdf5Group): LayerWeights {
  const out: LayerWeights = new Map();
  const weights = root.group('model_weights') ?? root;
  const groups = new Set(weights.keys());
  for (const layer of groups) {
    const group = weights.group(layer);
    const names = group?.attr('weight_names');
    if (group === undefined || !Array.isArray(names)) continue;
    const all: Hdf5Dataset[] = [];
    for (const n of names.map(String)) {
      const ds = group.dataset(n);
      if (ds === undefined) throw new Error(`weight ${layer}/${n} is listed but missing`);
      all.push(ds);
      // A nested model lists all its layers' weights in its one group: `model/conv1/kernel`,
      // the segment before the weight's own name being the inner layer's.
      const segments = n.split('/');
      const owner = segments.length >= 2 ? segments[segments.length - 2]! : layer;
      if (owner !== layer && !groups.has(owner)) out.set(owner, [...(out.get(owner) ?? []), ds]);
    }
    out.set(layer, all);
  }
  return out;
}

function numbered(vars: Hdf5Group): Hdf5Dataset[] {
  return vars.keys().filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b)).map((k) => vars.dataset(k)!);
}

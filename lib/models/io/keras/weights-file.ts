import type { Hdf5Dataset, Hdf5Group } from './hdf5';

/** Each layer's weights, in Keras's order, by layer name. */
export type LayerWeights = Map<string, Hdf5Dataset[]>;

/**
 * The weights of a Keras 3 archive's `model.weights.h5`: a group per layer
 * under `layers/` (named after its class, `conv2d_1`), whose `vars` group
 * holds the variables as datasets `0`, `1`, … and the layer's own name as
 * its `name` attribute, which is what they are matched by.
 */
export function readKeras3Weights(root: Hdf5Group): LayerWeights {
  const out: LayerWeights = new Map();
  const layers = root.group('layers');
  for (const key of layers?.keys() ?? []) {
    const vars = layers!.group(key)?.group('vars');
    if (vars === undefined) continue;
    const name = vars.attr('name');
    out.set(typeof name === 'string' ? name : key, numbered(vars));
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
  for (const layer of weights.keys()) {
    const group = weights.group(layer);
    const names = group?.attr('weight_names');
    if (group === undefined || !Array.isArray(names)) continue;
    out.set(layer, names.map((n) => {
      const ds = group.dataset(String(n));
      if (ds === undefined) throw new Error(`weight ${layer}/${String(n)} is listed but missing`);
      return ds;
    }));
  }
  return out;
}

function numbered(vars: Hdf5Group): Hdf5Dataset[] {
  return vars.keys().filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b)).map((k) => vars.dataset(k)!);
}

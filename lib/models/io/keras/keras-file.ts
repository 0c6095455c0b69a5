import { ModelError } from '../../../errors';
import { readHdf5, type Hdf5Group } from './hdf5';
import { parseKerasModelConfig, type KerasGraph } from './keras-graph';
import { readKeras3Weights, readLegacyWeights, type LayerWeights } from './weights-file';
import { readZip } from './zip';

/** What a Keras model file holds: its graph, and its weights, read when asked for. */
export interface KerasFile {
  readonly format: 'keras3' | 'hdf5';
  readonly graph: KerasGraph;
  readWeights(): Promise<LayerWeights>;
}

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const HDF5_MAGIC = Buffer.from('\x89HDF\r\n\x1a\n', 'latin1');

/** True for the names Graft reads as Keras files. */
export const isKerasFileName = (name: string): boolean => /\.(keras|h5|hdf5)$/i.test(name);

/**
 * Reads a Keras 3 `.keras` archive (`config.json` + `model.weights.h5`) or a
 * legacy HDF5 model (`model_config` attribute + `model_weights/`), told apart
 * by their first bytes, not their names.
 */
export async function readKerasFile(data: Buffer, description: string): Promise<KerasFile> {
  if (data.subarray(0, 4).equals(ZIP_MAGIC)) {
    const entries = readZip(data, description);
    const config = entries.get('config.json');
    if (config === undefined) throw new ModelError(`${description}: a .keras archive without config.json`);
    const graph = parseKerasModelConfig(parseJson(config.toString('utf8'), description), description);
    const readWeights = async () => {
      const h5 = entries.get('model.weights.h5');
      if (h5 === undefined) {
        throw new ModelError(`${description}: no model.weights.h5 in the archive${entries.has('model.weights.npz') ? ' (npz weights are not read)' : ''}`);
      }
      return readHdf5(h5, `${description}/model.weights.h5`, readKeras3Weights);
    };
    return { format: 'keras3', graph, readWeights };
  }
  if (data.subarray(0, 8).equals(HDF5_MAGIC)) {
    const graph = await readHdf5(data, description, (root) => parseKerasModelConfig(legacyConfig(root, description), description));
    return { format: 'hdf5', graph, readWeights: () => readHdf5(data, description, readLegacyWeights) };
  }
  throw new ModelError(`${description}: neither a .keras archive nor an HDF5 file`);
}

function legacyConfig(root: Hdf5Group, description: string): unknown {
  const raw = root.attr('model_config');
  if (typeof raw !== 'string') {
    throw new ModelError(`${description}: an HDF5 file without a model_config attribute (weights only? save the whole model with model.save)`);
  }
  return parseJson(raw, description);
}

function parseJson(text: string, description: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ModelError(`${description}: the model config is not JSON (${(err as Error).message})`);
  }
}

import type * as tf from '@tensorflow/tfjs-node';
import { kerasModelConfig, kerasWeightPaths } from './export-config';
import { writeHdf5 } from './hdf5';
import { writeZip } from './zip';

/** The Keras version whose `.keras` format this writes (and the tests load with). */
const KERAS_FORMAT_VERSION = '3.8.0';

/**
 * A Keras 3 `.keras` archive of a functional tfjs model: `metadata.json`,
 * `config.json` and `model.weights.h5`, laid out as Keras's own saving code
 * does, so `keras.models.load_model` opens it.
 */
export async function kerasArchive(model: tf.LayersModel, description: string): Promise<Buffer> {
  const config = kerasModelConfig(model.toJSON(null, false) as unknown as Record<string, unknown>, description);
  const paths = kerasWeightPaths(model.layers.map((l) => l.getClassName()));
  const weights = await writeHdf5((root) => {
    root.group('vars').attr('name', model.name);
    const layers = root.group('layers');
    model.layers.forEach((layer, i) => {
      const vars = layers.group(paths[i]!.slice('layers/'.length)).group('vars');
      vars.attr('name', layer.name);
      // Keras's variable order is tfjs's for every exported class (kernel, bias; gamma, beta, moving mean, moving variance).
      layer.weights.forEach((w, j) => vars.dataset(String(j), w.read().dataSync() as Float32Array, w.shape.map(Number)));
    });
  });
  const metadata = { keras_version: KERAS_FORMAT_VERSION, date_saved: new Date().toISOString() };
  return writeZip([
    ['metadata.json', Buffer.from(JSON.stringify(metadata))],
    ['config.json', Buffer.from(JSON.stringify(config))],
    ['model.weights.h5', Buffer.from(weights)],
  ]);
}

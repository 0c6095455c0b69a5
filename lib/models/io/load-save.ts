import * as tf from '@tensorflow/tfjs-node';
import { ModelError, isGraftError } from '../../errors';
import { locationIOHandler } from './io-handler';
import { importKerasModel } from './keras/import-model';
import { isKerasFileName, readKerasFile } from './keras/keras-file';
import { resolveModelUri, type ModelIOOptions } from './resolve';
// Graft's Resizing layer replaces tfjs's under Keras's class name: registered before any model loads.
import '../bases/resizing-layer';

/** Loads a tfjs LayersModel, or a Keras `.keras`/`.h5` model, from a file://, http(s):// or s3:// URI. */
export async function loadModelFromUri(uri: string, opts: ModelIOOptions = {}): Promise<tf.LayersModel> {
  const { location, modelFile } = resolveModelUri(uri, opts);
  try {
    if (isKerasFileName(modelFile)) {
      const data = await location.read(modelFile);
      if (data === undefined) throw new ModelError(`${uri}: not found`);
      return await importKerasModel(await readKerasFile(data, uri), uri);
    }
    return await tf.loadLayersModel(locationIOHandler(location, modelFile));
  } catch (err) {
    if (isGraftError(err)) throw err;
    throw new ModelError(`${uri}: cannot load model: ${(err as Error).message}`);
  }
}

/** Saves a LayersModel (model.json + weights.bin) to a file:// or s3:// URI. */
export async function saveModelToUri(model: tf.LayersModel, uri: string, opts: ModelIOOptions = {}): Promise<void> {
  const { location, modelFile } = resolveModelUri(uri, opts);
  await model.save(locationIOHandler(location, modelFile));
}

/** Reads a side file (`labels.json`, `lineage.json`) next to a model; undefined if absent. */
export async function readModelSideFile(uri: string, name: string, opts: ModelIOOptions = {}): Promise<Buffer | undefined> {
  return resolveModelUri(uri, opts).location.read(name);
}

/** Writes a side file next to a model (file:// or s3://). */
export async function writeModelSideFile(
  uri: string, name: string, data: Buffer | string, opts: ModelIOOptions = {},
): Promise<void> {
  const { location } = resolveModelUri(uri, opts);
  if (location.write === undefined) throw new ModelError(`${location.description}: read-only`);
  await location.write(name, data);
}

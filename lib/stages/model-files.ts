/**
 * Models inside cache entries, in the standard tfjs layers format
 * (`model.json` + `weights.bin`), checked against the entry's manifest when
 * read back.
 */
import * as tf from '@tensorflow/tfjs-node';
import type { io } from '@tensorflow/tfjs-core';
import type { CacheWriter } from '../store/cache-writer';
import type { StageCache } from '../store/cache';
import { sha256Hex } from '../store/cache-key';
// Graft's Resizing layer replaces tfjs's under Keras's class name: registered before any model loads.
import '../models/bases/resizing-layer';

export const MODEL_JSON = 'model.json';
export const MODEL_WEIGHTS = 'weights.bin';

interface SavedModel {
  readonly topology: unknown;
  readonly weightSpecs: io.WeightsManifestEntry[];
  readonly weights: Buffer;
}

/** What `model.save` produces, captured in memory. */
async function saveToMemory(model: tf.LayersModel): Promise<SavedModel> {
  let artifacts: io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error(`model '${model.name}' saved no weights`);
  const chunks = Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
  return { topology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, weights: Buffer.concat(chunks.map((b) => Buffer.from(b))) };
}

/** The model's topology and weights as the two files of the tfjs format. */
export async function modelFiles(model: tf.LayersModel): Promise<{ json: string; weights: Buffer }> {
  const saved = await saveToMemory(model);
  const json = JSON.stringify({
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    modelTopology: saved.topology,
    weightsManifest: [{ paths: [`./${MODEL_WEIGHTS}`], weights: saved.weightSpecs }],
  });
  return { json, weights: saved.weights };
}

/** A content fingerprint of a model: its topology and every weight byte. */
export async function modelFingerprint(model: tf.LayersModel): Promise<string> {
  const saved = await saveToMemory(model);
  return sha256Hex(Buffer.concat([Buffer.from(JSON.stringify(saved.topology)), saved.weights]));
}

export async function writeModel(writer: CacheWriter, model: tf.LayersModel): Promise<void> {
  const { json, weights } = await modelFiles(model);
  await writer.put(MODEL_WEIGHTS, weights);
  await writer.put(MODEL_JSON, json, 'application/json');
}

export async function readModel(cache: StageCache, stage: string, key: string): Promise<tf.LayersModel> {
  const json = JSON.parse((await cache.read(stage, key, MODEL_JSON)).toString('utf8')) as io.ModelJSON;
  const weights = await cache.read(stage, key, MODEL_WEIGHTS);
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

import * as tf from '@tensorflow/tfjs-node';
import type { io } from '@tensorflow/tfjs-core';
import { ModelError } from '../../errors';
import type { ObjectStore } from '../../store/object-store';
import { splitModelPath, type ModelLocation } from './location';
import { storeLocation } from './store-location';

const WEIGHTS_FILE = 'weights.bin';

/**
 * A tf.io handler that saves and loads the standard tfjs layers format
 * (`model.json` + binary weight shards named in its `weightsManifest`) in a
 * ModelLocation. Loading accepts any number of shards; saving writes one.
 */
export function locationIOHandler(loc: ModelLocation, modelFile = 'model.json'): io.IOHandler {
  return {
    async load() {
      const raw = await loc.read(modelFile);
      if (raw === undefined) throw new ModelError(`${loc.description}/${modelFile}: not found`);
      let json: io.ModelJSON;
      try {
        json = JSON.parse(raw.toString('utf8')) as io.ModelJSON;
      } catch (err) {
        throw new ModelError(`${loc.description}/${modelFile}: not JSON: ${(err as Error).message}`);
      }
      if (json.modelTopology == null) throw new ModelError(`${loc.description}/${modelFile}: no modelTopology`);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: io.WeightsManifestEntry[] = [];
        const shards: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const data = await loc.read(path);
            if (data === undefined) throw new ModelError(`${loc.description}/${path}: weight shard not found`);
            shards.push(toArrayBuffer(data));
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(shards)];
      });
    },
    async save(artifacts: io.ModelArtifacts) {
      if (loc.write === undefined) throw new ModelError(`${loc.description}: cannot save here (read-only)`);
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new ModelError('only layers models (JSON topology) can be saved');
      }
      const weights = Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
      const json: io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      // Weights first: a model.json never points at shards that are not there.
      await loc.write(WEIGHTS_FILE, weights);
      await loc.write(modelFile, JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/**
 * tf.io handler over an ObjectStore. `prefix` is the model's folder key
 * (`models/x/current`) or its `model.json` key.
 */
export function storeIOHandler(store: ObjectStore, prefix: string): io.IOHandler {
  const { dir, file } = splitModelPath(prefix);
  return locationIOHandler(storeLocation(store, dir), file);
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

import * as tf from '@tensorflow/tfjs-node';
import type { io } from '@tensorflow/tfjs-core';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelError } from '../../../lib/errors';
import {
  buildBase, disposeModels, loadModelFromUri, saveModelToUri, smallCnn, storeIOHandler,
} from '../../../lib/models';
import { maxAbsDiff } from './helpers';
import { MemoryStore } from '../../support/memory-store';

const sameWeights = (a: tf.LayersModel, b: tf.LayersModel): boolean =>
  a.weights.length === b.weights.length
  && a.getWeights().every((w, i) => maxAbsDiff(w.dataSync() as Float32Array, b.getWeights()[i]!.dataSync() as Float32Array) === 0);

describe('model I/O', () => {
  it('storeIOHandler saves and loads model.json + weights through an ObjectStore', async () => {
    const store = new MemoryStore();
    const model = smallCnn([12, 12, 1]);
    await model.save(storeIOHandler(store, 'models/pre/current'));
    expect(await store.list('models/pre/current/')).toEqual(['models/pre/current/model.json', 'models/pre/current/weights.bin']);
    const json = JSON.parse((await store.get('models/pre/current/model.json'))!.toString()) as { weightsManifest: { paths: string[] }[] };
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    const back = await tf.loadLayersModel(storeIOHandler(store, 'models/pre/current/model.json'));
    expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(sameWeights(model, back)).toBe(true);
    disposeModels(model, back);
  });

  it('loads a multi-shard model', async () => {
    const store = new MemoryStore();
    const model = smallCnn([12, 12, 1]);
    await model.save(storeIOHandler(store, 'm'));
    const json = JSON.parse((await store.get('m/model.json'))!.toString()) as io.ModelJSON;
    const bin = (await store.get('m/weights.bin'))!;
    const half = 4 * Math.floor(bin.length / 8);
    await store.put('m2/a.bin', bin.subarray(0, half));
    await store.put('m2/b.bin', bin.subarray(half));
    await store.put('m2/model.json', JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: ['a.bin', 'b.bin'] }] }));
    const back = await loadModelFromUri('s3://graft/m2/model.json', { store });
    expect(sameWeights(model, back)).toBe(true);
    disposeModels(model, back);
  });

  it('buildBase loads an s3:// base, cuts it and freezes it; retrain re-initializes it', async () => {
    const store = new MemoryStore();
    const pre = smallCnn([12, 12, 1]);
    await saveModelToUri(pre, 's3://graft/models/pre/current/model.json', { store });
    const spec = { uri: 's3://graft/models/pre/current/model.json', inputShape: [12, 12, 1], cutAt: 'pool2' };
    const base = await buildBase(spec, 'transfer', { store });
    expect(base.outputs[0]!.shape).toEqual([null, 3, 3, 64]);
    expect(base.trainableWeights).toHaveLength(0);
    const k = (m: tf.LayersModel): Float32Array => m.getLayer('conv1').getWeights()[0]!.dataSync() as Float32Array;
    expect(maxAbsDiff(k(base), k(pre))).toBe(0);
    const fresh = await buildBase(spec, 'retrain', { store });
    expect(maxAbsDiff(k(fresh), k(pre))).toBeGreaterThan(0);
    expect(fresh.trainableWeights.length).toBeGreaterThan(0);
    await expect(buildBase({ ...spec, inputShape: [28, 28, 1] }, 'transfer', { store })).rejects.toThrow(/does not match/);
    await expect(buildBase({ ...spec, cutAt: 'nope' }, 'transfer', { store })).rejects.toThrow(/unknown layer 'nope'.*'conv1'/s);
    disposeModels(pre, base, fresh);
  });

  it('s3:// errors: missing model, other bucket, no store', async () => {
    const store = new MemoryStore();
    await expect(loadModelFromUri('s3://graft/none/model.json', { store })).rejects.toThrow(/not found/);
    await expect(loadModelFromUri('s3://other/m/model.json', { store })).rejects.toThrow(ModelError);
    await expect(loadModelFromUri('s3://graft/m/model.json')).rejects.toThrow(/object store/);
    await expect(loadModelFromUri('ftp://x/model.json')).rejects.toThrow(ModelError);
  });

  describe('file:// and http(s)://', () => {
    let dir: string;
    let server: Server;
    let url: string;
    let model: tf.LayersModel;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'graft-models-'));
      model = smallCnn([10, 10, 1]);
      await saveModelToUri(model, `file://${dir}/m`);
      server = createServer((req, res) => {
        readFile(join(dir, 'm', (req.url ?? '').replace(/^\/m\//, '')))
          .then((b) => res.end(b), () => { res.statusCode = 404; res.end(); });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m`;
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
      disposeModels(model);
    });

    it('round-trips through file://', async () => {
      const back = await loadModelFromUri(`file://${dir}/m/model.json`);
      expect(sameWeights(model, back)).toBe(true);
      disposeModels(back);
    });

    it('loads over http with a size limit', async () => {
      const back = await loadModelFromUri(`${url}/model.json`);
      expect(sameWeights(model, back)).toBe(true);
      disposeModels(back);
      await expect(loadModelFromUri(`${url}/model.json`, { maxBytes: 100 })).rejects.toThrow(/limit/);
      await expect(loadModelFromUri(`${url}/missing.json`)).rejects.toThrow(/not found/);
    });
  });
});

test('weight paths written as ./weights.bin (as tfjs writes them) load from an object store', async () => {
  const store = new MemoryStore();
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  await saveModelToUri(model, 's3://graft/dot/model.json', { store });
  const json = JSON.parse(store.objects.get('dot/model.json')!.toString());
  json.weightsManifest[0].paths = json.weightsManifest[0].paths.map((p: string) => `./${p.replace(/^\.\//, '')}`);
  await store.put('dot/model.json', JSON.stringify(json));
  const loaded = await loadModelFromUri('s3://graft/dot/model.json', { store });
  expect(loaded.getWeights().map((w) => w.shape)).toEqual(model.getWeights().map((w) => w.shape));
});

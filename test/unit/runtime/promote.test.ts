// Promotion to current/: the current model.json always loads with its own
// version's weights, the version before keeps its shards, older ones go.
import type { io } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-node';
import { StoreError } from '../../../lib/errors';
import { buildHead, disposeModels, loadPublishedModel, orderedWeights, savePublishedModel } from '../../../lib/models';
import { collectGarbage } from '../../../lib/stages/gc';
import { promoteVersion, readChampion } from '../../../lib/stages/promote';
import { MemoryStore } from '../../support/memory-store';

const CURRENT = 's3://graft/models/shirts/current/model.json';

async function publish(store: MemoryStore, version: string, fill: number): Promise<void> {
  const model = buildHead([3], { strategy: 'replace', pooling: 'flatten' }, 2);
  for (const w of orderedWeights(model)) w.write(tf.fill(w.shape as number[], fill));
  await savePublishedModel(model, `s3://graft/models/shirts/${version}/model.json`, { classNames: [`a-${version}`, `b-${version}`] }, store);
  disposeModels(model);
}

const record = (version: string) => ({ version, testAccuracy: 0.9, fingerprint: `fp-${version}`, specHash: 'h' });

async function firstWeight(store: MemoryStore, uri: string): Promise<{ value: number; classNames: readonly string[] | null }> {
  const published = await loadPublishedModel(uri, store);
  const value = orderedWeights(published.model)[0]!.read().dataSync()[0]!;
  disposeModels(published.model);
  return { value, classNames: published.classNames };
}

describe('promoteVersion', () => {
  it('points current/model.json at the version’s own shards and records the champion', async () => {
    const store = new MemoryStore();
    await publish(store, 'v1', 1);
    await promoteVersion(store, 'shirts', record('v1'));
    expect(await firstWeight(store, CURRENT)).toEqual({ value: 1, classNames: ['a-v1', 'b-v1'] });
    expect(await readChampion(store, 'shirts')).toEqual(record('v1'));
    const manifest = JSON.parse((await store.get('models/shirts/current/model.json'))!.toString()) as io.ModelJSON;
    expect(manifest.weightsManifest[0]!.paths).toEqual(['v1/weights.bin']);
  });

  it('never deletes: a reader holding an earlier model.json still finds its shards; gc removes them once old', async () => {
    let now = new Date('2026-11-29T12:00:00Z');
    const store = new MemoryStore('graft', () => now);
    const held: Buffer[] = [];
    for (const [i, v] of ['v1', 'v2', 'v3'].entries()) {
      await publish(store, v, i + 1);
      await promoteVersion(store, 'shirts', record(v));
      held.push((await store.get('models/shirts/current/model.json'))!);
    }
    expect(await firstWeight(store, CURRENT)).toEqual({ value: 3, classNames: ['a-v3', 'b-v3'] });
    const shards = () => store.list('models/shirts/current/').then((keys) => keys.filter((k) => k.endsWith('.bin')));
    expect(await shards()).toEqual(['v1', 'v2', 'v3'].map((v) => `models/shirts/current/${v}/weights.bin`));
    for (const json of held) {
      const path = (JSON.parse(json.toString()) as io.ModelJSON).weightsManifest[0]!.paths[0]!;
      expect(await store.exists(`models/shirts/current/${path}`)).toBe(true);
    }
    now = new Date(now.getTime() + 2 * 3600_000);
    const summary = await collectGarbage(store, { olderThanMs: 3600_000, now });
    expect(summary.byKind['superseded current-model shard']).toBe(2);
    expect(await shards()).toEqual(['models/shirts/current/v3/weights.bin']);
    expect((await firstWeight(store, CURRENT)).value).toBe(3);
  });

  it('promoting the same version again keeps everything loadable', async () => {
    const store = new MemoryStore();
    await publish(store, 'v1', 1);
    await promoteVersion(store, 'shirts', record('v1'));
    await promoteVersion(store, 'shirts', record('v1'));
    expect((await firstWeight(store, CURRENT)).value).toBe(1);
  });

  it('a version with no model.json is a store error naming the key, and current stays as it was', async () => {
    const store = new MemoryStore();
    await publish(store, 'v1', 1);
    await promoteVersion(store, 'shirts', record('v1'));
    const promoting = promoteVersion(store, 'shirts', record('v9'));
    await expect(promoting).rejects.toThrow(StoreError);
    await expect(promoteVersion(store, 'shirts', record('v9'))).rejects.toThrow('models/shirts/v9/model.json');
    expect((await firstWeight(store, CURRENT)).value).toBe(1);
    expect((await readChampion(store, 'shirts'))!.version).toBe('v1');
  });
});

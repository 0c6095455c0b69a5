import type { io } from '@tensorflow/tfjs-core';
import { StoreError } from '../errors';
import type { ObjectStore } from '../store/object-store';
import { joinKey } from '../store/keys';
import type { ChampionRecord } from './champion';

/** Where a pipeline's published versions and its current model live. */
export const modelsPrefix = (pipeline: string): string => joinKey('models', pipeline);

export async function readChampion(store: ObjectStore, pipeline: string): Promise<ChampionRecord | undefined> {
  const raw = await store.get(joinKey(modelsPrefix(pipeline), 'current.json'));
  return raw ? (JSON.parse(raw.toString('utf8')) as ChampionRecord) : undefined;
}

/**
 * Makes a published version the pipeline's `current/` model. Object stores
 * replace one object at a time, so the order matters: the weight shards go
 * under `current/<version>/` first, then the side files, then `model.json`
 * (one object, pointing at those shards), then `current.json`. A reader thus
 * never pairs one version's `model.json` with another's weights. Nothing is
 * deleted here: a reader may hold the `model.json` of the version before, and
 * a concurrent promotion may be writing its own folder; `graft gc` removes
 * superseded folders once they are old.
 */
export async function promoteVersion(store: ObjectStore, pipeline: string, record: ChampionRecord): Promise<void> {
  const versionPrefix = joinKey(modelsPrefix(pipeline), record.version);
  const current = joinKey(modelsPrefix(pipeline), 'current');
  const raw = await store.get(`${versionPrefix}/model.json`);
  // Published moments ago by this activity; a retry publishes it again.
  if (raw === undefined) throw new StoreError('missing: the published version has no model to promote', `${versionPrefix}/model.json`);
  const modelJson = JSON.parse(raw.toString('utf8')) as io.ModelJSON;
  const shardPaths = new Set((modelJson.weightsManifest ?? []).flatMap((group) => group.paths.map(stripDot)));

  for (const path of shardPaths) await copy(store, `${versionPrefix}/${path}`, `${current}/${record.version}/${path}`);
  for (const key of await store.list(`${versionPrefix}/`)) {
    const name = key.slice(versionPrefix.length + 1);
    if (name !== 'model.json' && !shardPaths.has(name)) await copy(store, key, `${current}/${name}`);
  }
  const pointed: io.ModelJSON = {
    ...modelJson,
    weightsManifest: (modelJson.weightsManifest ?? []).map((group) => ({ ...group, paths: group.paths.map((p) => `${record.version}/${stripDot(p)}`) })),
  };
  await store.put(`${current}/model.json`, JSON.stringify(pointed), 'application/json');
  await store.put(joinKey(modelsPrefix(pipeline), 'current.json'), JSON.stringify(record, null, 2), 'application/json');
}

/** The `current/<version>/` folders that `current/model.json` points at (normally one). */
export function currentShardFolders(currentModelJson: io.ModelJSON): Set<string> {
  return new Set((currentModelJson.weightsManifest ?? []).flatMap((group) => group.paths.map((p) => stripDot(p).split('/')[0]!)));
}

/** tfjs writes shard paths as `./weights.bin`; object keys have no `.` segments. */
const stripDot = (path: string): string => path.replace(/^(?:\.\/)+/, '');

async function copy(store: ObjectStore, from: string, to: string): Promise<void> {
  const data = await store.get(from);
  if (data === undefined) throw new StoreError('missing: cannot promote', from);
  await store.put(to, data);
}

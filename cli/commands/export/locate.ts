import { DataError } from '../../../lib/errors';
import type { ObjectStore } from '../../../lib/store/object-store';

/** True when the argument is a model URI (`file://`, `s3://`, `http(s)://`) rather than a run id. */
export const isModelUri = (arg: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(arg);

/**
 * The published model of a run: publish writes it to
 * `models/<pipeline>/<run id>/model.json`, the run id being the version.
 */
export async function publishedModelOfRun(store: ObjectStore, runId: string): Promise<string> {
  if (!/^[\w.-]+$/.test(runId)) throw new DataError(`'${runId}' is neither a model URI nor a run id`);
  const suffix = `/${runId}/model.json`;
  const found = (await store.list('models/')).filter((key) => key.endsWith(suffix) && key.split('/').length === 4);
  if (found.length === 0) throw new DataError(`run ${runId} published no model in s3://${store.bucket}/models/ (did it reach publish?)`);
  if (found.length > 1) throw new DataError(`run id ${runId} names models of several pipelines: ${found.join(', ')}; pass the model's URI`);
  return `s3://${store.bucket}/${found[0]!}`;
}

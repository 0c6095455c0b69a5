import { ModelError } from '../../errors';
import type { ObjectStore } from '../../store/object-store';
import { fileLocation } from './file-location';
import { httpLocation, type HttpLimits } from './http-location';
import { splitModelPath, type ModelLocation } from './location';
import { storeLocation } from './store-location';

export interface ModelIOOptions extends HttpLimits {
  /** Needed for `s3://` URIs; its bucket must be the URI's bucket. */
  readonly store?: ObjectStore;
}

export interface ResolvedModelUri {
  readonly location: ModelLocation;
  readonly modelFile: string;
}

/**
 * Maps `file://`, `http(s)://` and `s3://<bucket>/<key>` URIs to a model
 * folder. A URI may name `model.json` itself or its folder.
 */
export function resolveModelUri(uri: string, opts: ModelIOOptions = {}): ResolvedModelUri {
  const match = /^([a-z0-9+.-]+):\/\/(.*)$/i.exec(uri);
  if (match === null) throw new ModelError(`model URI must be file://, http(s):// or s3://, got '${uri}'`);
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  if (scheme === 'file') {
    const { dir, file } = splitModelPath(rest);
    return { location: fileLocation(dir === '' ? '/' : dir), modelFile: file };
  }
  if (scheme === 'http' || scheme === 'https') {
    const { dir, file } = splitModelPath(`${scheme}://${rest}`);
    return { location: httpLocation(dir, opts), modelFile: file };
  }
  if (scheme === 's3') {
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (opts.store === undefined) throw new ModelError(`${uri}: an object store is needed for s3:// URIs`);
    if (opts.store.bucket !== bucket) {
      throw new ModelError(`${uri}: bucket '${bucket}' is not the store's bucket '${opts.store.bucket}'`);
    }
    const { dir, file } = splitModelPath(slash < 0 ? '' : rest.slice(slash + 1));
    return { location: storeLocation(opts.store, dir), modelFile: file };
  }
  throw new ModelError(`unsupported model URI scheme '${scheme}://' in '${uri}'`);
}

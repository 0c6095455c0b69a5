import { ModelError } from '../../errors';
import type { ObjectStore } from '../../store/object-store';
import { fileLocation } from './file-location';
import { isKerasFileName } from './keras/keras-file';
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
 * folder. A URI may name `model.json` itself or its folder, or a Keras
 * file (`.keras`, `.h5`) in it.
 */
export function resolveModelUri(uri: string, opts: ModelIOOptions = {}): ResolvedModelUri {
  const match = /^([a-z0-9+.-]+):\/\/(.*)$/i.exec(uri);
  if (match === null) throw new ModelError(`model URI must be file://, http(s):// or s3://, got '${uri}'`);
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  if (scheme === 'file') {
    const { dir, file } = splitPath(rest);
    return { location: fileLocation(dir === '' ? '/' : dir), modelFile: file };
  }
  if (scheme === 'http' || scheme === 'https') {
    const { dir, file } = splitPath(`${scheme}://${rest}`);
    return { location: httpLocation(dir, opts), modelFile: file };
  }
  if (scheme === 's3') {
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (opts.store === undefined) throw new ModelError(`${uri}: an object store is needed for s3:// URIs`);
    if (opts.store.bucket !== bucket) {
      throw new ModelError(`${uri}: bucket '${bucket}' is not the store's bucket '${opts.store.bucket}'`);
    }
    const { dir, file } = splitPath(slash < 0 ? '' : rest.slice(slash + 1));
    return { location: storeLocation(opts.store, dir), modelFile: file };
  }
  throw new ModelError(`unsupported model URI scheme '${scheme}://' in '${uri}'`);
}

/** Like splitModelPath, and a Keras file's name is the model file too. */
function splitPath(path: string): { dir: string; file: string } {
  const cut = path.lastIndexOf('/');
  const name = path.slice(cut + 1);
  if (isKerasFileName(name)) return { dir: cut < 0 ? '' : path.slice(0, cut), file: name };
  return splitModelPath(path);
}

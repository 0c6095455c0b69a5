/**
 * A folder holding a model: `model.json`, its weight shards, and side files
 * (`labels.json`, `lineage.json`). Each URI scheme Graft supports maps to one.
 */
export interface ModelLocation {
  /** For messages, e.g. `s3://graft/models/x/current`. */
  readonly description: string;
  /** Resolves to `undefined` when the file does not exist. */
  read(name: string): Promise<Buffer | undefined>;
  /** Absent where the scheme is read-only (http). */
  write?(name: string, data: Buffer | string): Promise<void>;
}

/** Splits `…/dir/model.json` (or `…/dir`) into the folder and the model file's name. */
export function splitModelPath(path: string): { dir: string; file: string } {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed.endsWith('.json')) {
    const cut = trimmed.lastIndexOf('/');
    return { dir: cut < 0 ? '' : trimmed.slice(0, cut), file: trimmed.slice(cut + 1) };
  }
  return { dir: trimmed, file: 'model.json' };
}

/** Joins a folder and a relative name with one `/`. */
export function joinKey(dir: string, name: string): string {
  // tfjs writes weight paths as `./weights.bin`; object keys have no `.` segments.
  const relative = name.replace(/^(?:\.\/)+/, '');
  return dir === '' ? relative : `${dir}/${relative}`;
}

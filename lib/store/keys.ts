import { DataError } from '../errors';

/** S3's limit on a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

// C0 controls, DEL and C1 controls: invisible in logs and some break S3 signing.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks one path segment (no `/`) that may come from a user: a class name, a
 * file name, a pipeline name. Throws a `DataError` saying what is wrong.
 */
export function keySegment(segment: string): string {
  const problem = segmentProblem(segment);
  if (problem) throw new DataError(`unsafe object key segment ${JSON.stringify(segment)}: ${problem}`);
  return segment;
}

function segmentProblem(segment: string): string | undefined {
  if (segment.length === 0) return 'empty segment';
  if (segment === '.' || segment === '..') return 'relative segment';
  if (segment.includes('/')) return 'contains "/"';
  if (segment.includes('\\')) return 'contains a backslash';
  if (CONTROL_CHARS.test(segment)) return 'contains a control character';
  return undefined;
}

/**
 * Joins parts into an object key. Each part may hold several `/`-separated
 * segments (`shards/00001.npy`); every segment is checked, so the result can
 * never climb out of the first part's prefix. Rejects `..`, `.`, absolute
 * paths, empty segments (`a//b`), backslashes and control characters.
 */
export function safeKey(...parts: string[]): string {
  if (parts.length === 0) throw new DataError('unsafe object key: no parts');
  const segments: string[] = [];
  for (const part of parts) {
    if (part.startsWith('/')) throw new DataError(`unsafe object key part ${JSON.stringify(part)}: absolute path`);
    for (const segment of part.split('/')) {
      const problem = segmentProblem(segment);
      if (problem) throw new DataError(`unsafe object key part ${JSON.stringify(part)}: ${problem}`);
      segments.push(segment);
    }
  }
  const key = segments.join('/');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new DataError(`unsafe object key: longer than ${MAX_KEY_BYTES} bytes`);
  }
  return key;
}

/**
 * `prefix` (trusted, from code; may end in `/`) followed by user-given single
 * segments: `joinKey('datasets/', fingerprint, 'manifest.json')`. A part that
 * holds `/` is rejected, so each user string stays exactly one level deep.
 */
export function joinKey(prefix: string, ...segments: string[]): string {
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return safeKey(base, ...segments.map(keySegment));
}

/** A prefix for `list`/`removePrefix`: the safe key with a trailing `/`. */
export function keyPrefix(...parts: string[]): string {
  return `${safeKey(...parts)}/`;
}

import { createHash } from 'node:crypto';
import { DataError } from '../errors';

/** What a stage's cache key is made of (see DESIGN.md, durability contract). */
export interface CacheKeyInput {
  /** Stage name, e.g. `extract`. */
  readonly stage: string;
  /** The stage's canonical config: plain JSON values only. */
  readonly config: unknown;
  /** Keys of the upstream artifacts the stage reads; order is kept. */
  readonly upstream: readonly string[];
  /** Bump when the stage's code changes what it writes. */
  readonly codeVersion: string;
}

/**
 * JSON with object keys sorted (by UTF-16 code unit) and no whitespace;
 * arrays keep their order; `undefined` object fields are left out, as
 * `JSON.stringify` does. Throws on anything JSON cannot say exactly
 * (NaN, Infinity, bigint, functions, class instances, cycles), so two equal
 * configs always give the same text and unequal ones never collide.
 */
export function canonicalJson(value: unknown): string {
  return write(value, [], '$');
}

function write(value: unknown, seen: object[], path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new DataError(`canonicalJson: ${path} is ${value}, not a JSON number`);
      return JSON.stringify(value); // -0 becomes 0, as in JSON
    case 'object':
      break;
    default:
      throw new DataError(`canonicalJson: ${path} is a ${typeof value}, not a JSON value`);
  }
  if (seen.includes(value)) throw new DataError(`canonicalJson: ${path} is a cycle`);
  const inner = [...seen, value];
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => write(v === undefined ? null : v, inner, `${path}[${i}]`)).join(',')}]`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new DataError(`canonicalJson: ${path} is a ${value.constructor?.name ?? 'non-plain object'}, not a plain object`);
  }
  const record = value as Record<string, unknown>;
  const fields = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${write(record[k], inner, `${path}.${k}`)}`);
  return `{${fields.join(',')}}`;
}

/** sha256 hex of the canonical JSON of `{stage, config, upstream, codeVersion}`. */
export function cacheKey(input: CacheKeyInput): string {
  const text = canonicalJson({
    stage: input.stage,
    config: input.config,
    upstream: [...input.upstream],
    codeVersion: input.codeVersion,
  });
  return sha256Hex(text);
}

/** Hex sha256 of bytes or UTF-8 text. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

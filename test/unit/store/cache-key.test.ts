import { createHash } from 'node:crypto';
import { DataError } from '../../../lib/errors';
import { cacheKey, canonicalJson } from '../../../lib/store';

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,1,2]},"b":1}');
  });

  it('gives the same text for the same value built in another order', () => {
    const one = { lr: 0.001, layers: ['conv', 'dense'], aug: { flip: true, zoom: 0.1 } };
    const two = { aug: { zoom: 0.1, flip: true }, layers: ['conv', 'dense'], lr: 0.001 };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('leaves out undefined fields and writes undefined array items as null, like JSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson({ 'k"ey': 'line\nbreak' })).toBe('{"k\\"ey":"line\\nbreak"}');
  });

  it.each([
    [NaN, /NaN/],
    [Infinity, /Infinity/],
    [{ when: new Date(0) }, /Date/],
    [{ big: BigInt(1) }, /bigint/],
    [{ f: () => 1 }, /function/],
    [new Map(), /Map/],
  ])('rejects %p, which JSON cannot say exactly', (value, message) => {
    expect(() => canonicalJson(value)).toThrow(DataError);
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('rejects cycles but allows shared sub-objects', () => {
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => canonicalJson(cyc)).toThrow(/cycle/);
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe('cacheKey', () => {
  const base = { stage: 'extract', config: { base: 'mobilenet_v2', size: 224 }, upstream: ['cache/augment/aa', 'datasets/ff'], codeVersion: '3' };

  it('is the sha256 hex of the canonical JSON of its inputs', () => {
    const expected = createHash('sha256')
      .update('{"codeVersion":"3","config":{"base":"mobilenet_v2","size":224},"stage":"extract","upstream":["cache/augment/aa","datasets/ff"]}')
      .digest('hex');
    expect(cacheKey(base)).toBe(expected);
    expect(cacheKey(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores config key order', () => {
    expect(cacheKey({ ...base, config: { size: 224, base: 'mobilenet_v2' } })).toBe(cacheKey(base));
  });

  it.each([
    ['stage', { ...base, stage: 'train-head' }],
    ['config', { ...base, config: { base: 'mobilenet_v2', size: 160 } }],
    ['upstream order', { ...base, upstream: ['datasets/ff', 'cache/augment/aa'] }],
    ['code version', { ...base, codeVersion: '4' }],
  ])('changes when the %s changes', (_what, changed) => {
    expect(cacheKey(changed)).not.toBe(cacheKey(base));
  });
});

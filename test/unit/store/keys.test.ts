import { DataError } from '../../../lib/errors';
import { joinKey, keyPrefix, keySegment, safeKey } from '../../../lib/store';

describe('safeKey', () => {
  it('joins parts, keeping nested segments', () => {
    expect(safeKey('cache', 'extract', 'ab12', 'shards/00001.npy')).toBe('cache/extract/ab12/shards/00001.npy');
    expect(safeKey('datasets/fp', 'classe à accents', 'ünïcode.png')).toBe('datasets/fp/classe à accents/ünïcode.png');
  });

  it.each([
    ['..', 'relative segment'],
    ['a/../../etc', 'relative segment'],
    ['./a', 'relative segment'],
    ['/etc/passwd', 'absolute path'],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['', 'empty segment'],
    ['a\\b', 'backslash'],
    ['..\\..\\x', 'backslash'],
    ['a\u0000b', 'control character'],
    ['line\nbreak', 'control character'],
    ['del\u007f', 'control character'],
  ])('rejects %j (%s)', (part, problem) => {
    expect(() => safeKey('runs', part)).toThrow(DataError);
    expect(() => safeKey('runs', part)).toThrow(problem);
  });

  it('rejects keys longer than S3 allows', () => {
    expect(() => safeKey('a'.repeat(1025))).toThrow(/1024 bytes/);
    expect(safeKey('a'.repeat(1024))).toHaveLength(1024);
  });

  it('needs at least one part', () => {
    expect(() => safeKey()).toThrow(DataError);
  });
});

describe('joinKey', () => {
  it('puts single user segments under a trusted prefix', () => {
    expect(joinKey('datasets/', 'fp1', 'manifest.json')).toBe('datasets/fp1/manifest.json');
    expect(joinKey('models', 'cats-vs-dogs')).toBe('models/cats-vs-dogs');
  });

  it('rejects a user segment that holds a slash or climbs out', () => {
    expect(() => joinKey('models/', 'a/b')).toThrow(/contains "\/"/);
    expect(() => joinKey('models/', '..')).toThrow(DataError);
  });
});

describe('keySegment / keyPrefix', () => {
  it('checks one segment', () => {
    expect(keySegment('train-head')).toBe('train-head');
    expect(() => keySegment('a/b')).toThrow(DataError);
    expect(() => keySegment('.')).toThrow(DataError);
  });

  it('builds a listing prefix with a trailing slash', () => {
    expect(keyPrefix('runs', 'r1')).toBe('runs/r1/');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as errors from '../../../lib/errors';
import {
  AccessError, CacheEntryLostError, DataError, ERROR_TABLE, EXIT_CODE, GraftError, ModelError, NON_RETRYABLE_ERROR_TYPES,
  SpecError, StoreConfigError, StoreError, TemporalConfigError, WorkerConfigError, exitCodeForErrorType, isGraftErrorType,
} from '../../../lib/errors';
import type { GraftErrorType } from '../../../lib/errors';

const ROOT = join(__dirname, '../../..');

/** One instance per table type; the Record type makes a new table row fail to compile here until it has a class. */
const INSTANCES: Record<GraftErrorType, GraftError> = {
  SpecError: new SpecError('s.yaml: 1 problem in the pipeline spec:\n  name (1:7): must be a name', ['name (1:7): must be a name']),
  DataError: new DataError('bad IDX header', 'train-images.idx'),
  ModelError: new ModelError("unknown layer 'pool9'"),
  CacheEntryLost: new CacheEntryLostError('cache entry cache/x is missing or incomplete', 'cache/x'),
  StoreError: new StoreError('connection refused', 'models/x'),
  AccessError: new AccessError('object store get refused (AccessDenied) at http://127.0.0.1:9000'),
  StoreConfigError: new StoreConfigError('GRAFT_S3_ENDPOINT is not a URL'),
  TemporalConfigError: new TemporalConfigError('GRAFT_TEMPORAL_CLIENT_KEY_FILE is set without GRAFT_TEMPORAL_CLIENT_CERT_FILE'),
  WorkerConfigError: new WorkerConfigError('GRAFT_TRAIN_MEMORY_MB must be a number of megabytes ≥ 0, got "lots"'),
};

const TABLE_TYPES = Object.keys(ERROR_TABLE) as GraftErrorType[];

type ErrorClass = abstract new (...args: never[]) => GraftError;

/** Every class that lib/errors.ts exports and that extends GraftError. */
function exportedErrorClasses(): ErrorClass[] {
  return (Object.values(errors) as unknown[]).filter((value): value is ErrorClass =>
    typeof value === 'function' && value.prototype instanceof GraftError);
}

describe('ERROR_TABLE: the one definition of each error type', () => {
  it('has a class for every type, and a type for every class', () => {
    for (const type of TABLE_TYPES) expect(INSTANCES[type].type).toBe(type);
    const sampled = new Set(Object.values(INSTANCES).map((error) => error.constructor));
    expect(new Set(exportedErrorClasses())).toEqual(sampled);
    expect(new Set(Object.values(INSTANCES).map((error) => error.type)).size).toBe(TABLE_TYPES.length);
  });

  it.each(TABLE_TYPES)('%s takes retryable from the table', (type) => {
    const error = INSTANCES[type];
    expect(error).toBeInstanceOf(GraftError);
    expect(error.retryable).toBe(ERROR_TABLE[type].retryable);
    // A class field named retryable would shadow the table.
    expect(Object.prototype.hasOwnProperty.call(error, 'retryable')).toBe(false);
  });

  it('derives NON_RETRYABLE_ERROR_TYPES from the table', () => {
    expect([...NON_RETRYABLE_ERROR_TYPES].sort()).toEqual(TABLE_TYPES.filter((type) => !ERROR_TABLE[type].retryable).sort());
    expect(Object.isFrozen(NON_RETRYABLE_ERROR_TYPES)).toBe(true);
  });

  it('gives every type an exit code of 1 or 2 and a message form', () => {
    for (const type of TABLE_TYPES) {
      expect([EXIT_CODE.runFailed, EXIT_CODE.badInput]).toContain(ERROR_TABLE[type].exitCode);
      expect(ERROR_TABLE[type].messageForm).not.toBe('');
    }
  });

  it('exitCodeForErrorType agrees with the table; unknown types mean the run failed (1)', () => {
    for (const type of TABLE_TYPES) expect(exitCodeForErrorType(type)).toBe(ERROR_TABLE[type].exitCode);
    for (const type of ['Error', 'TypeError', 'UsageError', 'toString', 'constructor', '__proto__', '']) {
      expect(isGraftErrorType(type)).toBe(false);
      expect(exitCodeForErrorType(type)).toBe(EXIT_CODE.runFailed);
    }
  });
});

describe('no second definition', () => {
  it('lib/errors.ts imports nothing, so the workflow bundle can import it', () => {
    const source = readFileSync(join(ROOT, 'lib/errors.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*import\b|\brequire\(/m);
  });

  it('workflows/pipeline-workflow.ts lists no error types itself (it imports NON_RETRYABLE_ERROR_TYPES)', () => {
    const lines = readFileSync(join(ROOT, 'workflows/pipeline-workflow.ts'), 'utf8').split('\n');
    expect(lines.filter((line) => line.includes("'SpecError'"))).toEqual([]);
  });
});

/**
 * Graft's named errors. Each carries a stable `type` string: at the activity
 * boundary it becomes the `ApplicationFailure` type, so workflows and the CLI
 * branch on `type`, never on `instanceof` across process boundaries.
 *
 * `ERROR_TABLE` is the one place that says, per type, whether a retry can
 * help and which exit code `graft` gives. No imports and no side effects:
 * the workflow bundle imports this file.
 */

/** `graft`'s exit codes. */
export const EXIT_CODE = { ok: 0, runFailed: 1, badInput: 2 } as const;

export interface ErrorTypeInfo {
  /** Whether running the same activity again can succeed; `false` fails the run at once. */
  readonly retryable: boolean;
  /** `graft`'s exit code when the run ends with this error. */
  readonly exitCode: typeof EXIT_CODE.runFailed | typeof EXIT_CODE.badInput;
  /** How the message reads. */
  readonly messageForm: string;
}

export const ERROR_TABLE = {
  // Exit 2: the spec file is wrong; only editing it helps.
  SpecError: {
    retryable: false,
    exitCode: EXIT_CODE.badInput,
    messageForm: '<file>: <what is wrong>, or a header line then one "<field> (<line>:<col>): <what is wrong>" line per problem',
  },
  // Exit 2: the input data is wrong (or its bucket is missing); only fixing the data helps.
  DataError: { retryable: false, exitCode: EXIT_CODE.badInput, messageForm: '<file>: <what is wrong>' },
  // Exit 2: the model asked for (by the spec or the command) cannot be built or loaded as given.
  ModelError: { retryable: false, exitCode: EXIT_CODE.badInput, messageForm: '<what cannot be built or loaded, and why>' },
  // Exit 1: the input was fine; the run lost a cached output and could not recompute it in time.
  CacheEntryLost: { retryable: false, exitCode: EXIT_CODE.runFailed, messageForm: 'cache entry <prefix> is missing, incomplete or corrupt (<why>)' },
  // Exit 1: the store failed (network, server down) and retries did not outlast it.
  StoreError: { retryable: true, exitCode: EXIT_CODE.runFailed, messageForm: '<key>: <what failed>' },
  // Exit 2: the credentials or permissions the user gave are wrong.
  AccessError: { retryable: false, exitCode: EXIT_CODE.badInput, messageForm: 'object store <op> refused (<code>) at <endpoint>: <what to check>' },
  // Exit 2: bad input from the environment (GRAFT_S3_*, GRAFT_BUCKET).
  StoreConfigError: { retryable: false, exitCode: EXIT_CODE.badInput, messageForm: '<variable> <what is wrong>' },
  // Exit 2: bad Temporal connection settings from the environment (GRAFT_TEMPORAL_*), or a server that refuses them.
  TemporalConfigError: { retryable: false, exitCode: EXIT_CODE.badInput, messageForm: '<variable> <what is wrong>' },
  // Exit 2: a worker setting from the environment (GRAFT_TRAIN_MEMORY_MB) is malformed.
  WorkerConfigError: { retryable: false, exitCode: EXIT_CODE.badInput, messageForm: '<variable> <what is wrong>' },
} as const satisfies Readonly<Record<string, ErrorTypeInfo>>;

export type GraftErrorType = keyof typeof ERROR_TABLE;

export function isGraftErrorType(type: string): type is GraftErrorType {
  return Object.prototype.hasOwnProperty.call(ERROR_TABLE, type);
}

/** The types a retry cannot fix: the workflow's `nonRetryableErrorTypes`. */
export const NON_RETRYABLE_ERROR_TYPES: readonly string[] = Object.freeze(
  (Object.keys(ERROR_TABLE) as GraftErrorType[]).filter((type) => !ERROR_TABLE[type].retryable),
);

/** `graft`'s exit code for an error `type`; types not in the table mean the run failed (1). */
export function exitCodeForErrorType(type: string): number {
  return isGraftErrorType(type) ? ERROR_TABLE[type].exitCode : EXIT_CODE.runFailed;
}

export abstract class GraftError extends Error {
  abstract readonly type: GraftErrorType;
  /** From `ERROR_TABLE`: `false` makes Temporal fail the run at once instead of retrying. */
  get retryable(): boolean {
    return ERROR_TABLE[this.type].retryable;
  }
}

/** A problem in a pipeline spec: one or more fields are wrong. */
export class SpecError extends GraftError {
  readonly type = 'SpecError';
  constructor(
    message: string,
    /** Each problem on one line, e.g. `augment.rotationRange (12:18): must be …`. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'SpecError';
  }
}

/** Bad input data: a corrupt image, a wrong IDX header, an empty class folder… */
export class DataError extends GraftError {
  readonly type = 'DataError';
  constructor(message: string, readonly file?: string) {
    super(file && !message.includes(file) ? `${file}: ${message}` : message);
    this.name = 'DataError';
  }
}

/** A model that cannot be built or loaded as asked: unknown layer, bad URI, 404. */
export class ModelError extends GraftError {
  readonly type = 'ModelError';
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

/**
 * A cached stage output that a later stage needs is gone or corrupt (its
 * manifest has been dropped). Retrying the reader cannot bring it back; the
 * workflow runs its stages again, which recomputes the lost entry.
 */
export class CacheEntryLostError extends GraftError {
  readonly type = 'CacheEntryLost';
  constructor(message: string, readonly entry: string) {
    super(message);
    this.name = 'CacheEntryLostError';
  }
}

/** The object store failed in a way that may pass (network, server down). */
export class StoreError extends GraftError {
  readonly type = 'StoreError';
  constructor(message: string, readonly key?: string) {
    super(key && !message.includes(key) ? `${key}: ${message}` : message);
    this.name = 'StoreError';
  }
}

/** Credentials or permissions are wrong: retrying with the same ones cannot help. */
export class AccessError extends GraftError {
  readonly type = 'AccessError';
  constructor(message: string) {
    super(message);
    this.name = 'AccessError';
  }
}

/** The object store's settings (GRAFT_S3_*, GRAFT_BUCKET) are malformed: only fixing the environment helps. */
export class StoreConfigError extends GraftError {
  readonly type = 'StoreConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'StoreConfigError';
  }
}

/** The Temporal connection settings (GRAFT_TEMPORAL_*) are malformed or refused: only fixing the environment helps. */
export class TemporalConfigError extends GraftError {
  readonly type = 'TemporalConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'TemporalConfigError';
  }
}

/** A worker setting from the environment (GRAFT_TRAIN_MEMORY_MB) is malformed: only fixing the environment helps. */
export class WorkerConfigError extends GraftError {
  readonly type = 'WorkerConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'WorkerConfigError';
  }
}

export function isGraftError(err: unknown): err is GraftError {
  return err instanceof GraftError;
}

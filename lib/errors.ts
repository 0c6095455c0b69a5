/**
 * Graft's named errors. Each carries a stable `type` string: at the activity
 * boundary it becomes the `ApplicationFailure` type, so workflows and the CLI
 * branch on `type`, never on `instanceof` across process boundaries.
 *
 * `retryable: false` marks faults that a retry cannot fix (bad spec, bad
 * data, unknown layer): Temporal fails them at once instead of retrying.
 */
export abstract class GraftError extends Error {
  abstract readonly type: string;
  abstract readonly retryable: boolean;
}

/** A problem in a pipeline spec: one or more fields are wrong. */
export class SpecError extends GraftError {
  readonly type = 'SpecError';
  readonly retryable = false;
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
  readonly retryable = false;
  constructor(message: string, readonly file?: string) {
    super(file && !message.includes(file) ? `${file}: ${message}` : message);
    this.name = 'DataError';
  }
}

/** A model that cannot be built or loaded as asked: unknown layer, bad URI, 404. */
export class ModelError extends GraftError {
  readonly type = 'ModelError';
  readonly retryable = false;
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
  readonly retryable = false;
  constructor(message: string, readonly entry: string) {
    super(message);
    this.name = 'CacheEntryLostError';
  }
}

/** The object store failed in a way that may pass (network, server down). */
export class StoreError extends GraftError {
  readonly type = 'StoreError';
  readonly retryable = true;
  constructor(message: string, readonly key?: string) {
    super(key && !message.includes(key) ? `${key}: ${message}` : message);
    this.name = 'StoreError';
  }
}

/** Credentials or permissions are wrong: retrying with the same ones cannot help. */
export class AccessError extends GraftError {
  readonly type = 'AccessError';
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'AccessError';
  }
}

/** The object store's settings (GRAFT_S3_*, GRAFT_BUCKET) are malformed: only fixing the environment helps. */
export class StoreConfigError extends GraftError {
  readonly type = 'StoreConfigError';
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'StoreConfigError';
  }
}

export function isGraftError(err: unknown): err is GraftError {
  return err instanceof GraftError;
}

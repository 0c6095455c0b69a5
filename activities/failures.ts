import { ApplicationFailure } from '@temporalio/activity';
import { isGraftError } from '../lib/errors';

/**
 * The activity boundary: Graft's permanent errors (`retryable: false` in
 * `ERROR_TABLE`) become non-retryable `ApplicationFailure`s typed by name, so
 * the workflow fails fast with a clear message; anything else is rethrown as
 * is and retried with backoff.
 */
export function toActivityFailure(err: unknown): unknown {
  if (isGraftError(err) && !err.retryable) {
    return ApplicationFailure.create({ type: err.type, message: err.message, nonRetryable: true });
  }
  return err;
}

/** Wraps an activity so its permanent errors cross the boundary as typed, non-retryable failures. */
export function withFailureMapping<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toActivityFailure(err);
    }
  };
}

import { BackupError } from '../../core/errors.js';

/**
 * How an AWS call failed after the SDK's own retries, by meaning. Adapters translate SDK errors
 * into these (functions/adapters/aws-error-translation.ts); ASL Retry matches their names.
 */

/** The API refused for rate or concurrency after the SDK's own retries; try again later. */
export class ThrottledError extends BackupError {
  constructor(
    readonly operation: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${operation} throttled: ${detail}`, options);
  }
}

/** A 5xx or network failure that outlived the SDK's retries. */
export class TransientAwsError extends BackupError {
  constructor(
    readonly operation: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${operation} failed transiently: ${detail}`, options);
  }
}

/**
 * Throttling or a transient fault that outlived the SDK's retries: the call may succeed later, so
 * steps leave the work for another turn (or rethrow for ASL Retry) instead of failing it.
 */
export function isRetryableAwsError(error: unknown): error is ThrottledError | TransientAwsError {
  return error instanceof ThrottledError || error instanceof TransientAwsError;
}

/** Any other refusal from the API, with the provider's error code kept. */
export class AwsRequestError extends BackupError {
  constructor(
    readonly operation: string,
    readonly code: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${operation} refused (${code}): ${detail}`, options);
  }
}

import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import {
  AwsRequestError,
  ThrottledError,
  TransientAwsError,
} from '../ports/errors/aws-request-errors.js';

/** Codes EC2 uses for "too many at once" that the SDK does not list as throttling. */
const concurrencyLimitCodes = new Set([
  'ResourceLimitExceeded',
  'SnapshotCreationPerVolumeRateExceeded',
]);

/**
 * Turns an SDK error that outlived the SDK's retries into this product's error classes, so the
 * workflow can tell "try later" (ThrottledError, TransientAwsError) from "this item failed".
 * `specific` maps provider codes to domain errors (e.g. InvalidVolume.NotFound).
 */
export function translateAwsError(
  operation: string,
  error: unknown,
  specific: Record<string, (cause: Error) => Error> = {},
): Error {
  if (!(error instanceof Error)) return new AwsRequestError(operation, 'Unknown', String(error));
  const sdkError = error as SdkError;
  const code = sdkError.name;
  const mapped = specific[code];
  if (mapped) return mapped(error);
  const detail = `${code}: ${error.message}`;
  if (isThrottlingError(sdkError) || concurrencyLimitCodes.has(code)) {
    return new ThrottledError(operation, detail, { cause: error });
  }
  if (isTransientError(sdkError) || isServerError(sdkError)) {
    return new TransientAwsError(operation, detail, { cause: error });
  }
  return new AwsRequestError(operation, code, error.message, { cause: error });
}

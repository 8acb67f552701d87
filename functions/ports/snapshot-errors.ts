import { BackupError } from '../core/errors.js';

/** The volume is gone (deleted between discovery and snapshot). Not retryable. */
export class VolumeNotFoundError extends BackupError {
  constructor(
    readonly volumeId: string,
    options?: ErrorOptions,
  ) {
    super(`volume ${volumeId} does not exist (deleted after discovery?)`, options);
  }
}

/** The source snapshot of a copy is gone. Not retryable. */
export class SnapshotNotFoundError extends BackupError {
  constructor(
    readonly snapshotId: string,
    readonly region: string,
    options?: ErrorOptions,
  ) {
    super(`snapshot ${snapshotId} does not exist in ${region}`, options);
  }
}

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

/** The snapshot did not complete within the run's wait limit. */
export class SnapshotTimeoutError extends BackupError {}

/** EBS reported the snapshot in state "error". */
export class SnapshotFailedError extends BackupError {}

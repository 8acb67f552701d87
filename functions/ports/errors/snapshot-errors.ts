import { BackupError } from '../../core/errors.js';

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

/** The snapshot did not complete within the run's wait limit. */
export class SnapshotTimeoutError extends BackupError {}

/** EBS reported the snapshot in state "error". */
export class SnapshotFailedError extends BackupError {}

import { BackupError } from '../../core/errors.js';

/** The restore was cancelled (or has ended) while its workflow ran: the workflow stops. */
export class RestoreCancelledError extends BackupError {
  constructor(
    readonly restoreId: string,
    readonly status: string,
  ) {
    super(`restore ${restoreId} is ${status}: its workflow stops here`);
  }
}

/** What a restore created went wrong on the provider's side (a volume in `error`, an instance that terminated). */
export class RestoredResourceFailedError extends BackupError {
  constructor(
    readonly resourceId: string,
    readonly state: string,
    detail = '',
  ) {
    super(`restored ${resourceId} is ${state}${detail ? `: ${detail}` : ''}`);
  }
}

/** A restore waited its maximum for EC2 (functions/core/restore/restore-poll.ts). */
export class RestoreTimedOutError extends BackupError {
  constructor(
    readonly resourceId: string,
    readonly waitingFor: string,
    readonly waitedSeconds: number,
  ) {
    super(`waited ${waitedSeconds} s for ${resourceId} to be ${waitingFor}`);
  }
}

/** The restored instance failed the restore test's checks (the outcome names which). */
export class RestoreVerificationFailedError extends BackupError {
  constructor(
    readonly instanceId: string,
    readonly outcome: string,
    readonly reason: string,
  ) {
    super(`restored instance ${instanceId} failed verification (${outcome}): ${reason}`);
  }
}

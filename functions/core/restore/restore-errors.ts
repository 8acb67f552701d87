import { BackupError } from '../errors.js';

/** One problem with a restore request, located by the request field it concerns. */
export interface RestoreProblem {
  /** Dotted path in the request body (`target.sizeGiB`); '' for the body as a whole. */
  path: string;
  /** Stable, machine-readable: `size-below-snapshot`, `unknown-availability-zone`, ... */
  code: string;
  message: string;
}

/**
 * A restore request that cannot be carried out as asked: every problem found, each by field.
 * Raised before anything is created (the API answers 422, or 400 for a body that is not valid).
 */
export class RestoreValidationError extends BackupError {
  constructor(readonly problems: RestoreProblem[]) {
    super(
      `the restore request has ${problems.length} problem(s): ` +
        problems.map((problem) => `${problem.path || '(body)'}: ${problem.message}`).join('; '),
    );
  }
}

export class RestoreNotFoundError extends BackupError {
  constructor(readonly restoreId: string) {
    super(`restore ${restoreId} does not exist`);
  }
}

export class RecoveryPointNotFoundError extends BackupError {
  constructor(readonly recoveryPointId: string) {
    super(`recovery point ${recoveryPointId} is not in the catalog`);
  }
}

/** The same Idempotency-Key was used with another body (the API answers 422). */
export class IdempotencyConflictError extends BackupError {
  constructor(
    readonly idempotencyKey: string,
    readonly restoreId: string,
  ) {
    super(
      `Idempotency-Key "${idempotencyKey}" already started restore ${restoreId} with another body`,
    );
  }
}

/** Cancelling a restore that has already ended (the API answers 409). */
export class RestoreNotCancellableError extends BackupError {
  constructor(
    readonly restoreId: string,
    readonly status: string,
  ) {
    super(
      `restore ${restoreId} is ${status}; only a PENDING, RUNNING or VERIFYING one can be cancelled`,
    );
  }
}

import type { RecoveryPoint } from '../core/recovery-point.js';
import type { RestoreKind, RestoreRequest } from '../core/restore/restore-request.js';

/**
 * What every restore workflow receives (docs/adr/0012-restore-api.md, decision 1): the API
 * resolves the point before it starts the workflow, so the workflow never looks it up again.
 */
export interface RestoreExecutionInput {
  restoreId: string;
  request: RestoreRequest;
  recoveryPoint: RecoveryPoint;
  /** Where the restore creates things. */
  region: string;
}

/**
 * Starts and stops the restore workflows, one per kind; an execution is named by its restoreId.
 * Step Functions in AWS, the local runner in `backupctl serve`, a recording twin in tests.
 */
export interface RestoreWorkflows {
  /** Idempotent by restoreId: a restore already started is not started again. */
  start(kind: RestoreKind, restoreId: string, input: RestoreExecutionInput): Promise<void>;
  /** Stops the restore's execution; one that has ended or never started is left as it is. */
  stop(kind: RestoreKind, restoreId: string): Promise<void>;
}

import {
  DynamoDbRestoreStore,
  ensureRestoreTable,
} from '../../functions/adapters/dynamodb-restore-store.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import type { RestoreRequest } from '../../functions/core/restore/restore-request.js';
import { runWorkflowLocally } from '../../statemachines/local/run-workflow.js';

export interface RestoreWorkflowRun {
  /** The kind's ASL file (statemachines/definitions.ts). */
  definitionFile: string;
  /** The restore table on the emulator, and its region (where the restore creates things). */
  table: string;
  region: string;
  restoreId: string;
  request: RestoreRequest;
  point: RecoveryPoint;
  afterTask?: Record<string, (output: unknown) => Promise<void>>;
}

/**
 * A restore as the API leaves it (its PENDING record in the restore table; the execution named
 * by the restoreId, with the resolved point in its input), then its workflow run locally to the
 * end with the real handlers, Wait states and retries not waiting.
 */
export async function runRestoreWorkflow<Output>(run: RestoreWorkflowRun) {
  const { restoreId, request, point, region } = run;
  await ensureRestoreTable(run.table, region);
  const now = new Date().toISOString();
  await DynamoDbRestoreStore.inRegion(run.table, region).create({
    restoreId,
    kind: request.kind,
    status: 'PENDING',
    request,
    recoveryPointId: point.id,
    recoveryPointKind: point.kind,
    sourceId: point.sourceId,
    region,
    createdResources: [],
    errors: [],
    requestHash: 'test',
    createdAt: now,
    updatedAt: now,
  });
  return runWorkflowLocally<Output>(run.definitionFile, {
    executionName: restoreId,
    input: { restoreId, request, recoveryPoint: point, region },
    environment: { RESTORE_TABLE_NAME: run.table, AWS_REGION: region },
    waitMs: 0,
    retryIntervalMs: 0,
    ...(run.afterTask ? { afterTask: run.afterTask } : {}),
  });
}

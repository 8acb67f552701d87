import { FailedRestoreBatchEventSchema } from '../core/run-state/restore-test-run.js';
import { logger } from '../observability/powertools.js';
import { cleanUpRestoreBatch } from '../steps/clean-up-restore-batch.js';
import { lambdaHandler } from './lambda-handler.js';
import { restoreCleanupFor } from './restore-test-ports.js';

export const handler = lambdaHandler(FailedRestoreBatchEventSchema, async (event) => {
  const report = await cleanUpRestoreBatch(event, restoreCleanupFor(event.run.primaryRegion));
  logger.error('restore-test batch failed as a whole', {
    runId: event.run.runId,
    batchIndex: event.batchIndex,
    error: event.batchError.Error,
    terminatedInstances: report.terminatedInstances,
    cleanupError: report.cleanupError,
  });
  return report;
});

import { SweepRestoreLeftoversEventSchema } from '../core/run-state/restore-test-run.js';
import { logger } from '../observability/powertools.js';
import { sweepRestoreLeftovers } from '../steps/sweep-restore-leftovers.js';
import { lambdaHandler } from './lambda-handler.js';
import { restoreCleanupFor } from './restore-test-ports.js';

export const handler = lambdaHandler(SweepRestoreLeftoversEventSchema, async (event) => {
  const result = await sweepRestoreLeftovers(
    event.run,
    restoreCleanupFor(event.run.primaryRegion),
    new Date(),
  );
  logger.info('swept restore-test leftovers', { runId: event.run.runId, ...result });
  return result;
});

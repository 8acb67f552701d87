import { PlanPruneEventSchema } from '../core/run-state/prune-run.js';
import { logger } from '../observability/powertools.js';
import { planPrune } from '../steps/plan-prune.js';
import { backupBucketsFromEnvironment } from './backup-buckets.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(PlanPruneEventSchema, async (event) => {
  const result = planPrune(event, backupBucketsFromEnvironment());
  logger.info('prune planned', {
    runId: result.prune.runId,
    now: result.prune.now,
    regions: result.regions.map((region) => region.target.region),
  });
  return result;
});

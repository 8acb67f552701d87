import { PlanPruneEventSchema } from '../core/run-state/prune-run.js';
import { logger } from '../observability/powertools.js';
import { planPrune } from '../steps/plan-prune.js';
import { backupBucketsEnvironment } from '../environment/backup-buckets-environment.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(PlanPruneEventSchema, async (event, context) => {
  const { byRegion } = backupBucketsEnvironment.read(environmentOf(context));
  const result = planPrune(event, { ...byRegion });
  logger.info('prune planned', {
    runId: result.prune.runId,
    now: result.prune.now,
    regions: result.regions.map((region) => region.target.region),
  });
  return result;
});

import { SummarizePruneEventSchema } from '../core/run-state/prune-run.js';
import { publishPolicyMetrics } from '../observability/policy-metrics.js';
import { logger } from '../observability/powertools.js';
import { pruneMetrics } from '../observability/run-metrics.js';
import { summarizePrune } from '../steps/summarize-prune.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(SummarizePruneEventSchema, async (event) => {
  const summary = summarizePrune(event);
  publishPolicyMetrics(summary.policy, pruneMetrics(summary));
  logger.info('prune finished', {
    runId: summary.runId,
    outcome: summary.outcome,
    kept: summary.kept,
    deleted: summary.deleted,
    failures: summary.failures.length,
  });
  return summary;
});

import { SummarizeRunEventSchema } from '../core/run-state/backup-run-summary.js';
import { publishPolicyMetrics } from '../observability/policy-metrics.js';
import { logger } from '../observability/powertools.js';
import { runMetrics } from '../observability/run-metrics.js';
import { summarizeRun } from '../steps/summarize-run.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(SummarizeRunEventSchema, async (event) => {
  const summary = summarizeRun(event, new Date());
  publishPolicyMetrics(summary.policy, runMetrics(summary));
  logger.info('backup run finished', {
    runId: summary.runId,
    outcome: summary.outcome,
    failures: summary.failures.length,
  });
  return summary;
});

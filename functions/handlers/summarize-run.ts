import { SummarizeRunEventSchema } from '../core/volume-backup-state.js';
import { logger, metrics } from '../observability/powertools.js';
import { runMetrics } from '../observability/run-metrics.js';
import { summarizeRun } from '../steps/summarize-run.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(SummarizeRunEventSchema, async (event) => {
  const summary = summarizeRun(event, new Date());
  metrics.addDimension('Policy', summary.policy);
  for (const metric of runMetrics(summary))
    metrics.addMetric(metric.name, metric.unit, metric.value);
  metrics.publishStoredMetrics();
  logger.info('backup run finished', {
    runId: summary.runId,
    outcome: summary.outcome,
    failures: summary.failures.length,
  });
  return summary;
});

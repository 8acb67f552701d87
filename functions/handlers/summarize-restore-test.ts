import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SummarizeRestoreTestEventSchema } from '../core/run-state/restore-test-run.js';
import { publishPolicyMetrics } from '../observability/policy-metrics.js';
import { logger } from '../observability/powertools.js';
import { restoreTestMetrics, summarizeRestoreTest } from '../steps/summarize-restore-test.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(SummarizeRestoreTestEventSchema, async (event) => {
  const summary = summarizeRestoreTest(event, new Date());
  publishPolicyMetrics(
    summary.policy,
    restoreTestMetrics(summary).map((metric) => ({ ...metric, unit: MetricUnit[metric.unit] })),
  );
  logger.info('restore test finished', {
    runId: summary.runId,
    outcome: summary.outcome,
    passed: summary.passed,
    failed: summary.failed,
  });
  return summary;
});

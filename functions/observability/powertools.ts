import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';

/** One logger and one metrics emitter per process, shared by every handler (Powertools' advice). */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'backup-orchestrator',
});

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'BackupOrchestrator',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'backup-orchestrator',
});

/** Publishes one workflow's metrics at once, with the policy as their dimension. */
export function publishPolicyMetrics(
  policy: string,
  entries: readonly { name: string; unit: MetricUnitValue; value: number }[],
): void {
  metrics.addDimension('Policy', policy);
  for (const entry of entries) metrics.addMetric(entry.name, entry.unit, entry.value);
  metrics.publishStoredMetrics();
}

type MetricUnitValue = (typeof MetricUnit)[keyof typeof MetricUnit];

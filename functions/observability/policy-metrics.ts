import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { POLICY_DIMENSION } from './metric-names.js';
import { observabilityEnvironment } from '../environment/observability-environment.js';

/** One metrics emitter per process, for the handlers that publish a workflow's metrics. */
const names = observabilityEnvironment.read();

export const metrics = new Metrics({
  namespace: names.metricsNamespace,
  serviceName: names.serviceName,
});

/** Publishes one workflow's metrics at once, with the policy as their dimension. */
export function publishPolicyMetrics(
  policy: string,
  entries: readonly { name: string; unit: MetricUnitValue; value: number }[],
): void {
  metrics.addDimension(POLICY_DIMENSION, policy);
  for (const entry of entries) metrics.addMetric(entry.name, entry.unit, entry.value);
  metrics.publishStoredMetrics();
}

type MetricUnitValue = (typeof MetricUnit)[keyof typeof MetricUnit];

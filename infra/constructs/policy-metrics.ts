import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  BackupRunMetric,
  POLICY_DIMENSION,
  PruneMetric,
  RestoreTestMetric,
} from '../../functions/observability/metric-names.js';
import {
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../../functions/environment/observability-environment.js';

/**
 * The metrics the summarize handlers publish for one policy (Powertools EMF), as CloudWatch
 * metrics: the names are the functions' own constants (functions/observability/metric-names.ts).
 * Every metric carries Powertools' default `service` dimension besides `Policy`; a CloudWatch
 * metric is identified by all its dimensions, so the metric names both.
 */
export class PolicyMetrics {
  constructor(private readonly policy: string) {}

  /** Every failure a backup run reports (volumes, images, exports, bucket copies). */
  metricBackupFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(BackupRunMetric.failuresTotal, props);
  }

  /** Restore tests whose image did not boot or verify. */
  metricRestoreTestFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(RestoreTestMetric.failed, props);
  }

  /** Deletions a prune gave up on, and regions it could not prune. */
  metricPruneFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(PruneMetric.failures, props);
  }

  /** Any metric of the policy by its published name, summed over 5 minutes by default. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME, [POLICY_DIMENSION]: this.policy },
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...props,
    });
  }
}

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BackupConfig } from '../../functions/core/config.js';
import {
  BackupRunMetric,
  PruneMetric,
  RestoreTestMetric,
} from '../../functions/observability/metric-names.js';
import { PolicyMetrics } from './policy-metrics.js';
import {
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../../functions/environment/observability-environment.js';

export interface BackupAlarmsProps {
  readonly config: BackupConfig;
  readonly backupStateMachine: sfn.IStateMachine;
  readonly restoreTestStateMachine: sfn.IStateMachine;
  readonly pruneStateMachine: sfn.IStateMachine;
  readonly deadLetterQueue: sqs.IQueue;
  /** Encrypts the alarm topic (its key policy lets CloudWatch use it). */
  readonly topicKey: kms.IKey;
}

/** The published names the per-policy alarms watch (functions/observability/metric-names.ts). */
export const RUN_METRICS = {
  namespace: METRICS_NAMESPACE,
  service: SERVICE_NAME,
  backupFailures: BackupRunMetric.failuresTotal,
  restoreTestFailures: RestoreTestMetric.failed,
  pruneFailures: PruneMetric.failures,
} as const;

/**
 * Alarms of the orchestrator, all notifying one SNS topic (encrypted with the primary key,
 * TLS-only): failed executions of any state machine (backup, restore test, prune), failures
 * reported by a backup run (snapshots, images, exports and bucket copies), by a restore test and
 * by a prune (per policy), and schedule starts that ended in the dead-letter queue.
 * Missing data is not breaching: a policy that did not run in a period has nothing to report.
 */
export class BackupAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: BackupAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Backup orchestrator alarms',
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    const notify = new actions.SnsAction(this.topic);
    const alarm = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      description: string,
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        alarmDescription: description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    const fiveMinutes = Duration.minutes(5);
    alarm(
      'BackupExecutionsFailed',
      props.backupStateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
      'A backup execution failed (the run itself broke, not one resource): see the execution history.',
    );
    alarm(
      'RestoreTestExecutionsFailed',
      props.restoreTestStateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
      'A restore-test execution failed (the test run itself broke): see the execution history.',
    );
    alarm(
      'PruneExecutionsFailed',
      props.pruneStateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
      'A prune execution failed (the prune itself broke, e.g. an unknown policy): see the execution history.',
    );
    alarm(
      'ScheduleStartsDeadLettered',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: fiveMinutes,
        statistic: 'Maximum',
      }),
      'A scheduled backup, restore test or prune could not be started after retries; the attempt is in the dead-letter queue.',
    );

    for (const [policyName, policy] of Object.entries(props.config.policies)) {
      const metrics = new PolicyMetrics(policyName);
      alarm(
        `BackupFailures-${policyName}`,
        metrics.metricBackupFailures(),
        `A backup run of policy ${policyName} reported failures (${RUN_METRICS.backupFailures}: volumes, images, exports or bucket copies): see the run summary.`,
      );
      if (policy.restoreTest) {
        alarm(
          `RestoreTestFailures-${policyName}`,
          metrics.metricRestoreTestFailures(),
          `A restore test of policy ${policyName} failed (${RUN_METRICS.restoreTestFailures}): an image did not boot or verify; see the verdict evidence.`,
        );
      }
      alarm(
        `PruneFailures-${policyName}`,
        metrics.metricPruneFailures(),
        `A prune of policy ${policyName} reported failures (${RUN_METRICS.pruneFailures}): recovery points it could not delete or a region it could not prune; see the prune summary.`,
      );
    }
  }
}

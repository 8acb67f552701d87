import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BackupConfig } from '../../functions/core/config.js';
import { acknowledge } from '../nag.js';

export interface PolicySchedulesProps {
  readonly config: BackupConfig;
  readonly stateMachine: sfn.IStateMachine;
  /** Name of the schedule group; each schedule inside it is named after its policy. */
  readonly groupName: string;
}

/** What a schedule passes to the state machine: which policy to run, and the whole config. */
export interface ScheduleInput {
  readonly policyName: string;
  readonly config: BackupConfig;
}

/** Retry policy of every schedule's target: transient StartExecution failures are retried for an hour. */
export const SCHEDULE_RETRY = { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 } as const;

/**
 * One EventBridge Scheduler schedule per policy, in the policy's time zone, starting the backup
 * state machine with the policy's name and the configuration. Start attempts that still fail
 * after the retries land in an encrypted, TLS-only dead-letter queue instead of vanishing.
 */
export class PolicySchedules extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly schedules: Readonly<Record<string, scheduler.CfnSchedule>>;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PolicySchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the backup schedules; a dead-letter queue of a dead-letter queue would only move the same messages again.',
    );

    this.role = new iam.Role(this, 'Role', {
      description: 'Lets the backup schedules start the backup state machine',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        // Confused-deputy protection: only schedules of this account may assume the role.
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    props.stateMachine.grantStartExecution(this.role);
    this.deadLetterQueue.grantSendMessages(this.role);

    const group = new scheduler.CfnScheduleGroup(this, 'Group', { name: props.groupName });

    const schedules: Record<string, scheduler.CfnSchedule> = {};
    for (const [policyName, policy] of Object.entries(props.config.policies)) {
      const input: ScheduleInput = { policyName, config: props.config };
      const schedule = new scheduler.CfnSchedule(this, `Policy-${policyName}`, {
        name: policyName,
        groupName: props.groupName,
        description: policy.description ?? `Backup run of policy ${policyName}`,
        scheduleExpression: policy.schedule,
        scheduleExpressionTimezone: policy.timezone,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
          arn: props.stateMachine.stateMachineArn,
          roleArn: this.role.roleArn,
          input: JSON.stringify(input),
          retryPolicy: { ...SCHEDULE_RETRY },
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        },
      });
      schedule.addResourceDependency(group);
      schedules[policyName] = schedule;
    }
    this.schedules = schedules;
  }
}

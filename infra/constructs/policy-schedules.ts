import { createHash } from 'node:crypto';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PruneOptionsSchema, type BackupConfig } from '../../functions/core/config.js';
import { acknowledge } from '../nag.js';

export interface PolicySchedulesProps {
  readonly config: BackupConfig;
  /** The backup state machine: one schedule per policy, named after the policy. */
  readonly stateMachine: sfn.IStateMachine;
  /**
   * The restore-test state machine: one schedule per policy with `restoreTest`, named
   * `restore-test.<policy>` (see restoreTestScheduleName), in the same group.
   */
  readonly restoreTestStateMachine?: sfn.IStateMachine;
  /**
   * The prune state machine: one schedule per policy, named `prune.<policy>` (see
   * pruneScheduleName), with the policy's `prune.schedule` (or its default), in the same group.
   */
  readonly pruneStateMachine?: sfn.IStateMachine;
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

/** Schedule names: 1-64 of [0-9a-zA-Z-_.]; policy names are at most 64 characters already. */
const maxScheduleName = 64;

/**
 * `<kind>.<policy>`, or, when that would exceed the 64 characters Scheduler allows, the policy
 * name shortened and made unique with a hash.
 */
function kindScheduleName(kind: string, policyName: string): string {
  const name = `${kind}.${policyName}`;
  if (name.length <= maxScheduleName) return name;
  const hash = createHash('sha256').update(policyName).digest('hex').slice(0, 8);
  return `${name.slice(0, maxScheduleName - hash.length - 1)}-${hash}`;
}

/** Name of a policy's restore-test schedule: `restore-test.<policy>` (see kindScheduleName). */
export function restoreTestScheduleName(policyName: string): string {
  return kindScheduleName('restore-test', policyName);
}

/** Name of a policy's prune schedule: `prune.<policy>` (see kindScheduleName). */
export function pruneScheduleName(policyName: string): string {
  return kindScheduleName('prune', policyName);
}

/**
 * When a policy's prune runs: its `prune.schedule`, else the schema's default (a policy without
 * `prune` is pruned with the defaults, as functions/steps/plan-prune.ts does).
 */
export function pruneScheduleOf(policy: BackupConfig['policies'][string]): string {
  return (policy.prune ?? PruneOptionsSchema.parse({})).schedule;
}

/** One schedule: its construct id, name, what it starts and when. */
interface ScheduleSpec {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly expression: string;
  readonly timezone: string;
  readonly stateMachine: sfn.IStateMachine;
  readonly input: ScheduleInput;
}

/**
 * One EventBridge Scheduler schedule per policy, in the policy's time zone, starting the backup
 * state machine with the policy's name and the configuration, one per policy with a
 * `restoreTest` schedule starting the restore-test state machine the same way, and one per
 * policy starting the prune state machine at its prune schedule. Start attempts
 * that still fail after the retries land in an encrypted, TLS-only dead-letter queue instead of
 * vanishing.
 */
export class PolicySchedules extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly schedules: Readonly<Record<string, scheduler.CfnSchedule>>;
  /** Restore-test schedules, keyed by policy name. */
  readonly restoreTestSchedules: Readonly<Record<string, scheduler.CfnSchedule>>;
  /** Prune schedules, keyed by policy name. */
  readonly pruneSchedules: Readonly<Record<string, scheduler.CfnSchedule>>;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PolicySchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = this.createDeadLetterQueue();
    this.role = this.createRole(props);
    const group = new scheduler.CfnScheduleGroup(this, 'Group', { name: props.groupName });
    const schedule = (spec: ScheduleSpec) => this.addSchedule(group, props.groupName, spec);

    const schedules: Record<string, scheduler.CfnSchedule> = {};
    const restoreTestSchedules: Record<string, scheduler.CfnSchedule> = {};
    const pruneSchedules: Record<string, scheduler.CfnSchedule> = {};
    for (const [policyName, policy] of Object.entries(props.config.policies)) {
      const input: ScheduleInput = { policyName, config: props.config };
      const timezone = policy.timezone;
      schedules[policyName] = schedule({
        id: `Policy-${policyName}`,
        name: policyName,
        description: policy.description ?? `Backup run of policy ${policyName}`,
        expression: policy.schedule,
        timezone,
        stateMachine: props.stateMachine,
        input,
      });
      if (policy.restoreTest && props.restoreTestStateMachine) {
        restoreTestSchedules[policyName] = schedule({
          id: `RestoreTest-${policyName}`,
          name: restoreTestScheduleName(policyName),
          description: `Restore test of policy ${policyName}`,
          expression: policy.restoreTest.schedule,
          timezone,
          stateMachine: props.restoreTestStateMachine,
          input,
        });
      }
      if (props.pruneStateMachine) {
        pruneSchedules[policyName] = schedule({
          id: `Prune-${policyName}`,
          name: pruneScheduleName(policyName),
          description: `Prune of policy ${policyName}: retention applied to its recovery points`,
          expression: pruneScheduleOf(policy),
          timezone,
          stateMachine: props.pruneStateMachine,
          input,
        });
      }
    }
    this.schedules = schedules;
    this.restoreTestSchedules = restoreTestSchedules;
    this.pruneSchedules = pruneSchedules;
  }

  private createDeadLetterQueue(): sqs.Queue {
    const queue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      queue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the backup schedules; a dead-letter queue of a dead-letter queue would only move the same messages again.',
    );
    return queue;
  }

  /** The role the schedules start executions with; it can also send to the dead-letter queue. */
  private createRole(props: PolicySchedulesProps): iam.Role {
    const role = new iam.Role(this, 'Role', {
      description: 'Lets the schedules start the backup, restore-test and prune state machines',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        // Confused-deputy protection: only schedules of this account may assume the role.
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    props.stateMachine.grantStartExecution(role);
    props.restoreTestStateMachine?.grantStartExecution(role);
    props.pruneStateMachine?.grantStartExecution(role);
    this.deadLetterQueue.grantSendMessages(role);
    return role;
  }

  private addSchedule(
    group: scheduler.CfnScheduleGroup,
    groupName: string,
    spec: ScheduleSpec,
  ): scheduler.CfnSchedule {
    const created = new scheduler.CfnSchedule(this, spec.id, {
      name: spec.name,
      groupName,
      description: spec.description,
      scheduleExpression: spec.expression,
      scheduleExpressionTimezone: spec.timezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: spec.stateMachine.stateMachineArn,
        roleArn: this.role.roleArn,
        input: JSON.stringify(spec.input),
        retryPolicy: { ...SCHEDULE_RETRY },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
    });
    created.addResourceDependency(group);
    return created;
  }
}

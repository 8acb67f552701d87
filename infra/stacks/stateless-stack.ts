import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { BackupConfig } from '../../functions/core/config.js';
import type { TaskEnvironmentValues } from '../../functions/environment/task-environments.js';
import { workflows } from '../../statemachines/tasks/registry.js';
import type { WorkflowSpec } from '../../statemachines/tasks/task-spec.js';
import { BackupAlarms } from '../constructs/backup-alarms.js';
import { BucketCopyAccess } from '../constructs/bucket-copy-access.js';
import type { CatalogTable } from '../constructs/catalog-table.js';
import { Ec2DescribeAccess } from '../constructs/ec2-describe-access.js';
import type { ExportDestinationRef } from '../constructs/export-destination.js';
import { ImageAccess } from '../constructs/image-access.js';
import { PolicySchedules } from '../constructs/policy-schedules.js';
import { PruneAccess } from '../constructs/prune-access.js';
import { recoveryPointScope, type RecoveryPointScope } from '../constructs/recovery-point-scope.js';
import { RestoreTestAccess } from '../constructs/restore-test-access.js';
import { RestoreTestNetwork } from '../constructs/restore-test-network.js';
import { SnapshotAccess } from '../constructs/snapshot-access.js';
import type { DeploymentAccess } from '../constructs/task-access.js';
import { TaskWorkflow } from '../constructs/task-workflow.js';
import { handlersDir } from '../paths.js';

export interface StatelessStackProps extends StackProps {
  readonly prefix: string;
  readonly config: BackupConfig;
  readonly catalog: CatalogTable;
  /** The export bucket and VM Import/Export role of the stateful stack. */
  readonly exportDestination: ExportDestinationRef;
  /** The primary key: encrypts the log groups and the alarm topic of this stack. */
  readonly key: kms.IKey;
  readonly logRetentionDays: number;
}

/**
 * Everything that can be replaced at will, in the primary region: the backup, restore-test and
 * prune workflows of the Task registry (functions and state machines), the isolated
 * restore-test network, the schedules and the alarms.
 */
export class StatelessStack extends Stack {
  readonly backup: TaskWorkflow;
  readonly restoreTestNetwork: RestoreTestNetwork;
  readonly restoreTest: TaskWorkflow;
  readonly prune: TaskWorkflow;
  readonly schedules: PolicySchedules;
  readonly alarms: BackupAlarms;
  private readonly firstAvailabilityZone = [Fn.select(0, Fn.getAzs())];

  /**
   * The AZs a VPC of this stack may use: the region's first, resolved by CloudFormation. CDK would
   * otherwise look the account's AZs up (a network call, with credentials) for account-bound
   * stacks; `cdk synth` must stay offline.
   */
  override get availabilityZones(): string[] {
    return this.firstAvailabilityZone;
  }

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const recoveryPoints = recoveryPointScope(this, {
      primaryRegion: props.config.primaryRegion,
      copyTargets: Object.values(props.config.policies).flatMap((policy) => policy.copyTo),
      drKeyAlias: props.config.drKeyAlias,
      prefix: props.prefix,
      exportDestination: props.exportDestination,
    });
    const workflow = this.workflowFactory(props, recoveryPoints);
    this.backup = workflow('Backup', workflows.backup);
    this.restoreTestNetwork = new RestoreTestNetwork(this, 'RestoreTestNetwork', {
      logKey: props.key,
      logRetentionDays: props.logRetentionDays,
    });
    this.restoreTest = workflow('RestoreTest', workflows.restoreTest, this.restoreTestNetwork);
    this.prune = workflow('Prune', workflows.prune);
    this.schedules = new PolicySchedules(this, 'Schedules', {
      config: props.config,
      stateMachine: this.backup.stateMachine,
      restoreTestStateMachine: this.restoreTest.stateMachine,
      pruneStateMachine: this.prune.stateMachine,
      groupName: props.prefix,
    });
    this.alarms = new BackupAlarms(this, 'Alarms', {
      config: props.config,
      backupStateMachine: this.backup.stateMachine,
      restoreTestStateMachine: this.restoreTest.stateMachine,
      pruneStateMachine: this.prune.stateMachine,
      deadLetterQueue: this.schedules.deadLetterQueue,
      topicKey: props.key,
    });
    this.addOutputs();
  }

  /** Builds one registry workflow with this stack's environment values and grants. */
  private workflowFactory(props: StatelessStackProps, recoveryPoints: RecoveryPointScope) {
    return (id: string, spec: WorkflowSpec, network?: RestoreTestNetwork): TaskWorkflow =>
      new TaskWorkflow(this, id, {
        workflow: spec,
        stateMachineName: `${props.prefix}-${spec.name}`,
        handlersDir,
        logKey: props.key,
        logRetentionDays: props.logRetentionDays,
        environment: this.environmentValues(props, recoveryPoints, network),
        access: deploymentAccess(props.catalog, recoveryPoints, network),
      });
  }

  /** The values of every environment group (infra side of functions/environment/). */
  private environmentValues(
    props: StatelessStackProps,
    recoveryPoints: RecoveryPointScope,
    network?: RestoreTestNetwork,
  ): TaskEnvironmentValues {
    const defaultBuckets = recoveryPoints.backupBuckets.defaults;
    return {
      catalog: { tableName: props.catalog.table.tableName },
      export: {
        bucketName: props.exportDestination.bucketName,
        roleName: props.exportDestination.vmImportRoleName,
      },
      backupBuckets: {
        byRegion: this.toJsonString(
          Object.fromEntries(defaultBuckets.map((target) => [target.region, target.bucketName])),
        ),
      },
      ...(network
        ? {
            restoreTestNetwork: {
              subnetId: network.subnet.subnetId,
              securityGroupIds: network.instanceSecurityGroup.securityGroupId,
              instanceProfile: network.instanceProfile.instanceProfileName,
            },
          }
        : {}),
    };
  }

  private addOutputs(): void {
    const outputs: [string, string, string][] = [
      [
        'BackupStateMachineArn',
        this.backup.stateMachine.stateMachineArn,
        'backupctl --state-machine-arn (or BACKUP_STATE_MACHINE_ARN)',
      ],
      [
        'RestoreTestStateMachineArn',
        this.restoreTest.stateMachine.stateMachineArn,
        'State machine of restore tests (backupctl restore-test)',
      ],
      [
        'RestoreTestSubnetId',
        this.restoreTestNetwork.subnet.subnetId,
        'Isolated subnet restore tests launch into (RESTORE_TEST_SUBNET_ID)',
      ],
      [
        'RestoreTestSecurityGroupId',
        this.restoreTestNetwork.instanceSecurityGroup.securityGroupId,
        'Security group of restore-test instances (RESTORE_TEST_SECURITY_GROUP_ID)',
      ],
      [
        'RestoreTestInstanceProfile',
        this.restoreTestNetwork.instanceProfile.instanceProfileName,
        'Instance profile of restore-test instances (RESTORE_TEST_INSTANCE_PROFILE)',
      ],
      [
        'PruneStateMachineArn',
        this.prune.stateMachine.stateMachineArn,
        'State machine of prunes (backupctl prune --state-machine-arn, or PRUNE_STATE_MACHINE_ARN)',
      ],
      [
        'AlarmTopicArn',
        this.alarms.topic.topicArn,
        'SNS topic every alarm notifies: subscribe to it',
      ],
    ];
    for (const [id, value, description] of outputs) new CfnOutput(this, id, { value, description });
  }
}

/** The grants of this deployment; restore-test grants exist only beside the test network. */
function deploymentAccess(
  catalog: CatalogTable,
  scope: RecoveryPointScope,
  network?: RestoreTestNetwork,
): DeploymentAccess {
  return {
    catalog,
    ec2: new Ec2DescribeAccess(),
    snapshots: new SnapshotAccess(scope),
    images: new ImageAccess(scope),
    bucketCopies: new BucketCopyAccess(scope),
    prune: new PruneAccess(scope),
    get restoreTests(): RestoreTestAccess {
      if (!network) throw new Error('a restore-test grant needs the restore-test network');
      return new RestoreTestAccess(network, scope.primaryRegion);
    },
  };
}

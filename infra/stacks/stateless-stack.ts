import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { BackupConfig } from '../../functions/core/config.js';
import { BackupAlarms } from '../constructs/backup-alarms.js';
import { BackupWorkflow } from '../constructs/backup-workflow.js';
import type { CatalogTable } from '../constructs/catalog-table.js';
import type { ExportDestinationRef } from '../constructs/export-destination.js';
import { PolicySchedules } from '../constructs/policy-schedules.js';
import { PruneWorkflow } from '../constructs/prune-workflow.js';
import { RestoreTestNetwork } from '../constructs/restore-test-network.js';
import { RestoreTestWorkflow } from '../constructs/restore-test-workflow.js';
import {
  backupDefinitionFile,
  pruneDefinitionFile,
  restoreTestDefinitionFile,
} from '../../statemachines/definitions.js';
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
 * prune workflows (functions and state machines), the isolated restore-test network, the
 * schedules and the alarms (the restore API and dashboard will join it).
 */
export class StatelessStack extends Stack {
  readonly backup: BackupWorkflow;
  readonly restoreTestNetwork: RestoreTestNetwork;
  readonly restoreTest: RestoreTestWorkflow;
  readonly prune: PruneWorkflow;
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
    const common = {
      handlersDir,
      catalog: props.catalog,
      logKey: props.key,
      logRetentionDays: props.logRetentionDays,
      primaryRegion: props.config.primaryRegion,
    };
    const copyTargets = Object.values(props.config.policies).flatMap((policy) => policy.copyTo);
    this.backup = new BackupWorkflow(this, 'Backup', {
      ...common,
      stateMachineName: `${props.prefix}-backup`,
      definitionFile: backupDefinitionFile,
      exportDestination: props.exportDestination,
      copyTargets,
      drKeyAlias: props.config.drKeyAlias,
      prefix: props.prefix,
    });
    new CfnOutput(this, 'BackupStateMachineArn', {
      value: this.backup.stateMachine.stateMachineArn,
      description: 'backupctl --state-machine-arn (or BACKUP_STATE_MACHINE_ARN)',
    });

    this.restoreTestNetwork = new RestoreTestNetwork(this, 'RestoreTestNetwork', {
      logKey: props.key,
      logRetentionDays: props.logRetentionDays,
    });
    this.restoreTest = new RestoreTestWorkflow(this, 'RestoreTest', {
      ...common,
      stateMachineName: `${props.prefix}-restore-test`,
      definitionFile: restoreTestDefinitionFile,
      network: this.restoreTestNetwork,
    });
    new CfnOutput(this, 'RestoreTestStateMachineArn', {
      value: this.restoreTest.stateMachine.stateMachineArn,
      description: 'State machine of restore tests (backupctl restore-test)',
    });
    new CfnOutput(this, 'RestoreTestSubnetId', {
      value: this.restoreTestNetwork.subnet.subnetId,
      description: 'Isolated subnet restore tests launch into (RESTORE_TEST_SUBNET_ID)',
    });
    new CfnOutput(this, 'RestoreTestSecurityGroupId', {
      value: this.restoreTestNetwork.instanceSecurityGroup.securityGroupId,
      description: 'Security group of restore-test instances (RESTORE_TEST_SECURITY_GROUP_ID)',
    });
    new CfnOutput(this, 'RestoreTestInstanceProfile', {
      value: this.restoreTestNetwork.instanceProfile.instanceProfileName,
      description: 'Instance profile of restore-test instances (RESTORE_TEST_INSTANCE_PROFILE)',
    });

    this.prune = new PruneWorkflow(this, 'Prune', {
      ...common,
      stateMachineName: `${props.prefix}-prune`,
      definitionFile: pruneDefinitionFile,
      exportDestination: props.exportDestination,
      copyTargets,
      drKeyAlias: props.config.drKeyAlias,
      prefix: props.prefix,
    });
    new CfnOutput(this, 'PruneStateMachineArn', {
      value: this.prune.stateMachine.stateMachineArn,
      description:
        'State machine of prunes (backupctl prune --state-machine-arn, or PRUNE_STATE_MACHINE_ARN)',
    });

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
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarms.topic.topicArn,
      description: 'SNS topic every alarm notifies: subscribe to it',
    });
  }
}

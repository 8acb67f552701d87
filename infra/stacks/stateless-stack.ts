import { join } from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { CatalogTable } from '../constructs/catalog-table.js';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { BackupConfig } from '../../functions/core/config.js';
import { BackupVolumesWorkflow } from '../constructs/backup-volumes-workflow.js';
import { PolicySchedules } from '../constructs/policy-schedules.js';
import { handlersDir, stateMachinesDir } from '../paths.js';

export interface StatelessStackProps extends StackProps {
  readonly prefix: string;
  readonly config: BackupConfig;
  readonly catalog: CatalogTable;
  /** The primary key: encrypts the log groups of this stack. */
  readonly key: kms.IKey;
  readonly logRetentionDays: number;
}

/**
 * Everything that can be replaced at will, in the primary region: functions, state machines
 * and schedules (the restore API, dashboard and alarms will join it). Monitoring belongs in its
 * own construct here, built from the public members below (`backupVolumes.functions`,
 * `backupVolumes.stateMachine`, `schedules.deadLetterQueue`).
 */
export class StatelessStack extends Stack {
  readonly backupVolumes: BackupVolumesWorkflow;
  readonly schedules: PolicySchedules;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.backupVolumes = new BackupVolumesWorkflow(this, 'BackupVolumes', {
      stateMachineName: `${props.prefix}-backup-volumes`,
      definitionFile: join(stateMachinesDir, 'backup-volumes.asl.json'),
      handlersDir,
      catalog: props.catalog,
      logKey: props.key,
      logRetentionDays: props.logRetentionDays,
      primaryRegion: props.config.primaryRegion,
      copyTargets: Object.values(props.config.policies).flatMap((policy) => policy.copyTo),
      drKeyAlias: props.config.drKeyAlias,
    });
    new CfnOutput(this, 'BackupStateMachineArn', {
      value: this.backupVolumes.stateMachine.stateMachineArn,
      description: 'backupctl --state-machine-arn (or BACKUP_STATE_MACHINE_ARN)',
    });
    this.schedules = new PolicySchedules(this, 'Schedules', {
      config: props.config,
      stateMachine: this.backupVolumes.stateMachine,
      groupName: props.prefix,
    });
  }
}

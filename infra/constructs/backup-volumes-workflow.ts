import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { CatalogTable } from './catalog-table.js';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AslStateMachine } from './asl-state-machine.js';
import { BackupFunction } from './backup-function.js';
import { SnapshotAccess, type CopyKeyTarget } from './snapshot-access.js';

export interface BackupVolumesWorkflowProps {
  readonly stateMachineName: string;
  readonly definitionFile: string;
  readonly handlersDir: string;
  readonly catalog: CatalogTable;
  readonly logKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly primaryRegion: string;
  /** Every copy destination of every policy (region and optional own key). */
  readonly copyTargets: readonly CopyKeyTarget[];
  /** Alias of the DR key in each DR region. */
  readonly drKeyAlias: string;
}

/** The step functions of the backup-volumes state machine, keyed by their ASL placeholder. */
export interface BackupVolumesFunctions {
  readonly DiscoverVolumesFunctionArn: BackupFunction;
  readonly SnapshotVolumesFunctionArn: BackupFunction;
  readonly CopySnapshotsFunctionArn: BackupFunction;
  readonly RecordRecoveryPointsFunctionArn: BackupFunction;
  readonly SummarizeRunFunctionArn: BackupFunction;
}

/**
 * The EBS backup workflow: its five step functions, each with a role that allows exactly what
 * that step calls, and the state machine (statemachines/backup-volumes.asl.json) that runs them.
 */
export class BackupVolumesWorkflow extends Construct {
  readonly functions: BackupVolumesFunctions;
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: BackupVolumesWorkflowProps) {
    super(scope, id);
    const step = (stepId: string, file: string, description: string, timeout: Duration) =>
      new BackupFunction(this, stepId, {
        entry: join(props.handlersDir, file),
        description,
        timeout,
        logKey: props.logKey,
        logRetentionDays: props.logRetentionDays,
        environment: { CATALOG_TABLE_NAME: props.catalog.table.tableName },
      });

    const discover = step(
      'DiscoverVolumes',
      'discover-volumes.ts',
      'Backup run: find the EBS volumes opted in to the policy and split them into batches',
      Duration.minutes(5),
    );
    SnapshotAccess.describe(discover, ['ec2:DescribeVolumes']);

    const snapshot = step(
      'SnapshotVolumes',
      'snapshot-volumes.ts',
      'Backup run: start and poll the snapshots of one batch of volumes',
      Duration.minutes(5),
    );
    SnapshotAccess.describe(snapshot, ['ec2:DescribeSnapshots']);
    SnapshotAccess.createSnapshot(snapshot, props.primaryRegion);

    const copy = step(
      'CopySnapshots',
      'copy-snapshots.ts',
      "Backup run: copy one batch's snapshots to the DR regions, re-encrypted with the DR key",
      Duration.minutes(5),
    );
    SnapshotAccess.describe(copy, ['ec2:DescribeSnapshots']);
    if (props.copyTargets.length > 0) {
      const drRegions = [...new Set(props.copyTargets.map((target) => target.region))].sort();
      SnapshotAccess.copySnapshot(copy, [props.primaryRegion, ...drRegions]);
      SnapshotAccess.useCopyKeys(copy, {
        targets: props.copyTargets,
        defaultAlias: props.drKeyAlias,
      });
    }

    const record = step(
      'RecordRecoveryPoints',
      'record-recovery-points.ts',
      "Backup run: index one batch's recovery points in the catalog",
      Duration.minutes(2),
    );
    props.catalog.grantRecordRecoveryPoints(record.role);

    const summarize = step(
      'SummarizeRun',
      'summarize-run.ts',
      'Backup run: summarize the batches of a run and publish its metrics',
      Duration.minutes(1),
    );
    // Summarize only reads its input and publishes metrics (EMF log lines): no grant beyond logs.

    this.functions = {
      DiscoverVolumesFunctionArn: discover,
      SnapshotVolumesFunctionArn: snapshot,
      CopySnapshotsFunctionArn: copy,
      RecordRecoveryPointsFunctionArn: record,
      SummarizeRunFunctionArn: summarize,
    };
    this.stateMachine = new AslStateMachine(this, 'StateMachine', {
      definitionFile: props.definitionFile,
      stateMachineName: props.stateMachineName,
      functions: Object.fromEntries(
        Object.entries(this.functions).map(([placeholder, fn]) => [
          placeholder,
          (fn as BackupFunction).function,
        ]),
      ),
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
    }).stateMachine;
  }
}

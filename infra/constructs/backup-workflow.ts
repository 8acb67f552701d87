import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AslStateMachine } from './asl-state-machine.js';
import { BackupFunction } from './backup-function.js';
import type { CatalogTable } from './catalog-table.js';
import type { ExportDestinationRef } from './export-destination.js';
import { ImageAccess } from './image-access.js';
import { SnapshotAccess, type CopyKeyTarget } from './snapshot-access.js';

export interface BackupWorkflowProps {
  readonly stateMachineName: string;
  readonly definitionFile: string;
  readonly handlersDir: string;
  readonly catalog: CatalogTable;
  /** The export bucket and the VM Import/Export service role (stateful stack). */
  readonly exportDestination: ExportDestinationRef;
  readonly logKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly primaryRegion: string;
  /** Every copy destination of every policy (region and optional own key). */
  readonly copyTargets: readonly CopyKeyTarget[];
  /** Alias of the DR key in each DR region. */
  readonly drKeyAlias: string;
}

/** The step functions of the backup state machine, keyed by their ASL placeholder. */
export interface BackupFunctions {
  readonly DiscoverResourcesFunctionArn: BackupFunction;
  readonly SnapshotVolumesFunctionArn: BackupFunction;
  readonly CopySnapshotsFunctionArn: BackupFunction;
  readonly RecordRecoveryPointsFunctionArn: BackupFunction;
  readonly ImageInstancesFunctionArn: BackupFunction;
  readonly CopyImagesFunctionArn: BackupFunction;
  readonly ExportImagesFunctionArn: BackupFunction;
  readonly RecordImagesFunctionArn: BackupFunction;
  readonly SummarizeRunFunctionArn: BackupFunction;
}

/**
 * One backup run of one policy (statemachines/backup.asl.json): discovery, then in parallel a
 * volumes branch (snapshot, copy, record) and an images branch (image, copy, export, record),
 * each a Distributed Map over batches, and a summary. Each step function has a role that allows
 * exactly what that step calls.
 */
export class BackupWorkflow extends Construct {
  readonly functions: BackupFunctions;
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: BackupWorkflowProps) {
    super(scope, id);
    const step = (
      stepId: string,
      file: string,
      description: string,
      timeout: Duration,
      environment: Record<string, string> = {},
    ) =>
      new BackupFunction(this, stepId, {
        entry: join(props.handlersDir, file),
        description,
        timeout,
        logKey: props.logKey,
        logRetentionDays: props.logRetentionDays,
        environment: { CATALOG_TABLE_NAME: props.catalog.table.tableName, ...environment },
      });
    const drRegions = [...new Set(props.copyTargets.map((target) => target.region))].sort();
    const primaryAndDr = [props.primaryRegion, ...drRegions];

    const discover = step(
      'DiscoverResources',
      'discover-resources.ts',
      'Backup run: find the EBS volumes and EC2 instances opted in to the policy and split them into batches',
      Duration.minutes(5),
      {
        // Used only when a policy has image.export; harmless otherwise.
        EXPORT_BUCKET_NAME: props.exportDestination.bucketName,
        EXPORT_ROLE_NAME: props.exportDestination.vmImportRoleName,
      },
    );
    SnapshotAccess.describe(discover, ['ec2:DescribeVolumes', 'ec2:DescribeInstances']);

    // Volumes branch.
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
    if (drRegions.length > 0) {
      SnapshotAccess.copySnapshot(copy, primaryAndDr);
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

    // Images branch.
    const image = step(
      'ImageInstances',
      'image-instances.ts',
      'Backup run: create and poll the boot images (AMIs) of one batch of instances',
      Duration.minutes(5),
    );
    SnapshotAccess.describe(image, ['ec2:DescribeImages']);
    ImageAccess.createImage(image, props.primaryRegion);

    const copyImages = step(
      'CopyImages',
      'copy-images.ts',
      "Backup run: copy one batch's images to the DR regions, re-encrypted with the DR key",
      Duration.minutes(5),
    );
    SnapshotAccess.describe(copyImages, ['ec2:DescribeImages']);
    if (drRegions.length > 0) {
      ImageAccess.copyImage(copyImages, primaryAndDr);
      // The copy call tags the copy, and the step re-applies the tags (CopyImage may drop them).
      ImageAccess.tagRecoveryPoints(copyImages, drRegions, ['image']);
      SnapshotAccess.useCopyKeys(copyImages, {
        targets: props.copyTargets,
        defaultAlias: props.drKeyAlias,
      });
    }

    const exportImages = step(
      'ExportImages',
      'export-images.ts',
      "Backup run: export one batch's images to the export bucket (ExportImage or CreateStoreImageTask) and verify the artifacts",
      Duration.minutes(5),
    );
    SnapshotAccess.describe(exportImages, [
      'ec2:DescribeImages',
      'ec2:DescribeExportImageTasks',
      'ec2:DescribeStoreImageTasks',
    ]);
    ImageAccess.exportImages(exportImages, {
      region: props.primaryRegion,
      destination: props.exportDestination,
    });

    const recordImages = step(
      'RecordImages',
      'record-images.ts',
      "Backup run: tag one batch's images and their snapshots, set deprecation from retention, and index them in the catalog",
      Duration.minutes(5),
    );
    props.catalog.grantRecordRecoveryPoints(recordImages.role);
    SnapshotAccess.describe(recordImages, ['ec2:DescribeImages']);
    ImageAccess.tagRecoveryPoints(recordImages, primaryAndDr, ['image', 'snapshot']);
    ImageAccess.deprecateImages(recordImages, primaryAndDr);

    const summarize = step(
      'SummarizeRun',
      'summarize-run.ts',
      'Backup run: summarize the batches of a run and publish its metrics',
      Duration.minutes(1),
    );
    // Summarize only reads its input and publishes metrics (EMF log lines): no grant beyond logs.

    this.functions = {
      DiscoverResourcesFunctionArn: discover,
      SnapshotVolumesFunctionArn: snapshot,
      CopySnapshotsFunctionArn: copy,
      RecordRecoveryPointsFunctionArn: record,
      ImageInstancesFunctionArn: image,
      CopyImagesFunctionArn: copyImages,
      ExportImagesFunctionArn: exportImages,
      RecordImagesFunctionArn: recordImages,
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

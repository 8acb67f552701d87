import { Duration, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { MANIFESTS_PREFIX } from './backup-bucket.js';
import type { BackupFunction } from './backup-function.js';
import { workflowStateMachine, workflowSteps } from './workflow-steps.js';
import { backupBucketsOf, BucketCopyAccess } from './bucket-copy-access.js';
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
  /** Every copy destination of every policy (region, optional own key and backup bucket). */
  readonly copyTargets: readonly CopyTarget[];
  /** Alias of the DR key in each DR region. */
  readonly drKeyAlias: string;
  /** Context `prefix`: the DR stacks name their backup buckets `<prefix>-backup-<account>-<region>`. */
  readonly prefix: string;
}

/** One copy destination of a policy (`copyTo[]`). */
export interface CopyTarget extends CopyKeyTarget {
  /** A backup bucket named by the configuration instead of the DR stack's. */
  readonly bucket?: string | undefined;
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
  readonly PlanBucketCopiesFunctionArn: BackupFunction;
  readonly SyncBucketFunctionArn: BackupFunction;
  readonly RecordBucketCopiesFunctionArn: BackupFunction;
  readonly SummarizeRunFunctionArn: BackupFunction;
}

/** SyncBucket: the streaming merge is O(1) in entries, but V8 collects the young generation lazily. */
export const SYNC_BUCKET_MEMORY_MB = 1024;
export const SYNC_BUCKET_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=16';

/**
 * One backup run of one policy (statemachines/backup.asl.json): discovery, then in parallel a
 * volumes branch (snapshot, copy, record), an images branch (image, copy, export, record) and a
 * bucket-copies branch (sync in resumable turns, record), each a Distributed Map, and a summary. Each step function has a role that allows
 * exactly what that step calls.
 */
export class BackupWorkflow extends Construct {
  readonly functions: BackupFunctions;
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: BackupWorkflowProps) {
    super(scope, id);
    const step = workflowSteps(this, {
      handlersDir: props.handlersDir,
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
      environment: { CATALOG_TABLE_NAME: props.catalog.table.tableName },
    });
    const drRegions = [...new Set(props.copyTargets.map((target) => target.region))].sort();
    const primaryAndDr = [props.primaryRegion, ...drRegions];
    const { defaults: defaultBuckets, all: backupBuckets } = backupBucketsOf(
      this,
      props.prefix,
      props.copyTargets,
    );

    const discover = step(
      'DiscoverResources',
      'discover-resources.ts',
      'Backup run: find the EBS volumes, EC2 instances and S3 buckets opted in to the policy and split them into batches',
      Duration.minutes(5),
      {
        // Used only when a policy has image.export; harmless otherwise.
        EXPORT_BUCKET_NAME: props.exportDestination.bucketName,
        EXPORT_ROLE_NAME: props.exportDestination.vmImportRoleName,
        // Backup bucket per DR region, for copyTo entries that name none.
        BACKUP_BUCKETS: Stack.of(this).toJsonString(
          Object.fromEntries(defaultBuckets.map((target) => [target.region, target.bucketName])),
        ),
      },
    );
    SnapshotAccess.describe(discover, ['ec2:DescribeVolumes', 'ec2:DescribeInstances']);
    BucketCopyAccess.listTaggedBuckets(discover);

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

    // Bucket-copies branch.
    const planBucketCopies = step(
      'PlanBucketCopies',
      'plan-bucket-copies.ts',
      "Backup run: split each tagged bucket into key ranges along its previous copy run's manifest parts, or a first copy along its S3 Inventory report",
      Duration.minutes(5),
      {},
      512,
    );
    // It reads the previous run's recovery point (with its manifest parts) from the catalog.
    props.catalog.grantQueryBySource(planBucketCopies.role);
    // A first copy reads the source bucket's inventory configuration and its newest report.
    BucketCopyAccess.readInventoryReports(planBucketCopies);

    const syncBucket = step(
      'SyncBucket',
      'sync-bucket.ts',
      'Backup run: one resumable turn of copying a tagged bucket into the backup bucket of one DR region (merge-join, server-side copies, checksums verified, manifest part)',
      // The handler stops taking keys with 60 s left; the next turn resumes after the last key.
      Duration.minutes(5),
      { NODE_OPTIONS: SYNC_BUCKET_NODE_OPTIONS },
      SYNC_BUCKET_MEMORY_MB,
    );

    const recordBucketCopy = step(
      'RecordBucketCopies',
      'record-bucket-copies.ts',
      "Backup run: join each bucket's key ranges into the run's manifest index, tag it, and index it in the catalog",
      Duration.minutes(5),
    );
    props.catalog.grantRecordRecoveryPoints(recordBucketCopy.role);
    if (backupBuckets.length > 0) {
      BucketCopyAccess.readSources(syncBucket);
      BucketCopyAccess.writeCopies(syncBucket, backupBuckets, props.drKeyAlias);
      BucketCopyAccess.recordManifests(
        recordBucketCopy,
        backupBuckets,
        props.drKeyAlias,
        MANIFESTS_PREFIX,
      );
    }

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
      PlanBucketCopiesFunctionArn: planBucketCopies,
      SyncBucketFunctionArn: syncBucket,
      RecordBucketCopiesFunctionArn: recordBucketCopy,
      SummarizeRunFunctionArn: summarize,
    };
    this.stateMachine = workflowStateMachine(this, {
      definitionFile: props.definitionFile,
      stateMachineName: props.stateMachineName,
      functions: this.functions,
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
    });
  }
}

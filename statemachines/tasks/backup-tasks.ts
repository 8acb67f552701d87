import { backupDefinitionFile } from '../definitions.js';
import type { WorkflowSpec } from './task-spec.js';

/** SyncBucket: the streaming merge is O(1) in entries, but V8 collects the young generation lazily. */
export const SYNC_BUCKET_MEMORY_MB = 1024;
export const SYNC_BUCKET_NODE_OPTIONS = '--max-semi-space-size=16';

/**
 * One backup run of one policy (statemachines/backup.asl.json): discovery, then in parallel a
 * volumes branch (snapshot, copy, record), an images branch (image, copy, export, record) and a
 * bucket-copies branch (sync in resumable turns, record), each a Distributed Map, and a summary.
 */
export const backupWorkflow = {
  name: 'backup',
  definitionFile: backupDefinitionFile,
  environment: ['catalog'],
  tasks: {
    DiscoverResources: {
      description:
        'Backup run: find the EBS volumes, EC2 instances and S3 buckets opted in to the policy and split them into batches',
      timeoutSeconds: 300,
      // The export destination is used only when a policy has image.export; harmless otherwise.
      environment: ['export', 'backupBuckets'],
      grant: ({ fn, ec2, bucketCopies }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeVolumes', 'ec2:DescribeInstances']);
        bucketCopies.grantListTaggedBuckets(fn);
      },
      clients: ['ec2', 'resource-groups-tagging-api'],
    },
    SnapshotVolumes: {
      description: 'Backup run: start and poll the snapshots of one batch of volumes',
      timeoutSeconds: 300,
      grant: ({ fn, ec2, snapshots }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeSnapshots']);
        snapshots.grantCreateSnapshot(fn);
      },
      clients: ['ec2'],
    },
    CopySnapshots: {
      description:
        "Backup run: copy one batch's snapshots to the DR regions, re-encrypted with the DR key",
      timeoutSeconds: 300,
      grant: ({ fn, ec2, snapshots }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeSnapshots']);
        snapshots.grantCopySnapshot(fn);
        snapshots.grantUseCopyKeys(fn);
      },
      clients: ['ec2'],
    },
    RecordRecoveryPoints: {
      description: "Backup run: index one batch's recovery points in the catalog",
      timeoutSeconds: 120,
      grant: ({ fn, catalog }) => catalog.grantRecordRecoveryPoints(fn),
      clients: ['dynamodb'],
    },
    ImageInstances: {
      description: 'Backup run: create and poll the boot images (AMIs) of one batch of instances',
      timeoutSeconds: 300,
      grant: ({ fn, ec2, images }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeImages']);
        images.grantCreateImage(fn);
      },
      clients: ['ec2'],
    },
    CopyImages: {
      description:
        "Backup run: copy one batch's images to the DR regions, re-encrypted with the DR key",
      timeoutSeconds: 300,
      grant: ({ fn, ec2, images, snapshots }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeImages']);
        images.grantCopyImage(fn);
        // The copy call tags the copy, and the step re-applies the tags (CopyImage may drop them).
        images.grantTagImageCopies(fn);
        snapshots.grantUseCopyKeys(fn);
      },
      clients: ['ec2'],
    },
    ExportImages: {
      description:
        "Backup run: export one batch's images to the export bucket (ExportImage or CreateStoreImageTask) and verify the artifacts",
      timeoutSeconds: 300,
      grant: ({ fn, ec2, images }) => {
        ec2.grantDescribe(fn, [
          'ec2:DescribeImages',
          'ec2:DescribeExportImageTasks',
          'ec2:DescribeStoreImageTasks',
        ]);
        images.grantExportImages(fn);
      },
      clients: ['ec2', 's3'],
    },
    RecordImages: {
      description:
        "Backup run: tag one batch's images and their snapshots, set deprecation from retention, and index them in the catalog",
      timeoutSeconds: 300,
      grant: ({ fn, catalog, ec2, images }) => {
        catalog.grantRecordRecoveryPoints(fn);
        ec2.grantDescribe(fn, ['ec2:DescribeImages']);
        images.grantTagRecoveryPoints(fn);
        images.grantDeprecateImages(fn);
      },
      clients: ['dynamodb', 'ec2'],
    },
    PlanBucketCopies: {
      description:
        "Backup run: split each tagged bucket into key ranges along its previous copy run's manifest parts, or a first copy along its S3 Inventory report",
      timeoutSeconds: 300,
      memoryMb: 512,
      grant: ({ fn, catalog, bucketCopies }) => {
        // It reads the previous run's recovery point (with its manifest parts) from the catalog.
        catalog.grantQueryBySource(fn);
        // A first copy reads the source bucket's inventory configuration and its newest report.
        bucketCopies.grantReadInventoryReports(fn);
      },
      clients: ['dynamodb', 's3'],
    },
    SyncBucket: {
      description:
        'Backup run: one resumable turn of copying a tagged bucket into the backup bucket of one DR region (merge-join, server-side copies, checksums verified, manifest part)',
      // The handler stops taking keys with 60 s left; the next turn resumes after the last key.
      timeoutSeconds: 300,
      memoryMb: SYNC_BUCKET_MEMORY_MB,
      nodeOptions: SYNC_BUCKET_NODE_OPTIONS,
      grant: ({ fn, bucketCopies }) => {
        bucketCopies.grantReadSources(fn);
        bucketCopies.grantWriteCopies(fn);
      },
      clients: ['s3'],
    },
    RecordBucketCopies: {
      description:
        "Backup run: join each bucket's key ranges into the run's manifest index, tag it, and index it in the catalog",
      timeoutSeconds: 300,
      grant: ({ fn, catalog, bucketCopies }) => {
        catalog.grantRecordRecoveryPoints(fn);
        bucketCopies.grantRecordManifests(fn);
      },
      clients: ['dynamodb', 's3'],
    },
    SummarizeRun: {
      retry: 'lambdaOnly',
      description: 'Backup run: summarize the batches of a run and publish its metrics',
      timeoutSeconds: 60,
      // Summarize only reads its input and publishes metrics (EMF log lines): no grant beyond logs.
      clients: [],
    },
  },
} as const satisfies WorkflowSpec;

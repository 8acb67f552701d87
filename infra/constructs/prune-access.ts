import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ManagedByValue, TagKeys } from '../../functions/core/tag-keys.js';
import { acknowledge, wildcardResource } from '../nag.js';
import type { BackupFunction } from './backup-function.js';
import { backupBucketArns, BucketCopyAccess } from './bucket-copy-access.js';
import { Ec2DescribeAccess } from './ec2-describe-access.js';
import type { RecoveryPointScope } from './recovery-point-scope.js';
import { ec2Arn, RESOURCE_TAGGED_MANAGED } from './image-access.js';

/**
 * The permissions of the prune step (functions/handlers/prune-region.ts), each granted to one
 * function's role with the cdk-nag acknowledgement of its unavoidable wildcards. Pruning is the
 * only destructive part of the orchestrator, so every delete is fenced:
 *
 * - EC2 (functions/adapters/ec2-recovery-point-store.ts): DescribeSnapshots, DescribeImages and
 *   DescribeLockedSnapshots (no resource-level permissions); DeregisterImage, DeleteSnapshot and
 *   CreateTags only on images and snapshots that already carry `backup:managed-by` =
 *   `backup-orchestrator` (condition aws:ResourceTag), so the role cannot touch what the product
 *   did not create; CreateTags further only for the `backup:pruned-with-image` key (condition
 *   aws:TagKeys). All in the primary and DR regions only.
 * - S3 (functions/adapters/s3-object-versions.ts, s3-object-store.ts): ListObjectsV2 →
 *   s3:ListBucket, ListObjectVersions → s3:ListBucketVersions, GetObject (manifests) →
 *   s3:GetObject, HeadObject → s3:GetObject, with s3:GetObjectRetention and
 *   s3:GetObjectLegalHold for its Object Lock headers, DeleteObjects with version ids →
 *   s3:DeleteObjectVersion, on the backup buckets only. No s3:BypassGovernanceRetention: a version
 *   under Object Lock stays until its retention ends. kms:Decrypt of the DR key through S3 only.
 */
export class PruneAccess {
  constructor(private readonly scope: RecoveryPointScope) {}

  /** The EC2 Describe calls of the survey (EC2 supports no resource-level permissions for them). */
  grantSurvey(fn: BackupFunction): void {
    new Ec2DescribeAccess().grantDescribe(fn, [
      'ec2:DescribeSnapshots',
      'ec2:DescribeImages',
      'ec2:DescribeLockedSnapshots',
    ]);
  }

  /**
   * Deregister images and delete snapshots in the given regions, and mark an image's snapshots
   * with `backup:pruned-with-image` before the image goes (so a re-run finishes them), each only
   * on resources tagged as the orchestrator's.
   */
  grantDeleteRecoveryPoints(fn: BackupFunction): void {
    const regions = this.scope.allRegions;
    const stack = Stack.of(fn);
    const images = regions.map((region) => ec2Arn(stack, region, 'image'));
    const snapshots = regions.map((region) => ec2Arn(stack, region, 'snapshot'));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DeregisterOnlyTheOrchestratorsImages',
        actions: ['ec2:DeregisterImage'],
        resources: images,
        conditions: RESOURCE_TAGGED_MANAGED,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DeleteOnlyTheOrchestratorsSnapshots',
        actions: ['ec2:DeleteSnapshot'],
        resources: snapshots,
        conditions: RESOURCE_TAGGED_MANAGED,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'MarkSnapshotsOfPrunedImages',
        actions: ['ec2:CreateTags'],
        resources: snapshots,
        conditions: {
          ...RESOURCE_TAGGED_MANAGED,
          'ForAllValues:StringEquals': { 'aws:TagKeys': [TagKeys.prunedWithImage] },
        },
      }),
    );
    for (const arn of images) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        `Recovery-point images have ids EC2 generated when the backup ran; they may be deregistered only when tagged ${TagKeys.managedBy}=${ManagedByValue} (condition aws:ResourceTag), in the regions the configuration uses.`,
      );
    }
    for (const arn of snapshots) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        `Recovery-point snapshots have ids EC2 generated when the backup ran; they may be deleted, or tagged with ${TagKeys.prunedWithImage} only (condition aws:TagKeys), only when tagged ${TagKeys.managedBy}=${ManagedByValue} (condition aws:ResourceTag), in the regions the configuration uses.`,
      );
    }
  }

  /**
   * Delete the versions of an expired image's exports in the stack's export bucket (the product
   * writes nothing else there), after listing them. Decrypting is not needed to delete.
   */
  grantDeleteExports(fn: BackupFunction): void {
    const exportBucket = this.scope.exportDestination;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucketVersions'],
        resources: [exportBucket.bucketArn],
      }),
    );
    const objects = `${exportBucket.bucketArn}/*`;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DeleteExportVersionsOnlyInExportBucket',
        actions: ['s3:DeleteObjectVersion'],
        resources: [objects],
      }),
    );
    acknowledge(
      fn.role,
      wildcardResource(objects, fn),
      "Export artifacts are named by their export task id under a prefix the policy chooses: objects of the export bucket can only be named as <bucket>/*. The bucket holds only the product's exports; versions are deleted only when their image expires.",
    );
  }

  /**
   * Read the manifests and the lock state of the backup buckets' objects, list their versions,
   * and delete the versions of expired bucket-copy runs, in the backup buckets only.
   */
  grantExpireBucketRuns(fn: BackupFunction): void {
    const targets = this.scope.backupBuckets.all;
    if (targets.length === 0) return;
    const { buckets, objects } = backupBucketArns(targets);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: buckets,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetObjectRetention',
          's3:GetObjectLegalHold',
        ],
        resources: objects,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DeleteVersionsOnlyInBackupBuckets',
        actions: ['s3:DeleteObjectVersion'],
        resources: objects,
      }),
    );
    for (const arn of objects) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        'Copies keep the source keys (chosen by users) under a prefix per source bucket, and manifests are named by run id: objects of the backup bucket can only be named as <bucket>/*. Only object versions of the backup buckets may be deleted, never with s3:BypassGovernanceRetention.',
      );
    }
    // Manifests are SSE-KMS objects: reading them decrypts through S3; deleting needs no key.
    new BucketCopyAccess(this.scope).grantUseBackupKeys(fn, ['kms:Decrypt']);
  }
}

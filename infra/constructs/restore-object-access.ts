import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge, wildcardResource } from '../nag.js';
import type { BackupFunction } from './backup-function.js';
import { bucketArn, MANIFESTS_PREFIX } from './backup-bucket.js';
import { backupBucketArns, BucketCopyAccess } from './bucket-copy-access.js';
import type { RecoveryPointScope } from './recovery-point-scope.js';
import type { RestoreAllowLists } from './restore-allow-lists.js';

/**
 * The S3 permissions of object restores: read the copies and manifests in the backup buckets,
 * write restored objects into a target bucket. Calls and what S3 checks for them:
 * ListObjectsV2/HeadBucket → s3:ListBucket; GetObject/HeadObject → s3:GetObject (of a version:
 * s3:GetObjectVersion); CopyObject → s3:GetObject(Version) on the source, s3:PutObject on the
 * target (s3:PutObjectTagging when it sets tags); multipart → s3:PutObject,
 * s3:AbortMultipartUpload, s3:ListMultipartUploadParts.
 *
 * The trade-off of the target: without `restore.targetBuckets` in the configuration, a restore
 * may write into ANY bucket of this account (aws:ResourceAccount) that is not a backup bucket or
 * the export bucket (an explicit Deny): restores go where the request says, often the live
 * source bucket. With the list, only into those buckets. Objects are never deleted by a restore
 * (no s3:DeleteObject is granted: S3 cannot condition a delete on an object's tags), and a
 * target encrypted with a customer managed key needs its key policy to allow the role.
 */
export class RestoreObjectAccess {
  constructor(
    private readonly scope: RecoveryPointScope,
    private readonly allowLists: RestoreAllowLists,
  ) {}

  /** List and read the copies (any version) and manifests of the backup buckets, with their keys. */
  grantReadBackupObjects(fn: BackupFunction): void {
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
          's3:GetObjectTagging',
          's3:GetObjectVersionTagging',
        ],
        resources: objects,
      }),
    );
    for (const arn of objects) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        'Copies keep the source keys (chosen by users) under a prefix per source bucket and manifests are named by run id: a restore reads objects of the backup bucket that can only be named as <bucket>/* (read actions only).',
      );
    }
    new BucketCopyAccess(this.scope).grantUseBackupKeys(fn, ['kms:Decrypt']);
  }

  /**
   * The objects preflight's reads: the run's manifest parts (`.manifests/` of the backup buckets,
   * with their keys) and, in the target, HeadBucket and HeadObject of a sample of the selected
   * keys (existingObjects fail). Read only.
   */
  grantPreflightObjects(fn: BackupFunction): void {
    const targets = this.scope.backupBuckets.all;
    if (targets.length > 0) {
      const manifests = targets.map(
        (target) => `${bucketArn(target.bucketName)}/${MANIFESTS_PREFIX}*`,
      );
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: manifests }),
      );
      for (const arn of manifests) {
        acknowledge(
          fn.role,
          wildcardResource(arn, fn),
          'Manifests are named after the source bucket and the run id (generated at run time): the preflight reads objects of the .manifests/ prefix of the backup buckets only.',
        );
      }
      new BucketCopyAccess(this.scope).grantUseBackupKeys(fn, ['kms:Decrypt']);
    }
    this.grantDescribeTargetBuckets(fn);
    const { listed, buckets, conditions } = this.targets();
    const objects = buckets.map((arn) => `${arn}/*`);
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects, conditions }),
    );
    const reason =
      listed.length > 0
        ? 'The preflight HEADs a sample of the selected keys (chosen by users) in the allow-listed target buckets (restore.targetBuckets): objects can only be named as <bucket>/*.'
        : 'The preflight HEADs a sample of the selected keys (chosen by users) in the target the request names: any bucket of this account (condition aws:ResourceAccount); restore.targetBuckets narrows this to a list.';
    for (const arn of objects) acknowledge(fn.role, wildcardResource(arn, fn), reason);
  }

  /** HeadBucket (s3:ListBucket) of the targets a request may name: the preflight's "bucket exists". */
  grantDescribeTargetBuckets(fn: BackupFunction): void {
    const { buckets, conditions, listed } = this.targets();
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: buckets,
        conditions,
      }),
    );
    if (listed.length === 0) {
      acknowledge(
        fn.role,
        wildcardResource(buckets[0] ?? '', fn),
        'The preflight checks that the target bucket the request names exists (HeadBucket); without restore.targetBuckets that may be any bucket of this account (condition aws:ResourceAccount). No object is read.',
      );
    }
  }

  /** The target buckets: the allow-list, or every bucket of this account. */
  private targets() {
    const listed = this.allowLists.targetBuckets.map(bucketArn);
    const buckets = listed.length > 0 ? listed : [`arn:${Aws.PARTITION}:s3:::*`];
    const conditions =
      listed.length > 0 ? {} : { StringEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID } };
    return { listed, buckets, conditions };
  }

  /**
   * Write restored objects (and their tags) into the target, read what is there already
   * (existingObjects skip / overwrite-if-different compare before writing); never into a backup
   * bucket or the export bucket.
   */
  grantWriteRestoredObjects(fn: BackupFunction): void {
    const { listed, buckets, conditions } = this.targets();
    const objects = buckets.map((arn) => `${arn}/*`);
    this.grantDescribeTargetBuckets(fn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          's3:GetObject',
          's3:GetObjectTagging',
          's3:PutObject',
          's3:PutObjectTagging',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        resources: objects,
        conditions,
      }),
    );
    this.denyWritesToBackupBuckets(fn);
    const reason =
      listed.length > 0
        ? 'Restored objects keep the keys of their source (chosen by users) under the prefix the request maps them to: objects of the allow-listed target buckets (restore.targetBuckets) can only be named as <bucket>/*.'
        : 'A restore writes where the request says (often the live source bucket): any bucket of this account (condition aws:ResourceAccount), never a backup or the export bucket (explicit Deny); restore.targetBuckets in the configuration narrows this to a list. Keys are the sources’, chosen by users.';
    for (const arn of [...buckets, ...objects]) {
      if (arn.includes('*')) acknowledge(fn.role, wildcardResource(arn, fn), reason);
    }
  }

  /** The backup buckets hold the recovery points: a restore may read them, never write them. */
  private denyWritesToBackupBuckets(fn: BackupFunction): void {
    const backupBuckets = backupBucketArns(this.scope.backupBuckets.all).buckets;
    const buckets = [...backupBuckets, this.scope.exportDestination.bucketArn];
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'NeverWriteIntoBackupOrExportBuckets',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject*'],
        resources: buckets.map((arn) => `${arn}/*`),
      }),
    );
  }
}

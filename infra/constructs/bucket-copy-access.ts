import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { drRegionsOf } from '../../functions/core/dr-regions.js';
import { acknowledge, wildcardResource } from '../nag.js';
import type { BackupFunction } from './backup-function.js';
import { backupBucketName, bucketArn, MANIFESTS_PREFIX } from './backup-bucket.js';
import type { RecoveryPointScope } from './recovery-point-scope.js';

/** A backup bucket the bucket-copy steps write to: its region and name (a token is fine). */
export interface BackupBucketTarget {
  readonly region: string;
  readonly bucketName: string;
}

/** The backup buckets a deployment uses, as the backup and prune workflows both see them. */
export interface BackupBuckets {
  /** The DR stack's bucket of each DR region (`<prefix>-backup-<account>-<region>`), by region. */
  readonly defaults: readonly BackupBucketTarget[];
  /** Those and every bucket a copyTo entry names, each (region, name) once. */
  readonly all: readonly BackupBucketTarget[];
}

/**
 * The backup buckets of the given copy destinations. The DR stack of each region creates
 * `<prefix>-backup-<account>-<region>`; the name is built here again (same account) instead of
 * referenced across regions. A copyTo entry may name its own bucket instead.
 */
export function backupBucketsOf(
  scope: IConstruct,
  prefix: string,
  drRegions: readonly string[],
  copyTargets: readonly { readonly region: string; readonly bucket?: string | undefined }[],
): BackupBuckets {
  const account = Stack.of(scope).account;
  const defaults: BackupBucketTarget[] = drRegions.map((region) => ({
    region,
    bucketName: backupBucketName(prefix, account, region),
  }));
  const named: BackupBucketTarget[] = copyTargets.flatMap((target) =>
    target.bucket ? [{ region: target.region, bucketName: target.bucket }] : [],
  );
  const all = [...defaults, ...named].filter(
    (target, index, every) =>
      every.findIndex(
        (other) => other.region === target.region && other.bucketName === target.bucketName,
      ) === index,
  );
  return { defaults, all };
}

/** The ARNs of the backup buckets, and of every object in them. */
export function backupBucketArns(targets: readonly BackupBucketTarget[]): {
  buckets: string[];
  objects: string[];
} {
  const buckets = targets.map((target) => bucketArn(target.bucketName));
  return { buckets, objects: buckets.map((arn) => `${arn}/*`) };
}

/**
 * The S3 and KMS permissions of the bucket-copy steps (functions/adapters/s3-object-store.ts),
 * each granted to one function's role with the cdk-nag acknowledgement of its wildcards.
 *
 * Calls and the permissions S3 checks for them:
 * - ListObjectsV2 → s3:ListBucket on the bucket;
 * - HeadObject → s3:GetObject; GetObject (manifests) → s3:GetObject;
 * - CopyObject / UploadPartCopy → s3:GetObject (and s3:GetObjectTagging with TaggingDirective
 *   COPY) on the source object, s3:PutObject (and s3:PutObjectTagging when tags are copied or
 *   set) on the target object; Create/CompleteMultipartUpload and UploadPart → s3:PutObject;
 *   AbortMultipartUpload → s3:AbortMultipartUpload;
 * - GetObjectTagging / PutObjectTagging → s3:GetObjectTagging / s3:PutObjectTagging.
 */
export class BucketCopyAccess {
  constructor(private readonly scope: RecoveryPointScope) {}

  /** Resource Groups Tagging API GetResources: finds opted-in buckets in one filtered listing. */
  grantListTaggedBuckets(fn: BackupFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['tag:GetResources'], resources: ['*'] }),
    );
    acknowledge(
      fn.role,
      wildcardResource('*'),
      'tag:GetResources (Resource Groups Tagging API) accepts no resource-level permissions: Resource "*" is the only value; it returns tags and ARNs only, no data.',
    );
  }

  /**
   * S3 Inventory of the source buckets: their inventory configurations, and the reports in the
   * destination buckets users chose (in this account) — the same account-wide read as sources.
   */
  grantReadInventoryReports(fn: BackupFunction): void {
    const account = { StringEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID } };
    const buckets = `arn:${Aws.PARTITION}:s3:::*`;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetInventoryConfiguration'],
        resources: [buckets],
        conditions: account,
      }),
    );
    this.readSourceBuckets(fn);
  }

  /** Read the source buckets, when the deployment has backup buckets to copy them into. */
  grantReadSources(fn: BackupFunction): void {
    if (this.scope.backupBuckets.all.length > 0) this.readSourceBuckets(fn);
  }

  /**
   * Read any bucket of this account: sources are opted in by their `backup:policy` tag at run
   * time, so they cannot be named in advance. Limited to buckets owned by this account
   * (aws:ResourceAccount). Objects encrypted with a customer managed key need that key's policy
   * to allow the role (not granted here: the stack grants only keys it owns).
   */
  private readSourceBuckets(fn: BackupFunction): void {
    const account = { StringEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID } };
    const buckets = `arn:${Aws.PARTITION}:s3:::*`;
    const objects = `arn:${Aws.PARTITION}:s3:::*/*`;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [buckets],
        conditions: account,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetObjectTagging',
          's3:GetObjectAttributes',
        ],
        resources: [objects],
        conditions: account,
      }),
    );
    const reason =
      'Source buckets are opted in by their backup:policy tag at run time, so they cannot be named in advance; the statement is limited to read actions on buckets of this account (condition aws:ResourceAccount).';
    acknowledge(fn.role, wildcardResource(buckets, fn), reason);
    acknowledge(fn.role, wildcardResource(objects, fn), reason);
  }

  /**
   * Read and write the copies in the backup buckets (by name, one per DR region or named by a
   * copyTo entry), with the keys that encrypt them.
   */
  grantWriteCopies(fn: BackupFunction): void {
    const targets = this.scope.backupBuckets.all;
    if (targets.length === 0) return;
    const { buckets, objects } = backupBucketArns(targets);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: buckets }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          's3:GetObject',
          's3:PutObject',
          's3:PutObjectTagging',
          's3:GetObjectTagging',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        resources: objects,
      }),
    );
    for (const arn of objects) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        'Copies keep the source keys (chosen by users) under a prefix per source bucket, and manifests are named by run id: objects of the backup bucket can only be named as <bucket>/*.',
      );
    }
    this.grantUseBackupKeys(fn, [
      'kms:Encrypt',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
    ]);
  }

  /** Write a run's manifest index and tag its manifest parts (`.manifests/` of the backup buckets). */
  grantRecordManifests(fn: BackupFunction): void {
    const targets = this.scope.backupBuckets.all;
    if (targets.length === 0) return;
    const manifests = targets.map(
      (target) => `${bucketArn(target.bucketName)}/${MANIFESTS_PREFIX}*`,
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:PutObjectTagging'],
        resources: manifests,
      }),
    );
    for (const arn of manifests) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        'Manifests are named after the source bucket and the run id (generated at run time): the statement is limited to the .manifests/ prefix of the backup bucket.',
      );
    }
    // A single PutObject of the index into an SSE-KMS bucket needs a data key, nothing else.
    this.grantUseBackupKeys(fn, ['kms:GenerateDataKey']);
  }

  /**
   * The DR key of each region, addressed by its alias (no cross-region reference, as for snapshot
   * copies) and usable only through S3 in that region (kms:ViaService). Also used by the prune
   * workflow (prune-access.ts) to read manifests.
   */
  grantUseBackupKeys(fn: BackupFunction, actions: string[]): void {
    const distinct = drRegionsOf(this.scope.backupBuckets.all);
    const alias = this.scope.drKeyAlias;
    const stack = Stack.of(fn);
    const keys = distinct.map((region) =>
      stack.formatArn({ service: 'kms', region, resource: 'key', resourceName: '*' }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions,
        resources: keys,
        conditions: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias },
          StringEquals: {
            'kms:ViaService': distinct.map((region) => `s3.${region}.amazonaws.com`),
          },
        },
      }),
    );
    for (const arn of keys) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        `Backup buckets are encrypted with the DR key aliased ${alias}, created in another stack and region; the statement names it by that alias (condition kms:ResourceAliases) and allows it only through S3 (kms:ViaService), the only way to address it without a cross-region reference.`,
      );
    }
  }
}

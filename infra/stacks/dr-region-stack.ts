import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { BackupBucket } from '../constructs/backup-bucket.js';
import { DrKey } from '../constructs/dr-key.js';

export interface DrRegionStackProps extends StackProps {
  readonly prefix: string;
  /** `config.drKeyAlias`: the same alias in every DR region. */
  readonly keyAlias: string;
  /** Noncurrent versions of the backup bucket expire after this many days (undefined: never). */
  readonly noncurrentVersionDays: number | undefined;
  /** Object Lock default retention in days (context `objectLock`/`objectLockDays`); undefined: off. */
  readonly objectLockDays: number | undefined;
}

/**
 * One small stack per DR region (every distinct `copyTo` region of any policy): the key that
 * encrypts snapshot, image and bucket copies there, and the backup bucket that tagged S3 buckets
 * are copied into (with its access-log bucket). Nothing in the primary region references it by
 * id: the functions find the key by its alias and the bucket by its deterministic name.
 */
export class DrRegionStack extends Stack {
  readonly key: kms.IKey;
  readonly backupBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DrRegionStackProps) {
    super(scope, id, props);
    this.key = new DrKey(this, 'DrKey', { alias: props.keyAlias, prefix: props.prefix }).key;
    this.backupBucket = new BackupBucket(this, 'BackupBucket', {
      prefix: props.prefix,
      encryptionKey: this.key,
      noncurrentVersionDays: props.noncurrentVersionDays,
      objectLockDays: props.objectLockDays,
    }).bucket;
    new CfnOutput(this, 'BackupBucketName', {
      value: this.backupBucket.bucketName,
      description: `Bucket that tagged S3 buckets are copied into in ${this.region} (BACKUP_BUCKETS)`,
    });
  }
}

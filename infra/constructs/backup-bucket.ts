import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { BackupConfig, Retention } from '../../functions/core/config.js';
import { accessLogsBucket } from './access-logs-bucket.js';
import { privateDataBucketProps } from './data-bucket-props.js';

/**
 * Days a noncurrent version outlives the longest retention horizon of the policies copying to a
 * region: covers runs that finish late, clock skew and a prune that has not caught up yet.
 */
export const NONCURRENT_MARGIN_DAYS = 7;

/** Prefix of the bucket-copy manifests, defined with the manifests (functions/core/run-state/bucket-copy.ts). */
export { MANIFESTS_PREFIX } from '../../functions/core/run-state/bucket-copy.js';

/**
 * The deterministic name of the backup bucket the DR stack creates in `region`:
 * `<prefix>-backup-<account>-<region>`. The primary region's stateless stack builds the same
 * name (with its own account token) instead of referencing the DR stack across regions.
 * `account` may be a token (`Stack.account` of an account-agnostic stack): it resolves to the
 * 12-digit account id, which the length check assumes.
 */
export function backupBucketName(prefix: string, account: string, region: string): string {
  const accountLength = Token.isUnresolved(account) ? 12 : account.length;
  const length = `${prefix}-backup--${region}`.length + accountLength;
  if (length > 63) {
    throw new Error(
      `backup bucket name ${prefix}-backup-<account>-${region} would be ${length} characters (S3 allows 63): use a shorter context "prefix"`,
    );
  }
  return `${prefix}-backup-${account}-${region}`;
}

/**
 * Days after which any age-based rule stops keeping a recovery point made under `retention`,
 * as in functions/core/retention-horizon.ts, with months counted as 31 days and years as 366:
 * `maxAgeDays` when set, else the longest of the daily, weekly, monthly and yearly tiers (and
 * `minAgeDays`). Undefined when no age-based rule is set (only `keepLast`): such points never
 * expire by age (`backup:expires-at` = `never`).
 */
export function retentionHorizonDays(retention: Retention): number | undefined {
  if (retention.maxAgeDays !== undefined && retention.maxAgeDays > 0) return retention.maxAgeDays;
  const tiers = [
    retention.daily ?? 0,
    7 * (retention.weekly ?? 0),
    31 * (retention.monthly ?? 0),
    366 * (retention.yearly ?? 0),
  ];
  const longest = Math.max(...tiers);
  if (longest === 0) return undefined;
  return Math.max(1, longest, retention.minAgeDays ?? 0);
}

/**
 * Days after which the backup bucket of `region` expires noncurrent versions: the longest
 * retention horizon of every copy to that region (the copyTo entry's own retention, else its
 * policy's) plus NONCURRENT_MARGIN_DAYS. Undefined (keep noncurrent versions) when no policy
 * copies there, or when any copy there keeps its points with no age limit (keepLast only).
 */
export function noncurrentVersionDays(config: BackupConfig, region: string): number | undefined {
  const horizons = Object.values(config.policies).flatMap((policy) =>
    policy.copyTo
      .filter((target) => target.region === region)
      .map((target) => retentionHorizonDays(target.retention ?? policy.retention)),
  );
  if (horizons.length === 0 || horizons.some((days) => days === undefined)) return undefined;
  return Math.max(...(horizons as number[])) + NONCURRENT_MARGIN_DAYS;
}

export interface BackupBucketProps {
  readonly prefix: string;
  /** The region's DR key: default encryption (SSE-KMS with an S3 Bucket Key). */
  readonly encryptionKey: kms.IKey;
  /** See noncurrentVersionDays; undefined keeps noncurrent versions until a prune removes them. */
  readonly noncurrentVersionDays: number | undefined;
  /** Object Lock with a GOVERNANCE default retention of this many days (context `objectLock`). */
  readonly objectLockDays?: number | undefined;
}

/**
 * The backup bucket of one DR region: every tagged source bucket is copied into it under
 * `<source bucket>/`, and each run's manifest under `.manifests/<source bucket>/<run id>/`.
 * Versioned (an overwritten or deleted copy stays recoverable until retention expires it), no
 * public access, ACLs disabled, TLS only, SSE-KMS with the DR key, server access logs to a log
 * bucket of the same region, retained. Its name is deterministic (backupBucketName).
 */
export class BackupBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.accessLogsBucket = accessLogsBucket(this, 'AccessLogs', 'backup');
    const lifecycleRules: s3.LifecycleRule[] = [
      // Multipart copies (UploadPartCopy) and streamed manifests that a timed-out turn left open.
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
    ];
    if (props.noncurrentVersionDays !== undefined) {
      // Bucket-wide, so `.manifests/` is governed by the same rule as the copies it lists.
      lifecycleRules.push({
        id: 'expire-noncurrent-versions-after-retention',
        noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays),
        expiredObjectDeleteMarker: true,
      });
    }
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: backupBucketName(props.prefix, stack.account, stack.region),
      ...privateDataBucketProps(props.encryptionKey, {
        bucket: this.accessLogsBucket,
        prefix: 'backup-bucket/',
      }),
      lifecycleRules,
      ...(props.objectLockDays !== undefined
        ? {
            objectLockEnabled: true,
            objectLockDefaultRetention: s3.ObjectLockRetention.governance(
              Duration.days(props.objectLockDays),
            ),
          }
        : {}),
    });
  }
}

/** ARN of a bucket named by a plain or tokenized name, in the stack's partition. */
export function bucketArn(name: string): string {
  return `arn:${Aws.PARTITION}:s3:::${name}`;
}

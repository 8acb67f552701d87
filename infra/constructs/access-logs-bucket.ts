import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

/**
 * The destination of one bucket's S3 server access logs, in the same region: SSE-S3 (S3 server
 * access logging cannot deliver to an SSE-KMS bucket), no public access, ACLs disabled, TLS only,
 * versioned, retained, logs kept a year. Delivery is authorised by a bucket policy for
 * `logging.s3.amazonaws.com` (context `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`). It
 * never has Object Lock: S3 cannot deliver access logs to an Object Lock bucket.
 */
export function accessLogsBucket(scope: Construct, id: string, loggedBucket: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      {
        id: 'expire-access-logs',
        expiration: Duration.days(365),
        noncurrentVersionExpiration: Duration.days(30),
      },
    ],
  });
  acknowledge(
    bucket,
    'AwsSolutions-S1',
    `This bucket is the server access log destination of the ${loggedBucket} bucket; logging its own access would deliver logs about log deliveries (S3 recommends against a bucket logging to itself).`,
  );
  return bucket;
}

import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What every bucket holding the product's data shares: SSE-KMS with an S3 Bucket Key (one KMS
 * data key per bucket and period instead of one KMS call per object part), no public access, ACLs
 * disabled, TLS only, versioned, retained, and its access logged to its own log bucket.
 */
export function privateDataBucketProps(
  encryptionKey: kms.IKey,
  logs: { bucket: s3.IBucket; prefix: string },
): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    serverAccessLogsBucket: logs.bucket,
    serverAccessLogsPrefix: logs.prefix,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

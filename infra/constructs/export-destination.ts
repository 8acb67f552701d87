import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, wildcardResource } from '../nag.js';
import { accessLogsBucket } from './access-logs-bucket.js';
import { privateDataBucketProps } from './data-bucket-props.js';

/**
 * What another stack of the region needs of the export destination. The values are imported from
 * CloudFormation exports with fixed names (`<stateful stack>:ExportBucketArn`, ...), so the
 * consumer's policies, and the cdk-nag acknowledgements that name them, are predictable.
 */
export interface ExportDestinationRef {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly vmImportRoleArn: string;
  readonly vmImportRoleName: string;
  /** The key of the bucket's default encryption. */
  readonly encryptionKey: kms.IKey;
}

export interface ExportDestinationProps {
  /** The primary key: default encryption (SSE-KMS) of the export bucket. */
  readonly encryptionKey: kms.IKey;
  /** Name of the VM Import/Export service role (ExportImage takes the role by name). */
  readonly vmImportRoleName: string;
}

/**
 * Where portable image exports land, in the primary region: the export bucket (ExportImage's
 * VMDK/VHD/RAW files and CreateStoreImageTask's objects), the bucket its server access logs go
 * to, and the VM Import/Export service role that ExportImage writes with.
 *
 * The bucket has a generated name (stable logical id, name chosen by CloudFormation, output as
 * ExportBucketName and handed to the functions through the environment). A predictable name such
 * as `<prefix>-exports-<account>-<region>` can be registered first by anyone in another account
 * (exports would then fail or, worse, land in a foreign bucket) and can exceed 63 characters
 * with a long prefix and region name.
 */
export class ExportDestination extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  /** Trusted by vmie.amazonaws.com (ExternalId vmimport); the export function passes it. */
  readonly vmImportRole: iam.Role;
  /** The role's name as a plain string: ExportImage takes the name, and no export is needed for it. */
  readonly vmImportRoleName: string;
  readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: ExportDestinationProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.vmImportRoleName = props.vmImportRoleName;

    this.accessLogsBucket = accessLogsBucket(this, 'AccessLogs', 'export');

    this.bucket = new s3.Bucket(this, 'Bucket', {
      // SSE-KMS with the primary key. ExportImage writes through the vmimport role and
      // CreateStoreImageTask with the caller's permissions; both are granted the key below and
      // in the export function's role.
      ...privateDataBucketProps(props.encryptionKey, {
        bucket: this.accessLogsBucket,
        prefix: 'export-bucket/',
      }),
      lifecycleRules: [
        // Exports and stored images are multi-GiB multipart uploads; a failed one leaves parts.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    this.vmImportRole = this.createVmImportRole(props);
  }

  /** The VM Import/Export service role, with the policy AWS documents for it, on this bucket and key. */
  private createVmImportRole(props: ExportDestinationProps): iam.Role {
    const role = new iam.Role(this, 'VmImportRole', {
      roleName: props.vmImportRoleName,
      description:
        'VM Import/Export service role: ExportImage reads the image and writes the disk image to the export bucket',
      assumedBy: new iam.ServicePrincipal('vmie.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': 'vmimport' } },
      }),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:ModifySnapshotAttribute',
          'ec2:CopySnapshot',
          'ec2:RegisterImage',
          'ec2:Describe*',
        ],
        resources: ['*'],
      }),
    );
    // The export is written to an SSE-KMS bucket, and images may have snapshots encrypted with the
    // primary key: the role uses that key (and only it).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'kms:CreateGrant',
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:Encrypt',
          'kms:GenerateDataKey*',
          'kms:ReEncrypt*',
        ],
        resources: [props.encryptionKey.keyArn],
      }),
    );
    acknowledge(
      role,
      wildcardResource(this.bucket.arnForObjects('*'), this),
      'ExportImage names its output object after the export task id, which EC2 generates; the role can read and write objects of the export bucket only.',
    );
    acknowledge(
      role,
      wildcardResource('*'),
      'This is the service role policy AWS documents for VM Import/Export: ec2:ModifySnapshotAttribute, CopySnapshot and RegisterImage act on snapshots and images the service creates during the task (ids unknown in advance), and ec2:Describe* accepts no resource-level permissions.',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Action::ec2:Describe*]',
      'VM Import/Export documents ec2:Describe* for its service role; read-only describe calls, which accept no resource-level permissions.',
    );
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Action::${action}]`,
        'The data-key action set AWS documents for the VM Import/Export service role, limited to the one primary key ARN that encrypts the export bucket.',
      );
    }
    return role;
  }

  /**
   * The destination for another stack: exports with fixed names (strong references: this stack
   * cannot drop them while the other uses them), imported there as Fn::ImportValue.
   */
  exportReferences(): ExportDestinationRef {
    const stack = Stack.of(this);
    const exported = (name: string, value: string) =>
      stack.exportValue(value, { name: `${stack.stackName}:${name}` });
    return {
      bucketName: exported('ExportBucketName', this.bucket.bucketName),
      bucketArn: exported('ExportBucketArn', this.bucket.bucketArn),
      vmImportRoleArn: exported('VmImportRoleArn', this.vmImportRole.roleArn),
      vmImportRoleName: this.vmImportRoleName,
      encryptionKey: this.encryptionKey,
    };
  }
}

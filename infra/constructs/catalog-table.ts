import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CatalogKeys } from '../../functions/core/catalog-keys.js';
import { acknowledge, wildcardAction } from '../nag.js';
import type { BackupFunction } from './backup-function.js';

export interface CatalogTableProps {
  readonly encryptionKey: kms.IKey;
  /** A known name, so `backupctl` finds the catalog without stack lookups (`<prefix>-catalog`). */
  readonly tableName: string;
}

/**
 * The recovery-point catalog. Key design comes from `functions/core/catalog-keys.ts`, the same
 * constants the DynamoDB adapter uses, so table and code cannot drift. On-demand capacity,
 * point-in-time recovery, customer managed encryption, deletion protection and RETAIN: the
 * catalog is the index of every backup and must survive a mistaken `cdk destroy`.
 */
export class CatalogTable extends Construct {
  readonly table: dynamodb.Table;
  readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: CatalogTableProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const string = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: CatalogKeys.partitionKey, type: string },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: CatalogKeys.bySourceIndex,
      partitionKey: { name: CatalogKeys.bySourcePartitionKey, type: string },
      sortKey: { name: CatalogKeys.sortKey, type: string },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: CatalogKeys.byPolicyIndex,
      partitionKey: { name: CatalogKeys.byPolicyPartitionKey, type: string },
      sortKey: { name: CatalogKeys.sortKey, type: string },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: CatalogKeys.byCreationIndex,
      partitionKey: { name: CatalogKeys.byCreationPartitionKey, type: string },
      sortKey: { name: CatalogKeys.sortKey, type: string },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  /**
   * Lets a function write and read recovery points by id (the backup workflow indexes what it
   * created). The indexes are maintained by DynamoDB, so no index ARN is needed; listings by
   * index get their own grant with the restore API.
   */
  grantRecordRecoveryPoints(fn: BackupFunction): void {
    const { role } = fn;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:BatchWriteItem',
          'dynamodb:PutItem',
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
        ],
        resources: [this.table.tableArn],
      }),
    );
    this.encryptionKey.grantEncryptDecrypt(role);
    const reason =
      'DynamoDB encrypts the catalog with the primary customer managed key on behalf of the caller; this is the standard data-key action set (as in the AWS key policy for DynamoDB), limited to that one key ARN.';
    acknowledge(role, wildcardAction('kms:ReEncrypt*'), reason);
    acknowledge(role, wildcardAction('kms:GenerateDataKey*'), reason);
  }

  /**
   * Lets a function list recovery points through the byPolicy and bySource indexes (Query) and read
   * one by id (GetItem), e.g. to pick the images a restore test boots. No Scan.
   */
  grantListRecoveryPoints(fn: BackupFunction): void {
    const { role } = fn;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [CatalogKeys.byPolicyIndex, CatalogKeys.bySourceIndex].map(
          (index) => `${this.table.tableArn}/index/${index}`,
        ),
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [this.table.tableArn] }),
    );
    this.encryptionKey.grantDecrypt(role);
  }

  /**
   * Lets a function list the recovery points of one source through the bySource index (Query only),
   * e.g. to find a bucket's previous copy run and its manifest.
   */
  grantQueryBySource(fn: BackupFunction): void {
    const { role } = fn;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${CatalogKeys.bySourceIndex}`],
      }),
    );
    this.encryptionKey.grantDecrypt(role);
  }

  /**
   * The restore API's reads: recovery points by id, by policy or source, and all of them, newest
   * first (Query on the three indexes). Read only.
   */
  grantBrowseRecoveryPoints(fn: BackupFunction): void {
    this.grantListRecoveryPoints(fn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${CatalogKeys.byCreationIndex}`],
      }),
    );
  }
}

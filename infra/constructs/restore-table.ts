import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RestoreTableKeys } from '../../functions/core/restore/restore-table-keys.js';
import { acknowledge, wildcardAction } from '../nag.js';
import type { BackupFunction } from './backup-function.js';

export interface RestoreTableProps {
  readonly encryptionKey: kms.IKey;
  /** A known name, so `backupctl` finds it without stack lookups (`<prefix>-restores`). */
  readonly tableName: string;
}

/**
 * The restore table: every restore's record and the API's idempotency claims
 * (functions/core/restore/restore-table-keys.ts, the same constants the DynamoDB adapter
 * functions/adapters/dynamodb-restore-store.ts uses, so table and code cannot drift). Claims
 * expire through DynamoDB's TTL; the `byCreatedAt` index lists restores newest first. Kept like
 * the catalog (infra/constructs/catalog-table.ts): on-demand, point-in-time recovery, the primary
 * key, deletion protection and RETAIN, since a restore's record is the audit trail of what it
 * created.
 */
export class RestoreTable extends Construct {
  readonly table: dynamodb.Table;
  readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: RestoreTableProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const string = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: RestoreTableKeys.partitionKey, type: string },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      timeToLiveAttribute: RestoreTableKeys.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: RestoreTableKeys.byCreatedAtIndex,
      partitionKey: { name: RestoreTableKeys.listPartitionKey, type: string },
      sortKey: { name: RestoreTableKeys.listSortKey, type: string },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  /**
   * What the restore store adapter calls for a workflow step that records progress: GetItem and
   * a conditional PutItem (the adapter updates by version, never with UpdateItem or DeleteItem).
   */
  grantRecordRestores(fn: BackupFunction): void {
    this.allow(fn, ['dynamodb:GetItem', 'dynamodb:PutItem'], [this.table.tableArn]);
  }

  /**
   * What the API calls: the workflow's reads and writes (records and idempotency claims, both
   * by conditional PutItem) and the listing through the `byCreatedAt` index (Query, no Scan).
   */
  grantManageRestores(fn: BackupFunction): void {
    this.grantRecordRestores(fn);
    this.allow(
      fn,
      ['dynamodb:Query'],
      [`${this.table.tableArn}/index/${RestoreTableKeys.byCreatedAtIndex}`],
    );
  }

  private allow(fn: BackupFunction, actions: string[], resources: string[]): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
    this.encryptionKey.grantEncryptDecrypt(fn.role);
    const reason =
      'DynamoDB encrypts the restore table with the primary customer managed key on behalf of the caller; this is the standard data-key action set (as in the AWS key policy for DynamoDB), limited to that one key ARN.';
    acknowledge(fn.role, wildcardAction('kms:ReEncrypt*'), reason);
    acknowledge(fn.role, wildcardAction('kms:GenerateDataKey*'), reason);
  }
}

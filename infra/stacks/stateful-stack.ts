import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { CatalogTable } from '../constructs/catalog-table.js';
import { ExportDestination } from '../constructs/export-destination.js';
import { PrimaryKey } from '../constructs/primary-key.js';
import { RestoreTable } from '../constructs/restore-table.js';

export interface StatefulStackProps extends StackProps {
  readonly prefix: string;
  /** Name of the VM Import/Export service role (context `vmImportRoleName`). */
  readonly vmImportRoleName: string;
}

/**
 * What must outlive any redeployment, in the primary region: the primary KMS key, the
 * recovery-point catalog, the restore table, and the export bucket with the VM Import/Export role. Everything that
 * holds data is retained on delete. (Backup buckets with Object Lock will join this stack.)
 */
export class StatefulStack extends Stack {
  readonly key: kms.IKey;
  readonly catalog: CatalogTable;
  readonly restores: RestoreTable;
  readonly exportDestination: ExportDestination;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.key = new PrimaryKey(this, 'PrimaryKey', { prefix: props.prefix }).key;
    this.catalog = new CatalogTable(this, 'Catalog', {
      encryptionKey: this.key,
      tableName: `${props.prefix}-catalog`,
    });
    this.restores = new RestoreTable(this, 'Restores', {
      encryptionKey: this.key,
      tableName: `${props.prefix}-restores`,
    });
    this.exportDestination = new ExportDestination(this, 'Exports', {
      encryptionKey: this.key,
      vmImportRoleName: props.vmImportRoleName,
    });
    new CfnOutput(this, 'ExportBucketName', {
      value: this.exportDestination.bucket.bucketName,
      description: 'Bucket that image exports (ExportImage, CreateStoreImageTask) are written to',
    });
    new CfnOutput(this, 'CatalogTableName', {
      value: this.catalog.table.tableName,
      description: 'backupctl --catalog-table (or CATALOG_TABLE_NAME)',
    });
    new CfnOutput(this, 'RestoreTableName', {
      value: this.restores.table.tableName,
      description: 'Restore records and idempotency claims of the restore API (RESTORE_TABLE_NAME)',
    });
  }
}

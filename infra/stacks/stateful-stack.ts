import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { CatalogTable } from '../constructs/catalog-table.js';
import { PrimaryKey } from '../constructs/primary-key.js';

export interface StatefulStackProps extends StackProps {
  readonly prefix: string;
}

/**
 * What must outlive any redeployment, in the primary region: the primary KMS key and the
 * recovery-point catalog. Everything here is retained on delete. (Backup buckets with Object
 * Lock will join this stack.)
 */
export class StatefulStack extends Stack {
  readonly key: kms.IKey;
  readonly catalog: CatalogTable;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.key = new PrimaryKey(this, 'PrimaryKey', { prefix: props.prefix }).key;
    this.catalog = new CatalogTable(this, 'Catalog', {
      encryptionKey: this.key,
      tableName: `${props.prefix}-catalog`,
    });
    new CfnOutput(this, 'CatalogTableName', {
      value: this.catalog.table.tableName,
      description: 'backupctl --catalog-table (or CATALOG_TABLE_NAME)',
    });
  }
}

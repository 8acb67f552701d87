import type { Context } from 'aws-lambda';
import { DynamoDbRecoveryPointCatalog } from '../adapters/dynamodb-recovery-point-catalog.js';
import { catalogEnvironment } from '../environment/catalog-environment.js';
import { environmentOf } from './lambda-handler.js';

const catalogs = new Map<string, DynamoDbRecoveryPointCatalog>();

/**
 * The catalog the function's environment names (functions/environment/catalog-environment.ts),
 * one per table and region, made on first use.
 */
export function recoveryPointCatalog(context: Context): DynamoDbRecoveryPointCatalog {
  const { tableName, region } = catalogEnvironment.read(environmentOf(context));
  const key = `${region}/${tableName}`;
  let catalog = catalogs.get(key);
  if (!catalog) {
    catalog = DynamoDbRecoveryPointCatalog.inRegion(tableName, region);
    catalogs.set(key, catalog);
  }
  return catalog;
}

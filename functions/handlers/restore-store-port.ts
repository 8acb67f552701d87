import { DynamoDbRestoreStore } from '../adapters/dynamodb-restore-store.js';
import type { EnvironmentSource } from '../environment/environment-contract.js';
import { restoreEnvironment } from '../environment/restore-environment.js';
import type { RestoreStore } from '../ports/restore-store.js';

const stores = new Map<string, RestoreStore>();

/**
 * The restore store the environment names (functions/environment/restore-environment.ts), one
 * per table and region, made on first use. In a handler: `restoreStorePort(environmentOf(context))`.
 */
export function restoreStorePort(environment: EnvironmentSource = process.env): RestoreStore {
  const { tableName, region } = restoreEnvironment.read(environment);
  const key = `${region}/${tableName}`;
  let store = stores.get(key);
  if (!store) {
    store = DynamoDbRestoreStore.inRegion(tableName, region);
    stores.set(key, store);
  }
  return store;
}

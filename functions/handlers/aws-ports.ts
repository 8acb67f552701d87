import { DynamoDbRecoveryPointCatalog } from '../adapters/dynamodb-recovery-point-catalog.js';
import { Ec2SnapshotStore } from '../adapters/ec2-snapshot-store.js';
import { InvalidInputError } from '../core/errors.js';
import type { SnapshotStore } from '../ports/snapshot-store.js';

/** Ports wired to AWS, created once per Lambda container and reused across invocations. */
const stores = new Map<string, SnapshotStore>();

export function snapshotStoreFor(region: string): SnapshotStore {
  let store = stores.get(region);
  if (!store) {
    store = new Ec2SnapshotStore(region);
    stores.set(region, store);
  }
  return store;
}

let catalog: DynamoDbRecoveryPointCatalog | undefined;

export function recoveryPointCatalog(): DynamoDbRecoveryPointCatalog {
  const tableName = process.env.CATALOG_TABLE_NAME;
  if (!tableName) throw new InvalidInputError('environment variable CATALOG_TABLE_NAME is not set');
  catalog ??= new DynamoDbRecoveryPointCatalog(tableName);
  return catalog;
}

/**
 * The restore table's key design, shared by the CDK table (infra/) and the DynamoDB adapter
 * (functions/adapters/dynamodb-restore-store.ts) so the two cannot drift. Restores have a table
 * of their own (not the catalog's): one partition key `pk` holds two item types, a restore
 * (`restore#<restoreId>`) and an idempotency claim (`idempotency#<key>`, expired by DynamoDB's
 * TTL on `expiresAtEpochSeconds`). Restores also carry `listPartition` (one constant value) and
 * `listSortKey` (`<createdAt>#<restoreId>`), which the `byCreatedAt` index orders newest first
 * for `GET /v1/restores`; claims carry neither, so the index holds restores only. One index
 * partition is enough: restores are started by people and runbooks, a few per minute at most.
 */
export const RestoreTableKeys = {
  partitionKey: 'pk',
  byCreatedAtIndex: 'byCreatedAt',
  listPartitionKey: 'listPartition',
  listSortKey: 'listSortKey',
  /** DynamoDB TTL attribute (epoch seconds) of idempotency claims. */
  timeToLiveAttribute: 'expiresAtEpochSeconds',
} as const;

/** The one value of `listPartition`. */
export const restoreListPartition = 'restores';

export function restoreItemKey(restoreId: string): string {
  return `restore#${restoreId}`;
}

export function claimItemKey(idempotencyKey: string): string {
  return `idempotency#${idempotencyKey}`;
}

export function restoreListSortKey(createdAt: string, restoreId: string): string {
  return `${createdAt}#${restoreId}`;
}

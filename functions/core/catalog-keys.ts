/**
 * The catalog table's key design, shared by the CDK table and the DynamoDB adapter so the two
 * cannot drift. One item per recovery point, keyed by its id; two indexes answer the restore
 * API's listings (by source, by policy), newest first by `createdAt`.
 */
export const CatalogKeys = {
  partitionKey: 'id',
  bySourceIndex: 'bySource',
  bySourcePartitionKey: 'sourceId',
  byPolicyIndex: 'byPolicy',
  byPolicyPartitionKey: 'policy',
  sortKey: 'createdAt',
} as const;

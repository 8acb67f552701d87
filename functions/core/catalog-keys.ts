/**
 * The catalog table's key design, shared by the CDK table and the DynamoDB adapter so the two
 * cannot drift. One item per recovery point, keyed by its id; three indexes answer the restore
 * API's listings (by source, by policy, and all points), newest first by `createdAt`.
 */
export const CatalogKeys = {
  partitionKey: 'id',
  bySourceIndex: 'bySource',
  bySourcePartitionKey: 'sourceId',
  byPolicyIndex: 'byPolicy',
  byPolicyPartitionKey: 'policy',
  sortKey: 'createdAt',
  /**
   * Every point under one partition value, so an unfiltered listing is a Query that stops at its
   * page instead of a Scan of the whole table (bench/restore-api-latency.ts: 8.4 s a page at
   * 10,000 points). One partition of a GSI takes about 1,000 writes a second; the catalog is
   * written a batch at a time by the backup workflow, far below that (docs/scale.md).
   */
  byCreationIndex: 'byCreation',
  byCreationPartitionKey: 'listPartition',
  byCreationPartition: 'recovery-point',
} as const;

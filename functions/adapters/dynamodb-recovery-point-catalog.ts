import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { toBatches } from '../core/batching.js';
import { CatalogKeys } from '../core/catalog-keys.js';
import { BackupError } from '../core/errors.js';
import type { RecoveryPoint } from '../core/recovery-point.js';
import {
  matchesRecoveryPointQuery,
  newestFirst,
  type RecoveryPointCatalog,
  type RecoveryPointQuery,
} from '../ports/recovery-point-catalog.js';
import {
  pageCursorOf,
  pageLimitOf,
  pageOf,
  pageWindowOf,
  type RecoveryPointPage,
  type RecoveryPointPageQuery,
} from '../ports/recovery-point-page.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';

/** BatchWriteItem takes at most 25 items. */
const batchWriteLimit = 25;
const unprocessedRetries = 8;

export class CatalogWriteError extends BackupError {}

export class DynamoDbRecoveryPointCatalog implements RecoveryPointCatalog {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.documents = DynamoDBDocumentClient.from(client ?? new DynamoDBClient(awsClientConfig()), {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  /** The catalog table of one region, with the shared client settings. */
  static inRegion(tableName: string, region: string): DynamoDbRecoveryPointCatalog {
    return new DynamoDbRecoveryPointCatalog(tableName, new DynamoDBClient(awsClientConfig(region)));
  }

  async put(points: readonly RecoveryPoint[]): Promise<void> {
    for (const batch of toBatches(points, batchWriteLimit)) {
      let requests: BatchWriteCommandInput['RequestItems'] = {
        [this.tableName]: batch.map((point) => ({ PutRequest: { Item: itemOf(point) } })),
      };
      for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt += 1) {
        if (attempt > unprocessedRetries) {
          throw new CatalogWriteError(
            `catalog table ${this.tableName}: ${requests[this.tableName]?.length ?? 0} recovery points still unprocessed after ${unprocessedRetries} retries`,
          );
        }
        if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt) * Math.random());
        try {
          const output: BatchWriteCommandOutput = await this.documents.send(
            new BatchWriteCommand({ RequestItems: requests }),
          );
          requests = output.UnprocessedItems;
        } catch (error) {
          throw translateAwsError('BatchWriteItem', error);
        }
      }
    }
  }

  async get(id: string): Promise<RecoveryPoint | undefined> {
    try {
      const output = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: { [CatalogKeys.partitionKey]: id } }),
      );
      return output.Item ? pointOf(output.Item) : undefined;
    } catch (error) {
      throw translateAwsError('GetItem', error);
    }
  }

  async list(query: RecoveryPointQuery): Promise<RecoveryPoint[]> {
    const points: RecoveryPoint[] = [];
    try {
      for await (const page of this.pages(query)) {
        points.push(...(page.Items ?? []).map(pointOf));
      }
    } catch (error) {
      throw translateAwsError('Query', error);
    }
    return points.filter((point) => matchesRecoveryPointQuery(point, query)).sort(newestFirst);
  }

  /**
   * By source or policy, the index is read newest first within the time window (and up to the
   * token's place) only until the page is complete: past `limit` points, and past every point
   * that shares the last one's createdAt (the index leaves their order to DynamoDB; the page's
   * order is the ports' newestFirst). Without either, the byCreation index is read the same way.
   */
  async listPage(query: RecoveryPointPageQuery): Promise<RecoveryPointPage> {
    const inWindow = pageWindowOf(query);
    const limit = pageLimitOf(query);
    const cursor = pageCursorOf(query);
    const upTo = [query.before, cursor?.createdAt].filter((time) => time !== undefined).sort()[0];
    // BETWEEN refuses an empty range; nothing lies in one.
    if (query.after !== undefined && upTo !== undefined && query.after > upTo) return { items: [] };
    const matching: RecoveryPoint[] = [];
    try {
      // Pages of about the page's size, so a listing reads what it returns, not 1 MB each time.
      const window = { from: query.after, upTo, pageSize: limit + 1 };
      for await (const page of this.pages(query, window)) {
        for (const point of (page.Items ?? []).map(pointOf)) {
          if (matchesRecoveryPointQuery(point, query) && inWindow(point)) matching.push(point);
        }
        if (pageIsComplete(matching, limit)) break;
      }
    } catch (error) {
      throw translateAwsError('Query', error);
    }
    return pageOf(matching, query);
  }

  private pages(
    query: RecoveryPointQuery,
    window: { from?: string; upTo?: string; pageSize?: number } = {},
  ) {
    const byIndex = (index: string, key: string, value: string) =>
      paginateQuery(
        { client: this.documents },
        {
          TableName: this.tableName,
          IndexName: index,
          ...keyCondition(key, value, window),
          ScanIndexForward: false,
          ...(window.pageSize ? { Limit: window.pageSize } : {}),
        },
      );
    if (query.sourceId) {
      return byIndex(CatalogKeys.bySourceIndex, CatalogKeys.bySourcePartitionKey, query.sourceId);
    }
    if (query.policy) {
      return byIndex(CatalogKeys.byPolicyIndex, CatalogKeys.byPolicyPartitionKey, query.policy);
    }
    return byIndex(
      CatalogKeys.byCreationIndex,
      CatalogKeys.byCreationPartitionKey,
      CatalogKeys.byCreationPartition,
    );
  }
}

/** The item of a point: the point, and the byCreation index's constant partition value. */
function itemOf(point: RecoveryPoint): Record<string, unknown> {
  return { ...point, [CatalogKeys.byCreationPartitionKey]: CatalogKeys.byCreationPartition };
}

/** The point an item holds, without the index's attribute. */
function pointOf(item: Record<string, unknown>): RecoveryPoint {
  const { [CatalogKeys.byCreationPartitionKey]: _partition, ...point } = item;
  return point as unknown as RecoveryPoint;
}

/**
 * Creates the catalog table with the deployed stack's key design when it is missing: used by
 * local runs against an emulator, where no stack was deployed. Returns true when it created it.
 */
export async function ensureCatalogTable(
  tableName: string,
  clientOrRegion?: DynamoDBClient | string,
): Promise<boolean> {
  const dynamodb =
    typeof clientOrRegion === 'object'
      ? clientOrRegion
      : new DynamoDBClient(awsClientConfig(clientOrRegion));
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException))
      throw translateAwsError('DescribeTable', error);
  }
  const index = (name: string, partitionKey: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: CatalogKeys.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        CatalogKeys.partitionKey,
        CatalogKeys.bySourcePartitionKey,
        CatalogKeys.byPolicyPartitionKey,
        CatalogKeys.byCreationPartitionKey,
        CatalogKeys.sortKey,
      ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
      KeySchema: [{ AttributeName: CatalogKeys.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        index(CatalogKeys.bySourceIndex, CatalogKeys.bySourcePartitionKey),
        index(CatalogKeys.byPolicyIndex, CatalogKeys.byPolicyPartitionKey),
        index(CatalogKeys.byCreationIndex, CatalogKeys.byCreationPartitionKey),
      ],
    }),
  );
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 60 }, { TableName: tableName });
  return true;
}

/** The index's key condition: the partition, and createdAt within the window when it has one. */
function keyCondition(key: string, value: string, window: { from?: string; upTo?: string }) {
  const names: Record<string, string> = { '#key': key };
  const values: Record<string, string> = { ':value': value };
  let condition = '#key = :value';
  if (window.from !== undefined || window.upTo !== undefined) {
    names['#created'] = CatalogKeys.sortKey;
    if (window.from !== undefined) values[':from'] = window.from;
    if (window.upTo !== undefined) values[':upTo'] = window.upTo;
    condition +=
      window.from === undefined
        ? ' AND #created <= :upTo'
        : window.upTo === undefined
          ? ' AND #created >= :from'
          : ' AND #created BETWEEN :from AND :upTo';
  }
  return {
    KeyConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Read newest first: complete once a point older than the limit-th one has been read. */
function pageIsComplete(matching: RecoveryPoint[], limit: number): boolean {
  const last = matching.at(-1);
  const limitth = matching[limit - 1];
  return last !== undefined && limitth !== undefined && last.createdAt < limitth.createdAt;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

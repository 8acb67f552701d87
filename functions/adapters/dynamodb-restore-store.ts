import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { RestoreNotFoundError } from '../core/restore/restore-errors.js';
import type { RestoreRecord, RestoreStatus } from '../core/restore/restore-record.js';
import {
  claimItemKey,
  restoreItemKey,
  restoreListPartition,
  restoreListSortKey,
  RestoreTableKeys,
} from '../core/restore/restore-table-keys.js';
import { BackupError } from '../core/errors.js';
import type {
  IdempotencyClaim,
  RestoreListQuery,
  RestorePage,
  RestoreStore,
  RestoreUpdate,
} from '../ports/restore-store.js';
import { InvalidPageTokenError } from '../ports/recovery-point-page.js';
import { applyRestoreUpdate } from '../ports/restore-store-update.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';

/** An update that lost the optimistic-lock race this many times in a row gives up. */
const updateAttempts = 20;
const { partitionKey, listPartitionKey, listSortKey } = RestoreTableKeys;

export class RestoreStoreConflictError extends BackupError {}

/** What the table holds beside the record's own fields. */
interface StoredRestore extends RestoreRecord {
  pk: string;
  listPartition: string;
  listSortKey: string;
  /** Optimistic lock: every update is conditional on the version it read. */
  version: number;
}

/**
 * The restore store on DynamoDB (key design: functions/core/restore/restore-table-keys.ts).
 * Claims and creates are conditional puts; an update reads the record, applies the shared
 * update rule (ports/restore-store-update.ts) and writes it back conditional on the version it
 * read, so concurrent updates (a workflow step and a cancel) never lose one another's changes
 * and `expectStatus` is checked against the very state that is replaced.
 */
export class DynamoDbRestoreStore implements RestoreStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.documents = DynamoDBDocumentClient.from(client ?? new DynamoDBClient(awsClientConfig()), {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  static inRegion(tableName: string, region: string): DynamoDbRestoreStore {
    return new DynamoDbRestoreStore(tableName, new DynamoDBClient(awsClientConfig(region)));
  }

  async claim(claim: IdempotencyClaim, nowEpochSeconds: number): Promise<IdempotencyClaim> {
    const key = claimItemKey(claim.key);
    const written = await this.putUnless(
      { ...claim, [partitionKey]: key },
      'attribute_not_exists(#pk) OR #expires <= :now',
      { '#pk': partitionKey, '#expires': RestoreTableKeys.timeToLiveAttribute },
      { ':now': nowEpochSeconds },
    );
    if (written) return structuredClone(claim);
    const held = await this.read<IdempotencyClaim>(key);
    if (!held) return this.claim(claim, nowEpochSeconds);
    const { key: heldKey, restoreId, requestHash, expiresAtEpochSeconds } = held;
    return { key: heldKey, restoreId, requestHash, expiresAtEpochSeconds };
  }

  async create(record: RestoreRecord): Promise<RestoreRecord> {
    const written = await this.putUnless(toItem(record, 1), 'attribute_not_exists(#pk)', {
      '#pk': partitionKey,
    });
    if (written) return structuredClone(record);
    const held = await this.get(record.restoreId);
    if (!held) throw new RestoreStoreConflictError(`restore ${record.restoreId} vanished`);
    return held;
  }

  async get(restoreId: string): Promise<RestoreRecord | undefined> {
    const item = await this.read<StoredRestore>(restoreItemKey(restoreId));
    return item ? fromItem(item) : undefined;
  }

  async list(query: RestoreListQuery): Promise<RestorePage> {
    const limit = Math.max(1, Math.min(query.limit ?? 50, 1_000));
    const items: RestoreRecord[] = [];
    let startKey = query.nextToken ? decodeToken(query.nextToken) : undefined;
    let lastKey: Record<string, unknown> | undefined;
    do {
      const page = await this.queryPage(query, limit - items.length, startKey);
      for (const item of (page.Items ?? []) as StoredRestore[]) {
        if (items.length === limit) break;
        items.push(fromItem(item));
        lastKey = pageKeyOf(item);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    // A page cut at `limit` continues after its last item, not DynamoDB's (which may lie past
    // items the filter has not yet read), so pages are stable and none is skipped.
    const more = items.length >= limit ? lastKey : startKey;
    return more ? { items, nextToken: encodeToken(more) } : { items };
  }

  async update(
    restoreId: string,
    update: RestoreUpdate,
    expectStatus?: readonly RestoreStatus[],
  ): Promise<RestoreRecord | undefined> {
    for (let attempt = 0; attempt < updateAttempts; attempt += 1) {
      const item = await this.read<StoredRestore>(restoreItemKey(restoreId));
      if (!item) throw new RestoreNotFoundError(restoreId);
      const record = fromItem(item);
      if (expectStatus && !expectStatus.includes(record.status)) return undefined;
      const updated = applyRestoreUpdate(record, update);
      const written = await this.putUnless(
        toItem(updated, item.version + 1),
        '#version = :version',
        { '#version': 'version' },
        { ':version': item.version },
      );
      if (written) return updated;
    }
    throw new RestoreStoreConflictError(
      `restore ${restoreId}: ${updateAttempts} concurrent updates in a row won over this one`,
    );
  }

  private async queryPage(
    query: RestoreListQuery,
    limit: number,
    startKey: Record<string, unknown> | undefined,
  ) {
    const filters: string[] = [];
    const names: Record<string, string> = { '#list': listPartitionKey };
    const values: Record<string, unknown> = { ':list': restoreListPartition };
    if (query.status) {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = query.status;
    }
    if (query.kind) {
      filters.push('#kind = :kind');
      names['#kind'] = 'kind';
      values[':kind'] = query.kind;
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: RestoreTableKeys.byCreatedAtIndex,
      KeyConditionExpression: '#list = :list',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      // Without a filter every item read is returned, so read no more than the page needs.
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : { Limit: limit }),
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    };
    try {
      return await this.documents.send(new QueryCommand(input));
    } catch (error) {
      throw translateAwsError('Query', error);
    }
  }

  private async read<Item>(key: string): Promise<Item | undefined> {
    try {
      const output = await this.documents.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [partitionKey]: key },
          ConsistentRead: true,
        }),
      );
      return output.Item as Item | undefined;
    } catch (error) {
      throw translateAwsError('GetItem', error);
    }
  }

  /** A conditional put: false when the condition did not hold. */
  private async putUnless(
    item: object,
    condition: string,
    names: Record<string, string>,
    values?: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw translateAwsError('PutItem', error);
    }
  }
}

function toItem(record: RestoreRecord, version: number): StoredRestore {
  return {
    ...record,
    pk: restoreItemKey(record.restoreId),
    listPartition: restoreListPartition,
    listSortKey: restoreListSortKey(record.createdAt, record.restoreId),
    version,
  };
}

function fromItem(item: StoredRestore): RestoreRecord {
  const { pk: _pk, listPartition: _list, listSortKey: _sort, version: _version, ...record } = item;
  return record;
}

function pageKeyOf(item: StoredRestore): Record<string, unknown> {
  return {
    [partitionKey]: item.pk,
    [listPartitionKey]: item.listPartition,
    [listSortKey]: item.listSortKey,
  };
}

function encodeToken(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeToken(token: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString()) as unknown;
    if (
      key &&
      typeof key === 'object' &&
      Object.keys(key).sort().join() ===
        [listPartitionKey, listSortKey, partitionKey].sort().join() &&
      Object.values(key).every((value) => typeof value === 'string')
    ) {
      return key as Record<string, unknown>;
    }
  } catch {
    // falls through to the error below
  }
  throw new InvalidPageTokenError(token);
}

/**
 * Creates the restore table with the stack's key design when it is missing (local runs against
 * an emulator, where no stack was deployed). Returns true when it created it.
 */
export async function ensureRestoreTable(
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
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [partitionKey, listPartitionKey, listSortKey].map((name) => ({
        AttributeName: name,
        AttributeType: 'S' as const,
      })),
      KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: RestoreTableKeys.byCreatedAtIndex,
          KeySchema: [
            { AttributeName: listPartitionKey, KeyType: 'HASH' },
            { AttributeName: listSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 60 }, { TableName: tableName });
  await dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: {
        AttributeName: RestoreTableKeys.timeToLiveAttribute,
        Enabled: true,
      },
    }),
  );
  return true;
}

import {
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * Independent reads and writes straight against moto (bypassing the product's adapters and the
 * test cloud), so tests judge behaviour by what the emulated cloud holds.
 */
export function ec2At(endpoint: string, region: string): EC2Client {
  return new EC2Client({
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

export async function createTaggedVolume(
  ec2: EC2Client,
  tags: Record<string, string>,
  sizeGiB = 8,
): Promise<string> {
  const region = await ec2.config.region();
  const output = await ec2.send(
    new CreateVolumeCommand({
      AvailabilityZone: `${region}a`,
      Size: sizeGiB,
      ...(Object.keys(tags).length > 0
        ? {
            TagSpecifications: [
              {
                ResourceType: 'volume',
                Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
          }
        : {}),
    }),
  );
  return output.VolumeId ?? '';
}

export async function snapshotsOf(
  ec2: EC2Client,
  filters: Record<string, string> = {},
): Promise<Snapshot[]> {
  const output = await ec2.send(
    new DescribeSnapshotsCommand({
      OwnerIds: ['self'],
      Filters: Object.entries(filters).map(([Name, Value]) => ({ Name, Values: [Value] })),
    }),
  );
  return output.Snapshots ?? [];
}

export function tagsOf(resource: {
  Tags?: { Key?: string; Value?: string }[];
}): Record<string, string> {
  return Object.fromEntries((resource.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

export async function scanTable(
  endpoint: string,
  region: string,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, never> | undefined;
  do {
    const output = await client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }),
    );
    items.push(...(output.Items ?? []).map((item) => unmarshall(item)));
    startKey = output.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return items;
}

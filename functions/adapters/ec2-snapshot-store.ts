import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  EC2Client,
  paginateDescribeSnapshots,
  type Filter,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import { toBatches } from '../core/batching.js';
import { ManagedByValue, TagKeys, type Tags } from '../core/tag-keys.js';
import { SnapshotNotFoundError, VolumeNotFoundError } from '../ports/errors/snapshot-errors.js';
import type {
  CopySnapshotRequest,
  CreateSnapshotRequest,
  SnapshotRecord,
  SnapshotState,
  SnapshotStore,
} from '../ports/snapshot-store.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';

/** EC2 accepts up to 200 values in one filter. */
const filterValuesLimit = 200;

export class Ec2SnapshotStore implements SnapshotStore {
  private readonly client: EC2Client;

  constructor(
    readonly region: string,
    client?: EC2Client,
  ) {
    this.client = client ?? new EC2Client(awsClientConfig(region));
  }

  findRunSnapshots(runId: string, policy: string): Promise<SnapshotRecord[]> {
    return this.describe('DescribeSnapshots', [
      { Name: `tag:${TagKeys.run}`, Values: [runId] },
      { Name: `tag:${TagKeys.policy}`, Values: [policy] },
      { Name: `tag:${TagKeys.managedBy}`, Values: [ManagedByValue] },
    ]);
  }

  async createSnapshot(request: CreateSnapshotRequest): Promise<SnapshotRecord> {
    try {
      const snapshot = await this.client.send(
        new CreateSnapshotCommand({
          VolumeId: request.volumeId,
          Description: request.description,
          ...tagSpecifications(request.tags),
        }),
      );
      return toSnapshotRecord({ ...snapshot, Tags: snapshot.Tags ?? fromTags(request.tags) });
    } catch (error) {
      throw translateAwsError('CreateSnapshot', error, {
        'InvalidVolume.NotFound': (cause) => new VolumeNotFoundError(request.volumeId, { cause }),
      });
    }
  }

  async describeSnapshots(snapshotIds: string[]): Promise<SnapshotRecord[]> {
    // A filter (unlike SnapshotIds) tolerates ids that no longer exist.
    const found: SnapshotRecord[] = [];
    for (const ids of toBatches(snapshotIds, filterValuesLimit)) {
      found.push(
        ...(await this.describe('DescribeSnapshots', [{ Name: 'snapshot-id', Values: ids }])),
      );
    }
    return found;
  }

  async copySnapshot(request: CopySnapshotRequest): Promise<SnapshotRecord> {
    try {
      const output = await this.client.send(
        new CopySnapshotCommand({
          SourceRegion: request.sourceRegion,
          SourceSnapshotId: request.sourceSnapshotId,
          Description: request.description,
          ...(request.kmsKeyId ? { Encrypted: true, KmsKeyId: request.kmsKeyId } : {}),
          ...tagSpecifications(request.tags),
        }),
      );
      return {
        snapshotId: output.SnapshotId ?? '',
        volumeId: '',
        state: 'pending',
        tags: request.tags,
        ...(request.kmsKeyId ? { encrypted: true, kmsKeyId: request.kmsKeyId } : {}),
      };
    } catch (error) {
      throw translateAwsError('CopySnapshot', error, {
        'InvalidSnapshot.NotFound': (cause) =>
          new SnapshotNotFoundError(request.sourceSnapshotId, request.sourceRegion, { cause }),
      });
    }
  }

  async countCopiesInFlight(): Promise<number> {
    const pending = await this.describe('DescribeSnapshots', [
      { Name: 'status', Values: ['pending'] },
      { Name: `tag:${TagKeys.managedBy}`, Values: [ManagedByValue] },
      { Name: 'tag-key', Values: [TagKeys.copyOf] },
    ]);
    return pending.length;
  }

  private async describe(operation: string, filters: Filter[]): Promise<SnapshotRecord[]> {
    const records: SnapshotRecord[] = [];
    try {
      const pages = paginateDescribeSnapshots(
        { client: this.client, pageSize: 1000 },
        { OwnerIds: ['self'], Filters: filters },
      );
      for await (const page of pages) {
        records.push(...(page.Snapshots ?? []).map(toSnapshotRecord));
      }
    } catch (error) {
      throw translateAwsError(operation, error);
    }
    return records;
  }
}

/** EC2 rejects a tag specification without tags, so none is sent for an empty set. */
function tagSpecifications(tags: Tags) {
  const list = fromTags(tags);
  return list.length > 0
    ? { TagSpecifications: [{ ResourceType: 'snapshot' as const, Tags: list }] }
    : {};
}

function fromTags(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function toSnapshotRecord(snapshot: Snapshot): SnapshotRecord {
  return {
    snapshotId: snapshot.SnapshotId ?? '',
    volumeId: snapshot.VolumeId ?? '',
    state: (snapshot.State ?? 'pending') as SnapshotState,
    ...(snapshot.Progress ? { progress: snapshot.Progress } : {}),
    ...(snapshot.StateMessage ? { stateMessage: snapshot.StateMessage } : {}),
    ...(snapshot.StartTime ? { startTime: snapshot.StartTime.toISOString() } : {}),
    ...(snapshot.VolumeSize !== undefined ? { sizeGiB: snapshot.VolumeSize } : {}),
    ...(snapshot.Encrypted !== undefined ? { encrypted: snapshot.Encrypted } : {}),
    ...(snapshot.KmsKeyId ? { kmsKeyId: snapshot.KmsKeyId } : {}),
    tags: toTags(snapshot.Tags),
  };
}

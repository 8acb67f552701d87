import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeLockedSnapshotsCommand,
  EC2Client,
  paginateDescribeImages,
  paginateDescribeSnapshots,
  type Filter,
  type Image,
} from '@aws-sdk/client-ec2';
import { toBatches } from '../core/batching.js';
import { TagKeys, type Tags } from '../core/tag-keys.js';
import type {
  Ec2RecoveryPointStore,
  PrunableImage,
  PrunableSnapshot,
} from '../ports/ec2-recovery-point-store.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';

/** EC2 accepts up to 200 values in one filter, and up to 1,000 resources in one CreateTags. */
const filterValuesLimit = 200;
const tagBatchLimit = 1000;
/** Lock states in which a snapshot cannot be deleted. */
const lockingStates = ['governance', 'compliance', 'compliance-cooloff'];
/** Deleting what is already gone counts as done: pruning must be idempotent on re-run. */
const alreadyGone = new Set([
  'InvalidSnapshot.NotFound',
  'InvalidAMIID.NotFound',
  'InvalidAMIID.Unavailable',
]);

export class Ec2RecoveryPointStoreAdapter implements Ec2RecoveryPointStore {
  private readonly client: EC2Client;

  constructor(
    readonly region: string,
    client?: EC2Client,
  ) {
    this.client = client ?? new EC2Client(awsClientConfig(region));
  }

  async listPolicySnapshots(policy: string): Promise<PrunableSnapshot[]> {
    const found: PrunableSnapshot[] = [];
    try {
      const pages = paginateDescribeSnapshots(
        { client: this.client, pageSize: 1000 },
        { OwnerIds: ['self'], Filters: [policyFilter(policy)] },
      );
      for await (const page of pages) {
        for (const snapshot of page.Snapshots ?? []) {
          found.push({
            snapshotId: snapshot.SnapshotId ?? '',
            state: snapshot.State ?? 'pending',
            ...(snapshot.StartTime ? { startTime: snapshot.StartTime.toISOString() } : {}),
            tags: toTags(snapshot.Tags),
          });
        }
      }
    } catch (error) {
      throw translateAwsError('DescribeSnapshots', error);
    }
    return found;
  }

  async listPolicyImages(policy: string): Promise<PrunableImage[]> {
    return (await this.describeImages([policyFilter(policy)])).map(toPrunableImage);
  }

  async imageBackedSnapshotIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const image of await this.describeImages([]))
      for (const id of toPrunableImage(image).snapshotIds) ids.add(id);
    return ids;
  }

  async lockedSnapshotIds(snapshotIds: string[]): Promise<Set<string>> {
    const locked = new Set<string>();
    for (const ids of toBatches(snapshotIds, filterValuesLimit)) {
      let nextToken: string | undefined;
      do {
        try {
          const page = await this.client.send(
            new DescribeLockedSnapshotsCommand({
              SnapshotIds: ids,
              Filters: [{ Name: 'lock-state', Values: lockingStates }],
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
          );
          for (const info of page.Snapshots ?? []) if (info.SnapshotId) locked.add(info.SnapshotId);
          nextToken = page.NextToken;
        } catch (error) {
          throw translateAwsError('DescribeLockedSnapshots', error);
        }
      } while (nextToken);
    }
    return locked;
  }

  async tagResources(resourceIds: string[], tags: Tags): Promise<void> {
    const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    for (const ids of toBatches(resourceIds, tagBatchLimit)) {
      try {
        await this.client.send(new CreateTagsCommand({ Resources: ids, Tags: list }));
      } catch (error) {
        throw translateAwsError('CreateTags', error);
      }
    }
  }

  async deregisterImage(imageId: string): Promise<void> {
    await this.idempotent('DeregisterImage', () =>
      this.client.send(new DeregisterImageCommand({ ImageId: imageId })),
    );
  }

  async deleteSnapshot(snapshotId: string): Promise<void> {
    await this.idempotent('DeleteSnapshot', () =>
      this.client.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })),
    );
  }

  private async idempotent(operation: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (error instanceof Error && alreadyGone.has(error.name)) return;
      throw translateAwsError(operation, error);
    }
  }

  private async describeImages(filters: Filter[]): Promise<Image[]> {
    const images: Image[] = [];
    try {
      const pages = paginateDescribeImages(
        { client: this.client, pageSize: 1000 },
        // Disabled images still own their snapshots: they must be seen (and kept).
        {
          Owners: ['self'],
          IncludeDisabled: true,
          ...(filters.length > 0 ? { Filters: filters } : {}),
        },
      );
      for await (const page of pages) images.push(...(page.Images ?? []));
    } catch (error) {
      throw translateAwsError('DescribeImages', error);
    }
    return images;
  }
}

function policyFilter(policy: string): Filter {
  return { Name: `tag:${TagKeys.policy}`, Values: [policy] };
}

function toPrunableImage(image: Image): PrunableImage {
  return {
    imageId: image.ImageId ?? '',
    state: image.State ?? 'pending',
    ...(image.CreationDate ? { creationDate: image.CreationDate } : {}),
    snapshotIds: (image.BlockDeviceMappings ?? [])
      .map((mapping) => mapping.Ebs?.SnapshotId)
      .filter((id): id is string => id !== undefined && id !== ''),
    tags: toTags(image.Tags),
  };
}

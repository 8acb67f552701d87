import { EC2Client, paginateDescribeVolumes, type Volume } from '@aws-sdk/client-ec2';
import { TagKeys, type Tags } from '../core/tag-keys.js';
import type { VolumeInventory, VolumeRecord } from '../ports/volume-inventory.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';

/** Opted-in volumes via DescribeVolumes with a server-side `tag-key` filter, paginated. */
export class Ec2VolumeInventory implements VolumeInventory {
  private readonly client: EC2Client;

  constructor(region: string, client?: EC2Client) {
    this.client = client ?? new EC2Client(awsClientConfig(region));
  }

  async *listOptedInVolumes(): AsyncIterable<VolumeRecord[]> {
    const pages = paginateDescribeVolumes(
      { client: this.client, pageSize: 500 },
      { Filters: [{ Name: 'tag-key', Values: [TagKeys.policy] }] },
    );
    try {
      for await (const page of pages) {
        yield (page.Volumes ?? []).map(toVolumeRecord);
      }
    } catch (error) {
      throw translateAwsError('DescribeVolumes', error);
    }
  }
}

export function toTags(tags: { Key?: string; Value?: string }[] | undefined): Tags {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

function toVolumeRecord(volume: Volume): VolumeRecord {
  return {
    volumeId: volume.VolumeId ?? '',
    availabilityZone: volume.AvailabilityZone ?? '',
    sizeGiB: volume.Size ?? 0,
    state: volume.State ?? 'unknown',
    encrypted: volume.Encrypted ?? false,
    tags: toTags(volume.Tags),
  };
}

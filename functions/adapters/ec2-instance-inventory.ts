import { EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { TagKeys } from '../core/tag-keys.js';
import type { InstanceInventory, InstanceRecord } from '../ports/instance-inventory.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';

/** Opted-in instances via DescribeInstances with a server-side `tag-key` filter, paginated. */
export class Ec2InstanceInventory implements InstanceInventory {
  private readonly client: EC2Client;

  constructor(region: string, client?: EC2Client) {
    this.client = client ?? new EC2Client(awsClientConfig(region));
  }

  async *listOptedInInstances(): AsyncIterable<InstanceRecord[]> {
    const pages = paginateDescribeInstances(
      { client: this.client, pageSize: 500 },
      {
        Filters: [
          { Name: 'tag-key', Values: [TagKeys.policy] },
          // A terminated instance has nothing left to image.
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
      },
    );
    try {
      for await (const page of pages) {
        yield (page.Reservations ?? []).flatMap((reservation) =>
          (reservation.Instances ?? []).map((instance) => ({
            instanceId: instance.InstanceId ?? '',
            state: instance.State?.Name ?? 'unknown',
            ...(instance.ImageId ? { imageId: instance.ImageId } : {}),
            ...(instance.Platform ? { platform: instance.Platform } : {}),
            ...(instance.InstanceType ? { instanceType: instance.InstanceType } : {}),
            tags: toTags(instance.Tags),
          })),
        );
      }
    } catch (error) {
      throw translateAwsError('DescribeInstances', error);
    }
  }
}

import {
  ResourceGroupsTaggingAPIClient,
  paginateGetResources,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { TagKeys } from '../core/tag-keys.js';
import type { BucketInventory, BucketRecord } from '../ports/bucket-inventory.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';

/**
 * Opted-in buckets through the Resource Groups Tagging API: one paginated, server-side filtered
 * listing instead of GetBucketTagging on every bucket in the account.
 */
export class TaggingBucketInventory implements BucketInventory {
  private readonly client: ResourceGroupsTaggingAPIClient;

  constructor(region: string, client?: ResourceGroupsTaggingAPIClient) {
    this.client = client ?? new ResourceGroupsTaggingAPIClient(awsClientConfig(region));
  }

  async *listOptedInBuckets(): AsyncIterable<BucketRecord[]> {
    const pages = paginateGetResources(
      { client: this.client, pageSize: 100 },
      { TagFilters: [{ Key: TagKeys.policy }], ResourceTypeFilters: ['s3:bucket'] },
    );
    try {
      for await (const page of pages) {
        yield (page.ResourceTagMappingList ?? []).map((mapping) => ({
          bucket: (mapping.ResourceARN ?? '').replace(/^arn:aws[a-z-]*:s3:::/, ''),
          tags: toTags(mapping.Tags),
        }));
      }
    } catch (error) {
      throw translateAwsError('GetResources', error);
    }
  }
}

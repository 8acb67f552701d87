import {
  CopyImageCommand,
  CreateImageCommand,
  CreateTagsCommand,
  EC2Client,
  EnableImageDeprecationCommand,
  paginateDescribeImages,
  type Filter,
  type Image,
} from '@aws-sdk/client-ec2';
import { toBatches } from '../core/batching.js';
import { ManagedByValue, TagKeys, type Tags } from '../core/tag-keys.js';
import { ImageNotFoundError, InstanceNotImageableError } from '../ports/errors/image-errors.js';
import type {
  CopyImageRequest,
  CreateImageRequest,
  ImageRecord,
  ImageState,
  ImageStore,
} from '../ports/image-store.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';

const filterValuesLimit = 200;
const tagBatchLimit = 1000;

export class Ec2ImageStore implements ImageStore {
  private readonly client: EC2Client;

  constructor(
    readonly region: string,
    client?: EC2Client,
  ) {
    this.client = client ?? new EC2Client(awsClientConfig(region));
  }

  findRunImages(runId: string, policy: string): Promise<ImageRecord[]> {
    return this.describe([
      { Name: `tag:${TagKeys.run}`, Values: [runId] },
      { Name: `tag:${TagKeys.policy}`, Values: [policy] },
      { Name: `tag:${TagKeys.managedBy}`, Values: [ManagedByValue] },
    ]);
  }

  async createImage(request: CreateImageRequest): Promise<string> {
    try {
      const output = await this.client.send(
        new CreateImageCommand({
          InstanceId: request.instanceId,
          Name: request.name,
          Description: request.description,
          NoReboot: request.noReboot,
          // The image's snapshots are tagged once it is available (they have ids only then).
          TagSpecifications: [{ ResourceType: 'image', Tags: fromTags(request.tags) }],
        }),
      );
      return output.ImageId ?? '';
    } catch (error) {
      throw translateAwsError('CreateImage', error, {
        'InvalidInstanceID.NotFound': (cause) =>
          new InstanceNotImageableError(
            `instance ${request.instanceId} does not exist (terminated after discovery?)`,
            { cause },
          ),
        'InvalidInstanceID.Malformed': (cause) =>
          new InstanceNotImageableError(`instance id ${request.instanceId} is malformed`, {
            cause,
          }),
        IncorrectState: (cause) =>
          new InstanceNotImageableError(
            `instance ${request.instanceId} cannot be imaged in its state: ${cause.message}`,
            { cause },
          ),
      });
    }
  }

  async describeImages(imageIds: string[]): Promise<ImageRecord[]> {
    const found: ImageRecord[] = [];
    for (const ids of toBatches(imageIds, filterValuesLimit)) {
      found.push(...(await this.describe([{ Name: 'image-id', Values: ids }])));
    }
    return found;
  }

  async copyImage(request: CopyImageRequest): Promise<string> {
    try {
      const output = await this.client.send(
        new CopyImageCommand({
          SourceImageId: request.sourceImageId,
          SourceRegion: request.sourceRegion,
          Name: request.name,
          Description: request.description,
          ...(request.kmsKeyId ? { Encrypted: true, KmsKeyId: request.kmsKeyId } : {}),
          TagSpecifications: [{ ResourceType: 'image', Tags: fromTags(request.tags) }],
        }),
      );
      return output.ImageId ?? '';
    } catch (error) {
      throw translateAwsError('CopyImage', error, {
        'InvalidAMIID.NotFound': (cause) =>
          new ImageNotFoundError(
            `image ${request.sourceImageId} does not exist in ${request.sourceRegion}`,
            { cause },
          ),
      });
    }
  }

  async tagResources(resourceIds: string[], tags: Tags): Promise<void> {
    for (const ids of toBatches(resourceIds, tagBatchLimit)) {
      try {
        await this.client.send(new CreateTagsCommand({ Resources: ids, Tags: fromTags(tags) }));
      } catch (error) {
        throw translateAwsError('CreateTags', error);
      }
    }
  }

  async deprecateAt(imageId: string, at: Date): Promise<void> {
    try {
      await this.client.send(
        new EnableImageDeprecationCommand({ ImageId: imageId, DeprecateAt: at }),
      );
    } catch (error) {
      throw translateAwsError('EnableImageDeprecation', error);
    }
  }

  private async describe(filters: Filter[]): Promise<ImageRecord[]> {
    const records: ImageRecord[] = [];
    try {
      for await (const page of paginateDescribeImages(
        { client: this.client, pageSize: 1000 },
        { Owners: ['self'], Filters: filters },
      )) {
        records.push(...(page.Images ?? []).map(toImageRecord));
      }
    } catch (error) {
      throw translateAwsError('DescribeImages', error);
    }
    return records;
  }
}

function fromTags(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function toImageRecord(image: Image): ImageRecord {
  return {
    imageId: image.ImageId ?? '',
    state: (image.State ?? 'pending') as ImageState,
    ...(image.Name ? { name: image.Name } : {}),
    ...(image.StateReason?.Message ? { stateReason: image.StateReason.Message } : {}),
    ...(image.Platform ? { platform: image.Platform } : {}),
    ...(image.RootDeviceType ? { rootDeviceType: image.RootDeviceType } : {}),
    productCodes: (image.ProductCodes ?? [])
      .map((code) => code.ProductCodeId ?? '')
      .filter(Boolean),
    snapshots: (image.BlockDeviceMappings ?? []).flatMap((mapping) =>
      mapping.Ebs?.SnapshotId
        ? [
            {
              snapshotId: mapping.Ebs.SnapshotId,
              encrypted: mapping.Ebs.Encrypted ?? false,
              ...(mapping.Ebs.KmsKeyId ? { kmsKeyId: mapping.Ebs.KmsKeyId } : {}),
            },
          ]
        : [],
    ),
    ...(image.DeprecationTime ? { deprecationTime: image.DeprecationTime } : {}),
    tags: toTags(image.Tags),
  };
}

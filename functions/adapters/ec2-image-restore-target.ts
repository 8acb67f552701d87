import {
  CreateRestoreImageTaskCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  EC2Client,
  type DescribeImagesCommandInput,
  type Image,
} from '@aws-sdk/client-ec2';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TagKeys } from '../core/tag-keys.js';
import type {
  CreateRestoredImageRequest,
  ImageRestoreTarget,
} from '../ports/image-restore-target.js';
import type { RestorableImage } from '../ports/instance-restore-target.js';
import { awsClientConfig, s3ClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';

/** EC2 and S3 for image restores from STORE_TASK exports (functions/ports/image-restore-target.ts). */
export class Ec2ImageRestoreTarget implements ImageRestoreTarget {
  private readonly ec2: EC2Client;
  private readonly s3: S3Client;

  constructor(
    readonly region: string,
    clients: { ec2?: EC2Client; s3?: S3Client } = {},
  ) {
    this.ec2 = clients.ec2 ?? new EC2Client(awsClientConfig(region));
    this.s3 = clients.s3 ?? new S3Client(s3ClientConfig(region));
  }

  async artifactExists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (['NotFound', 'NoSuchKey', 'NoSuchBucket'].includes((error as Error).name)) return false;
      throw translateAwsError('HeadObject', error);
    }
  }

  async imageNamed(name: string): Promise<string | undefined> {
    const [image] = await this.describe({
      Owners: ['self'],
      Filters: [{ Name: 'name', Values: [name] }],
    });
    return image?.imageId;
  }

  async createRestoredImage(request: CreateRestoredImageRequest): Promise<string> {
    try {
      const output = await this.ec2.send(
        new CreateRestoreImageTaskCommand({
          Bucket: request.bucket,
          ObjectKey: request.key,
          Name: request.name,
          TagSpecifications: [
            {
              ResourceType: 'image',
              Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ],
        }),
      );
      if (!output.ImageId)
        throw new Error(
          `CreateRestoreImageTask of s3://${request.bucket}/${request.key} returned no image`,
        );
      return output.ImageId;
    } catch (error) {
      throw translateAwsError('CreateRestoreImageTask', error);
    }
  }

  async describeImage(imageId: string): Promise<RestorableImage | undefined> {
    const [image] = await this.describe({ ImageIds: [imageId] });
    return image;
  }

  findRestoreImages(restoreId: string): Promise<RestorableImage[]> {
    return this.describe({
      Owners: ['self'],
      Filters: [{ Name: `tag:${TagKeys.restoreId}`, Values: [restoreId] }],
    });
  }

  async deregister(imageId: string): Promise<void> {
    try {
      await this.ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    } catch (error) {
      if (!/NotFound|Malformed/.test((error as Error).name))
        throw translateAwsError('DeregisterImage', error);
    }
  }

  private async describe(input: DescribeImagesCommandInput): Promise<RestorableImage[]> {
    try {
      const output = await this.ec2.send(new DescribeImagesCommand(input));
      return (output.Images ?? []).map(toRestorableImage);
    } catch (error) {
      if (/NotFound|Malformed/.test((error as Error).name)) return [];
      throw translateAwsError('DescribeImages', error);
    }
  }
}

function toRestorableImage(image: Image): RestorableImage {
  return {
    imageId: image.ImageId ?? '',
    state: image.State ?? 'pending',
    ownerId: image.OwnerId ?? '',
    tags: toTags(image.Tags),
  };
}

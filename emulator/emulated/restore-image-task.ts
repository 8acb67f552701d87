import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { RenderedResponse } from '../error-responses.js';
import type { Upstream } from './upstream.js';
import { EmulatedError, ec2Answer, el, type QueryParams } from './wire.js';

/**
 * CreateRestoreImageTask, which moto lacks: restores an AMI from an object a store task
 * (CreateStoreImageTask) wrote. Minimal semantics: the object must exist in moto's S3
 * (else InvalidParameter, as EC2 answers a missing object); the image is registered in moto
 * with the task's Name at once (moto's RegisterImage: a bare, available image with no block
 * devices; the object's bytes are not read), described as restored from the object, and
 * tagged with the task's TagSpecification (ResourceType image). A name already in use is
 * InvalidAMIName.Duplicate. There is no task to poll: the image is what one waits on.
 */
export class RestoreImageTasks {
  constructor(private readonly upstream: Upstream) {}

  async create(region: string, params: QueryParams): Promise<RenderedResponse> {
    const bucket = params.required('Bucket');
    const key = params.required('ObjectKey');
    const name = params.get('Name') ?? key.replace(/\.bin$/, '');
    await this.assertObjectExists(region, bucket, key);
    const existing = await this.upstream.imageIdNamed(region, name);
    if (existing) {
      throw new EmulatedError(
        400,
        'InvalidAMIName.Duplicate',
        `AMI name ${name} is already in use by AMI ${existing}`,
      );
    }
    const tags: Record<string, string> = {};
    for (const spec of params.members('TagSpecification')) {
      if ((spec.get('ResourceType') ?? 'image') !== 'image') continue;
      for (const tag of spec.members('Tag')) tags[tag.get('Key') ?? ''] = tag.get('Value') ?? '';
    }
    const imageId = await this.upstream.registerImage(
      region,
      name,
      `restored from s3://${bucket}/${key}`,
      tags,
    );
    return ec2Answer('CreateRestoreImageTask', el('imageId', imageId));
  }

  private async assertObjectExists(region: string, bucket: string, key: string): Promise<void> {
    try {
      await this.upstream
        .s3Client(region)
        .send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch {
      throw new EmulatedError(
        400,
        'InvalidParameter',
        `The object s3://${bucket}/${key} does not exist or is not accessible`,
      );
    }
  }
}

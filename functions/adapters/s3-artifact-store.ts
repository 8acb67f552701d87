import { HeadObjectCommand, NotFound, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import type { Tags } from '../core/tag-keys.js';
import type { ArtifactStore, StoredObjectFacts } from '../ports/artifact-store.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';

/** Full-object checksums S3 may hold, strongest first. */
const checksumFields = [
  ['ChecksumSHA256', 'SHA256'],
  ['ChecksumCRC64NVME', 'CRC64NVME'],
  ['ChecksumCRC32C', 'CRC32C'],
  ['ChecksumCRC32', 'CRC32'],
  ['ChecksumSHA1', 'SHA1'],
] as const;

export class S3ArtifactStore implements ArtifactStore {
  private readonly client: S3Client;

  constructor(region: string, client?: S3Client) {
    this.client = client ?? new S3Client(awsClientConfig(region));
  }

  async describeObject(bucket: string, key: string): Promise<StoredObjectFacts | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }),
      );
      const found = checksumFields.find(([field]) => head[field]);
      return {
        sizeBytes: head.ContentLength ?? 0,
        ...(head.ETag ? { etag: head.ETag.replace(/"/g, '') } : {}),
        ...(found ? { checksum: { algorithm: found[1], value: head[found[0]] ?? '' } } : {}),
      };
    } catch (error) {
      if (error instanceof NotFound || (error as Error).name === 'NotFound') return undefined;
      throw translateAwsError('HeadObject', error);
    }
  }

  async tagObject(bucket: string, key: string, tags: Tags): Promise<void> {
    try {
      await this.client.send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key: key,
          Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        }),
      );
    } catch (error) {
      throw translateAwsError('PutObjectTagging', error);
    }
  }
}

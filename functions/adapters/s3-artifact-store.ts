import type { S3Client } from '@aws-sdk/client-s3';
import type { Tags } from '../core/tag-keys.js';
import type { ArtifactStore, StoredObjectFacts } from '../ports/artifact-store.js';
import { S3ObjectStore } from './s3-object-store.js';

/** Export artifacts in S3, seen through the general object store (HeadObject with checksums, tags). */
export class S3ArtifactStore implements ArtifactStore {
  private readonly objects: S3ObjectStore;

  constructor(region: string, client?: S3Client) {
    this.objects = new S3ObjectStore(region, client);
  }

  async describeObject(bucket: string, key: string): Promise<StoredObjectFacts | undefined> {
    const facts = await this.objects.describeObject(bucket, key);
    if (!facts) return undefined;
    return {
      sizeBytes: facts.size,
      ...(facts.etag ? { etag: facts.etag.replace(/"/g, '') } : {}),
      ...(facts.checksum
        ? { checksum: { algorithm: facts.checksum.algorithm, value: facts.checksum.value } }
        : {}),
    };
  }

  tagObject(bucket: string, key: string, tags: Tags): Promise<void> {
    return this.objects.tagObject(bucket, key, tags);
  }
}

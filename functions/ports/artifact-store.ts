import type { Tags } from '../core/tag-keys.js';

export interface StoredObjectFacts {
  sizeBytes: number;
  etag?: string;
  checksum?: { algorithm: string; value: string };
}

/** Objects in S3 that this product verifies and tags (export artifacts). */
export interface ArtifactStore {
  /** Size, ETag and the full-object checksum S3 holds, or undefined when the object is missing. */
  describeObject(bucket: string, key: string): Promise<StoredObjectFacts | undefined>;
  tagObject(bucket: string, key: string, tags: Tags): Promise<void>;
}

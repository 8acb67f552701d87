import type { Tags } from '../core/tag-keys.js';

export interface BucketRecord {
  bucket: string;
  tags: Tags;
}

/** S3 buckets that carry a `backup:policy` tag (server-side tag filter), page by page. */
export interface BucketInventory {
  listOptedInBuckets(): AsyncIterable<BucketRecord[]>;
}

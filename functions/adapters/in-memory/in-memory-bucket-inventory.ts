import type { Tags } from '../../core/tag-keys.js';
import type { BucketInventory, BucketRecord } from '../../ports/bucket-inventory.js';

/** The tagged-bucket listing's in-memory twin. */
export class InMemoryBucketInventory implements BucketInventory {
  readonly buckets: BucketRecord[] = [];

  add(bucket: string, tags: Tags): this {
    this.buckets.push({ bucket, tags });
    return this;
  }

  async *listOptedInBuckets(): AsyncIterable<BucketRecord[]> {
    yield this.buckets
      .filter((found) => found.tags['backup:policy'] !== undefined)
      .map((found) => structuredClone(found));
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Tags } from '../../core/tag-keys.js';
import { SourceBucketUnavailableError } from '../../ports/errors/object-errors.js';
import type { ObjectFacts, ObjectStore } from '../../ports/object-store.js';
import { objectCopies } from './in-memory-object-copies.js';
import { objectListing } from './in-memory-object-listing.js';
import { objectLock } from './in-memory-object-lock.js';

/** One version of a key as the cloud holds it (the operations in in-memory-object-*.ts use it). */
export interface StoredVersion {
  versionId: string;
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType: string;
  metadata: Record<string, string>;
  tags: Tags;
  storageClass: string;
  sha256?: string;
  /** S3 Object Lock: the version cannot be deleted before this (ISO-8601) or while on hold. */
  retainUntil?: string;
  legalHold?: boolean;
}

/**
 * S3's in-memory twin for the bucket sync: versioned buckets across regions, SHA-256 checksums,
 * server-side copies and a clock the test moves. Knobs: a corrupted copy checksum, a denied bucket.
 */
export class InMemoryObjectCloud {
  private readonly buckets = new Map<string, Map<string, StoredVersion[]>>();
  readonly denied = new Set<string>();
  corruptNextCopies = 0;
  readonly calls: Record<string, number> = {};
  now = new Date('2026-11-22T00:00:00Z');

  createBucket(bucket: string): void {
    this.buckets.set(bucket, new Map());
  }

  put(
    bucket: string,
    key: string,
    body: string | Buffer,
    options: { checksum?: boolean; contentType?: string; metadata?: Record<string, string> } = {},
  ): void {
    const data = Buffer.from(body);
    this.tick();
    this.versionListOf(bucket, key).push({
      versionId: randomUUID(),
      body: data,
      etag: `"${createHash('md5').update(data).digest('hex')}"`,
      lastModified: new Date(this.now),
      contentType: options.contentType ?? 'binary/octet-stream',
      metadata: options.metadata ?? {},
      tags: {},
      storageClass: 'STANDARD',
      ...(options.checksum === false
        ? {}
        : { sha256: createHash('sha256').update(data).digest('base64') }),
    });
  }

  delete(bucket: string, key: string): void {
    this.objectsIn(bucket).delete(key);
  }

  latest(bucket: string, key: string): StoredVersion | undefined {
    return this.objectsIn(bucket).get(key)?.at(-1);
  }

  /** The key's version with this id, or its latest without one. */
  version(bucket: string, key: string, versionId?: string): StoredVersion | undefined {
    const versions = this.objectsIn(bucket).get(key) ?? [];
    return versionId
      ? versions.find((candidate) => candidate.versionId === versionId)
      : versions.at(-1);
  }

  versionsOf(bucket: string, key: string): StoredVersion[] {
    return [...(this.objectsIn(bucket).get(key) ?? [])];
  }

  /** Moves the clock one second, as S3's LastModified resolution does. */
  tick(): void {
    this.now = new Date(this.now.getTime() + 1000);
  }

  /** An ObjectStore over this cloud: its operations by concern, closures over the cloud. */
  store(): ObjectStore {
    return {
      ...objectListing(this),
      ...oneObject(this),
      ...objectCopies(this),
      ...objectLock(this),
    };
  }

  /** Counts a request, by its S3 operation name (`calls`). */
  count(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  /** The bucket's keys and their versions, oldest first; a missing bucket is an error. */
  objectsIn(bucket: string): Map<string, StoredVersion[]> {
    const found = this.buckets.get(bucket);
    if (!found) throw new SourceBucketUnavailableError(`bucket ${bucket} does not exist`);
    return found;
  }

  /** The key's versions, oldest first, as a list to append to (created empty). */
  versionListOf(bucket: string, key: string): StoredVersion[] {
    const objects = this.objectsIn(bucket);
    let versions = objects.get(key);
    if (!versions) {
      versions = [];
      objects.set(key, versions);
    }
    return versions;
  }
}

/** Reads, writes and tags of one object: HeadObject, GetObject, PutObject and their tagging. */
function oneObject(
  cloud: InMemoryObjectCloud,
): Pick<
  ObjectStore,
  'describeObject' | 'writeObject' | 'readObject' | 'tagObject' | 'objectTags' | 'bucketExists'
> {
  return {
    bucketExists: async (bucket) => {
      cloud.count('HeadBucket');
      return cloud.hasBucket(bucket);
    },
    describeObject: async (bucket, key, versionId): Promise<ObjectFacts | undefined> => {
      cloud.count('HeadObject');
      const version = cloud.version(bucket, key, versionId);
      if (!version) return undefined;
      return {
        size: version.body.length,
        etag: version.etag,
        versionId: version.versionId,
        ...(version.sha256
          ? {
              checksum: {
                algorithm: 'SHA256',
                value: version.sha256,
                type: 'FULL_OBJECT' as const,
              },
            }
          : {}),
        contentType: version.contentType,
        metadata: { ...version.metadata },
      };
    },
    writeObject: async (bucket, key, body, contentType) => {
      cloud.count('PutObject');
      const data =
        typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.from(body) : await buffer(body);
      cloud.put(bucket, key, data, { contentType });
    },
    readObject: async (bucket, key) => {
      cloud.count('GetObject');
      const version = cloud.latest(bucket, key);
      return version ? Readable.from([version.body]) : undefined;
    },
    tagObject: async (bucket, key, tags) => {
      cloud.count('PutObjectTagging');
      const version = cloud.latest(bucket, key);
      if (version) version.tags = { ...tags };
    },
    objectTags: async (bucket, key) => {
      cloud.count('GetObjectTagging');
      return { ...(cloud.latest(bucket, key)?.tags ?? {}) };
    },
  };
}

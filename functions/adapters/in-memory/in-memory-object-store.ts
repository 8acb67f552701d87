import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { compareKeys } from '../../core/object-sync.js';
import type { Tags } from '../../core/tag-keys.js';
import {
  ObjectChangedDuringCopyError,
  ObjectVanishedError,
  SourceBucketUnavailableError,
} from '../../ports/errors/object-errors.js';
import type {
  CopyRequest,
  CopyResult,
  ListedObject,
  ObjectFacts,
  ObjectStore,
  VersionDeletionFailure,
} from '../../ports/object-store.js';

interface StoredVersion {
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
    this.versions(bucket, key).push({
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
    this.bucket(bucket).delete(key);
  }

  latest(bucket: string, key: string): StoredVersion | undefined {
    return this.bucket(bucket).get(key)?.at(-1);
  }

  versionsOf(bucket: string, key: string): StoredVersion[] {
    return [...(this.bucket(bucket).get(key) ?? [])];
  }

  /** Moves the clock one second, as S3's LastModified resolution does. */
  tick(): void {
    this.now = new Date(this.now.getTime() + 1000);
  }

  store(): ObjectStore {
    const count = (operation: string) => {
      this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    };
    return {
      listObjects: async function* (
        this: InMemoryObjectCloud,
        bucket: string,
        prefix: string,
        startAfter?: string,
      ) {
        count('ListObjectsV2');
        if (this.denied.has(bucket) || !this.buckets.has(bucket)) {
          throw new SourceBucketUnavailableError(`bucket ${bucket} cannot be listed: AccessDenied`);
        }
        const keys = [...this.bucket(bucket).keys()]
          .filter(
            (key) =>
              key.startsWith(prefix) &&
              (startAfter === undefined || compareKeys(key, startAfter) > 0),
          )
          .sort(compareKeys);
        for (let start = 0; start < keys.length; start += 1000) {
          if (start > 0) count('ListObjectsV2');
          yield keys.slice(start, start + 1000).map((key): ListedObject => {
            const version = this.latest(bucket, key)!;
            return {
              key,
              size: version.body.length,
              etag: version.etag,
              lastModified: version.lastModified.toISOString(),
              ...(version.sha256 ? { checksumAlgorithm: 'SHA256' } : {}),
              storageClass: version.storageClass,
            };
          });
        }
      }.bind(this),
      describeObject: async (bucket, key, versionId): Promise<ObjectFacts | undefined> => {
        count('HeadObject');
        const versions = this.bucket(bucket).get(key) ?? [];
        const version = versionId
          ? versions.find((candidate) => candidate.versionId === versionId)
          : versions.at(-1);
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
      copyObject: async (request: CopyRequest): Promise<CopyResult> => {
        const multipart = request.source.size > request.multipartThresholdBytes;
        const parts = multipart ? Math.ceil(request.source.size / request.partSizeBytes) : 1;
        count(multipart ? 'UploadPartCopy' : 'CopyObject');
        const source = this.latest(request.source.bucket, request.source.key);
        if (!source)
          throw new ObjectVanishedError(
            `s3://${request.source.bucket}/${request.source.key} was deleted after it was listed`,
          );
        if (source.etag !== request.source.etag)
          throw new ObjectChangedDuringCopyError(
            `s3://${request.source.bucket}/${request.source.key} changed`,
          );
        this.tick();
        const copy: StoredVersion = {
          ...source,
          versionId: randomUUID(),
          lastModified: new Date(this.now),
          storageClass: request.storageClass ?? 'STANDARD',
          tags: { ...source.tags },
        };
        this.versions(request.target.bucket, request.target.key).push(copy);
        const corrupt = this.corruptNextCopies > 0;
        if (corrupt) this.corruptNextCopies -= 1;
        const sha256 =
          request.checksumAlgorithm === 'SHA256'
            ? (corrupt ? 'AAAA' : '') +
              createHash('sha256')
                .update(copy.body)
                .digest('base64')
                .slice(corrupt ? 4 : 0)
            : undefined;
        return {
          versionId: copy.versionId,
          ...(sha256
            ? {
                checksum: {
                  algorithm: 'SHA256',
                  value: sha256,
                  type: multipart ? ('COMPOSITE' as const) : ('FULL_OBJECT' as const),
                },
              }
            : {}),
          parts,
          requests: multipart ? parts + 2 : 1,
        };
      },
      copyVersion: async (request) => {
        count('CopyObject');
        const versions = this.bucket(request.source.bucket).get(request.source.key) ?? [];
        const source = request.source.versionId
          ? versions.find((candidate) => candidate.versionId === request.source.versionId)
          : versions.at(-1);
        if (!source)
          throw new ObjectVanishedError(
            `s3://${request.source.bucket}/${request.source.key} has no such version`,
          );
        this.tick();
        this.versions(request.target.bucket, request.target.key).push({
          ...source,
          versionId: randomUUID(),
          lastModified: new Date(this.now),
        });
      },
      writeObject: async (bucket, key, body, contentType) => {
        count('PutObject');
        const data =
          typeof body === 'string' || Buffer.isBuffer(body)
            ? Buffer.from(body)
            : await buffer(body);
        this.put(bucket, key, data, { contentType });
      },
      readObject: async (bucket, key) => {
        count('GetObject');
        const version = this.latest(bucket, key);
        return version ? Readable.from([version.body]) : undefined;
      },
      tagObject: async (bucket, key, tags) => {
        count('PutObjectTagging');
        const version = this.latest(bucket, key);
        if (version) version.tags = { ...tags };
      },
      listObjectVersions: async function* (
        this: InMemoryObjectCloud,
        bucket: string,
        prefix: string,
      ) {
        count('ListObjectVersions');
        const keys = [...this.bucket(bucket).keys()]
          .filter((key) => key.startsWith(prefix))
          .sort(compareKeys);
        yield keys.flatMap((key) => {
          const versions = this.versionsOf(bucket, key);
          return versions.map((version, index) => ({
            key,
            versionId: version.versionId,
            isLatest: index === versions.length - 1,
            deleteMarker: false,
          }));
        });
      }.bind(this),
      deleteObjectVersions: async (bucket, versions) => {
        let deleted = 0;
        const failed: VersionDeletionFailure[] = [];
        for (let start = 0; start < versions.length; start += 1000) {
          count('DeleteObjects');
          for (const { key, versionId } of versions.slice(start, start + 1000)) {
            const stored = this.bucket(bucket).get(key) ?? [];
            const index = stored.findIndex((version) => version.versionId === versionId);
            const version = stored[index];
            if (
              version &&
              (version.legalHold ||
                (version.retainUntil !== undefined && version.retainUntil > this.now.toISOString()))
            ) {
              failed.push({ key, versionId, code: 'AccessDenied', message: 'Object Lock' });
              continue;
            }
            if (index >= 0) stored.splice(index, 1);
            if (stored.length === 0) this.bucket(bucket).delete(key);
            deleted += 1;
          }
        }
        return { deleted, failed };
      },
      objectTags: async (bucket, key) => {
        count('GetObjectTagging');
        return { ...(this.latest(bucket, key)?.tags ?? {}) };
      },
      describeObjectLock: async (bucket, key) => {
        count('HeadObject');
        const version = this.latest(bucket, key);
        if (!version) return undefined;
        return {
          ...(version.retainUntil ? { mode: 'GOVERNANCE', retainUntil: version.retainUntil } : {}),
          legalHold: version.legalHold ?? false,
        };
      },
    };
  }

  private bucket(bucket: string): Map<string, StoredVersion[]> {
    const found = this.buckets.get(bucket);
    if (!found) throw new SourceBucketUnavailableError(`bucket ${bucket} does not exist`);
    return found;
  }

  private versions(bucket: string, key: string): StoredVersion[] {
    const objects = this.bucket(bucket);
    let versions = objects.get(key);
    if (!versions) {
      versions = [];
      objects.set(key, versions);
    }
    return versions;
  }
}

import type { Readable } from 'node:stream';
import type { ObjectEntry } from '../core/object-sync.js';
import type { Tags } from '../core/tag-keys.js';

/** One listed object (ListObjectsV2), in S3's key order: what the sync's merge-join reads. */
export type ListedObject = ObjectEntry;

export interface ObjectChecksum {
  algorithm: string;
  value: string;
  /** FULL_OBJECT checksums compare across part layouts; COMPOSITE ones ("…-N") do not. */
  type?: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface ObjectFacts {
  size: number;
  etag: string;
  versionId?: string;
  checksum?: ObjectChecksum;
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface CopyRequest {
  source: { bucket: string; key: string; etag: string; size: number };
  target: { bucket: string; key: string };
  storageClass?: string;
  /** Ask S3 to compute this checksum of the copy (the source's algorithm, so the two compare). */
  checksumAlgorithm?: string;
  /**
   * The source's HeadObject (`describeObject`) of this version (same ETag), when the caller has
   * it: a multipart copy takes the source's type and metadata from it instead of asking again.
   */
  sourceFacts?: ObjectFacts;
  /** Above this size the copy is multipart (UploadPartCopy); at most 5 GiB. */
  multipartThresholdBytes: number;
  partSizeBytes: number;
}

export interface CopyResult {
  versionId?: string;
  checksum?: ObjectChecksum;
  parts: number;
  /**
   * Requests this copy took: 1 for CopyObject; for multipart the source's HEAD (none when
   * `sourceFacts` were given) and tags, the upload's create, its parts and its complete.
   */
  requests: number;
}

/** A condition on the target of a copy: still absent, or still the object with this ETag. */
export type TargetCondition = { absent: true } | { etag: string };

/** One stored version of one key. */
export interface ObjectVersionRef {
  key: string;
  versionId: string;
}

/** One entry of ListObjectVersions: a version or a delete marker. */
export interface ListedVersion extends ObjectVersionRef {
  isLatest: boolean;
  deleteMarker: boolean;
}

export interface VersionDeletionFailure extends ObjectVersionRef {
  code: string;
  message: string;
}

/** S3 Object Lock on the current version of a key. */
export interface ObjectLockFacts {
  mode?: string;
  /** ISO-8601; the version cannot be deleted before it. */
  retainUntil?: string;
  legalHold: boolean;
}

/** S3 objects, as the bucket sync and restores use them. Errors are translated (ThrottledError, ...). */
export interface ObjectStore {
  /** Pages of objects under a prefix after `startAfter`, in key order, 1,000 a page. */
  listObjects(bucket: string, prefix: string, startAfter?: string): AsyncIterable<ListedObject[]>;
  /** Size, ETag and the stored checksum; undefined when the key is gone. */
  describeObject(bucket: string, key: string, versionId?: string): Promise<ObjectFacts | undefined>;
  copyObject(request: CopyRequest): Promise<CopyResult>;
  /**
   * Copies one version of an object (restores). With `ifTarget`, only while the target key is
   * still absent (`If-None-Match: *`) or still holds that ETag (`If-Match`); otherwise it throws
   * TargetObjectChangedError and writes nothing.
   */
  copyVersion(request: {
    source: { bucket: string; key: string; versionId?: string };
    target: { bucket: string; key: string };
    ifTarget?: TargetCondition;
  }): Promise<void>;
  /** Whether the bucket exists (HeadBucket); a bucket that denies access is an error, not false. */
  bucketExists(bucket: string): Promise<boolean>;
  writeObject(
    bucket: string,
    key: string,
    body: Readable | Buffer | string,
    contentType: string,
  ): Promise<void>;
  readObject(bucket: string, key: string): Promise<Readable | undefined>;
  tagObject(bucket: string, key: string, tags: Tags): Promise<void>;
  /** Every version and delete marker under a prefix (ListObjectVersions), a page at a time. */
  listObjectVersions(bucket: string, prefix: string): AsyncIterable<ListedVersion[]>;
  /**
   * Permanently deletes these versions (DeleteObjects, at most 1,000 a request). Versions already
   * gone count as deleted; the ones S3 refuses (Object Lock, access) are returned, not thrown.
   */
  deleteObjectVersions(
    bucket: string,
    versions: readonly ObjectVersionRef[],
  ): Promise<{ deleted: number; failed: VersionDeletionFailure[] }>;
  /** Tags of the key's current version ({} when it has none or is gone). */
  objectTags(bucket: string, key: string): Promise<Tags>;
  /** Object Lock of the key's current version; undefined when the key is gone. */
  describeObjectLock(bucket: string, key: string): Promise<ObjectLockFacts | undefined>;
}

export type ObjectStoreFactory = (region: string) => ObjectStore;

import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectTaggingCommand,
  ListObjectsV2Command,
  S3Client,
  type ListObjectsV2CommandInput,
  type ChecksumAlgorithm,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import type { Tags } from '../core/tag-keys.js';
import {
  ObjectVanishedError,
  SourceBucketUnavailableError,
  TargetObjectChangedError,
} from '../ports/errors/object-errors.js';
import type {
  CopyRequest,
  CopyResult,
  ListedObject,
  ListedVersion,
  ObjectFacts,
  ObjectLockFacts,
  ObjectStore,
  ObjectVersionRef,
  TargetCondition,
  VersionDeletionFailure,
} from '../ports/object-store.js';
import { s3ClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { checksumOf } from './s3-checksums.js';
import { copySource, copySourceError } from './s3-copy-source.js';
import { multipartCopy } from './s3-multipart-copy.js';
import {
  deleteObjectVersions,
  describeObjectLock,
  listObjectVersions,
  objectTags,
} from './s3-object-versions.js';

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;

  constructor(region: string, client?: S3Client) {
    this.client = client ?? new S3Client(s3ClientConfig(region));
  }

  async *listObjects(
    bucket: string,
    prefix: string,
    startAfter?: string,
  ): AsyncIterable<ListedObject[]> {
    // The requests a paginator (paginateListObjectsV2, pages of 1,000) would make, but each page
    // is mapped and its SDK output dropped before the merge walks it: a paginator holds its last
    // page until asked for the next one, so every page outlived a few young-generation GCs and
    // was promoted to the old generation with its entries.
    const input: ListObjectsV2CommandInput = {
      Bucket: bucket,
      Prefix: prefix || undefined,
      StartAfter: startAfter || undefined,
      MaxKeys: 1000,
    };
    try {
      for (let page = await this.listedPage(input); ; page = await this.listedPage(input)) {
        yield page.entries;
        if (page.next === undefined) return;
        input.ContinuationToken = page.next;
      }
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NoSuchBucket' || name === 'AccessDenied') {
        throw new SourceBucketUnavailableError(
          `bucket ${bucket} cannot be listed: ${name}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      throw translateAwsError('ListObjectsV2', error);
    }
  }

  /** One ListObjectsV2 page as entries, and the token of the next (none after the last page). */
  private async listedPage(
    input: ListObjectsV2CommandInput,
  ): Promise<{ entries: ListedObject[]; next: string | undefined }> {
    const page = await this.client.send(new ListObjectsV2Command({ ...input }));
    const entries = (page.Contents ?? []).map((object) => ({
      key: object.Key ?? '',
      size: object.Size ?? 0,
      etag: object.ETag ?? '',
      lastModified: (object.LastModified ?? new Date(0)).toISOString(),
      ...(object.ChecksumAlgorithm?.[0] ? { checksumAlgorithm: object.ChecksumAlgorithm[0] } : {}),
      ...(object.StorageClass ? { storageClass: object.StorageClass } : {}),
    }));
    return { entries, next: page.NextContinuationToken || undefined };
  }

  async describeObject(
    bucket: string,
    key: string,
    versionId?: string,
  ): Promise<ObjectFacts | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({
          Bucket: bucket,
          Key: key,
          ChecksumMode: 'ENABLED',
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      );
      const checksum = checksumOf(head);
      return {
        size: head.ContentLength ?? 0,
        etag: head.ETag ?? '',
        ...(head.VersionId ? { versionId: head.VersionId } : {}),
        ...(checksum ? { checksum } : {}),
        ...(head.ContentType ? { contentType: head.ContentType } : {}),
        ...(head.Metadata ? { metadata: head.Metadata } : {}),
      };
    } catch (error) {
      if (
        error instanceof NotFound ||
        error instanceof NoSuchKey ||
        (error as Error).name === 'NotFound'
      )
        return undefined;
      throw translateAwsError('HeadObject', error);
    }
  }

  async copyObject(request: CopyRequest): Promise<CopyResult> {
    if (request.source.size <= request.multipartThresholdBytes) return this.singleCopy(request);
    // Above the threshold: UploadPartCopy (s3-multipart-copy.ts), with the source's type and
    // metadata: from the caller's HEAD of this version when it has one, else from our own.
    const { source, sourceFacts } = request;
    const known = sourceFacts?.etag === source.etag ? sourceFacts : undefined;
    const facts = known ?? (await this.describeObject(source.bucket, source.key));
    if (!facts) throw new ObjectVanishedError(`s3://${source.bucket}/${source.key} is gone`);
    const copied = await multipartCopy(this.client, request, facts);
    return known ? copied : { ...copied, requests: copied.requests + 1 };
  }

  private async singleCopy(request: CopyRequest): Promise<CopyResult> {
    const { source, target } = request;
    try {
      const output = await this.client.send(
        new CopyObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          CopySource: copySource(source.bucket, source.key),
          // Copy exactly the version that was listed; a newer one is the next run's.
          CopySourceIfMatch: source.etag,
          MetadataDirective: 'COPY',
          TaggingDirective: 'COPY',
          ...(request.storageClass ? { StorageClass: request.storageClass as StorageClass } : {}),
          ...(request.checksumAlgorithm
            ? { ChecksumAlgorithm: request.checksumAlgorithm as ChecksumAlgorithm }
            : {}),
        }),
      );
      const checksum = output.CopyObjectResult
        ? checksumOf(output.CopyObjectResult, request.checksumAlgorithm)
        : undefined;
      return {
        ...(output.VersionId ? { versionId: output.VersionId } : {}),
        ...(checksum ? { checksum } : {}),
        parts: 1,
        requests: 1,
      };
    } catch (error) {
      throw copySourceError(error, source);
    }
  }

  async copyVersion(request: {
    source: { bucket: string; key: string; versionId?: string };
    target: { bucket: string; key: string };
    ifTarget?: TargetCondition;
  }): Promise<void> {
    const { ifTarget } = request;
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: request.target.bucket,
          Key: request.target.key,
          CopySource: copySource(
            request.source.bucket,
            request.source.key,
            request.source.versionId,
          ),
          MetadataDirective: 'COPY',
          TaggingDirective: 'COPY',
          // S3's conditional writes on the target (moto 5.2.1 ignores them on CopyObject).
          ...(ifTarget && 'absent' in ifTarget ? { IfNoneMatch: '*' } : {}),
          ...(ifTarget && 'etag' in ifTarget ? { IfMatch: ifTarget.etag } : {}),
        }),
      );
    } catch (error) {
      // No CopySourceIf* condition is sent: a failed precondition is the target's.
      if (ifTarget && (error as Error).name === 'PreconditionFailed')
        throw new TargetObjectChangedError(
          `s3://${request.target.bucket}/${request.target.key} was ${'absent' in ifTarget ? 'created' : `changed from ETag ${ifTarget.etag}`} after it was checked: not overwritten`,
          { cause: error },
        );
      throw copySourceError(error, request.source);
    }
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      return true;
    } catch (error) {
      const name = (error as Error).name;
      if (error instanceof NotFound || name === 'NotFound' || name === 'NoSuchBucket') return false;
      throw translateAwsError('HeadBucket', error);
    }
  }

  async writeObject(
    bucket: string,
    key: string,
    body: Readable | Buffer | string,
    contentType: string,
  ): Promise<void> {
    try {
      // Streams are uploaded in parts as they are produced, so memory stays flat.
      await new Upload({
        client: this.client,
        params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType },
      }).done();
    } catch (error) {
      throw translateAwsError('PutObject', error);
    }
  }

  async readObject(bucket: string, key: string): Promise<Readable | undefined> {
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return output.Body as Readable;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return undefined;
      throw translateAwsError('GetObject', error);
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

  listObjectVersions(bucket: string, prefix: string): AsyncIterable<ListedVersion[]> {
    return listObjectVersions(this.client, bucket, prefix);
  }

  deleteObjectVersions(
    bucket: string,
    versions: readonly ObjectVersionRef[],
  ): Promise<{ deleted: number; failed: VersionDeletionFailure[] }> {
    return deleteObjectVersions(this.client, bucket, versions);
  }

  objectTags(bucket: string, key: string): Promise<Tags> {
    return objectTags(this.client, bucket, key);
  }

  describeObjectLock(bucket: string, key: string): Promise<ObjectLockFacts | undefined> {
    return describeObjectLock(this.client, bucket, key);
  }
}

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectTaggingCommand,
  S3Client,
  UploadPartCopyCommand,
  paginateListObjectsV2,
  type ChecksumAlgorithm,
  type CompletedPart,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import type { Tags } from '../core/tag-keys.js';
import {
  ObjectChangedDuringCopyError,
  ObjectVanishedError,
  SourceBucketUnavailableError,
} from '../ports/errors/object-errors.js';
import type {
  CopyRequest,
  CopyResult,
  ListedObject,
  ListedVersion,
  ObjectChecksum,
  ObjectFacts,
  ObjectLockFacts,
  ObjectStore,
  ObjectVersionRef,
  VersionDeletionFailure,
} from '../ports/object-store.js';
import { s3ClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import {
  deleteObjectVersions,
  describeObjectLock,
  listObjectVersions,
  objectTags,
} from './s3-object-versions.js';

/** Checksum fields S3 returns, by algorithm name. */
const checksumFields = {
  CRC64NVME: 'ChecksumCRC64NVME',
  CRC32C: 'ChecksumCRC32C',
  CRC32: 'ChecksumCRC32',
  SHA256: 'ChecksumSHA256',
  SHA1: 'ChecksumSHA1',
} as const;
type Algorithm = keyof typeof checksumFields;
/** CRC checksums of a multipart object can be full-object; SHA ones are composite. */
const fullObjectCapable = new Set(['CRC64NVME', 'CRC32C', 'CRC32']);

/** A key as CopySource wants it: URL-encoded, segment by segment. */
export function copySource(bucket: string, key: string, versionId?: string): string {
  const encoded = key.split('/').map(encodeURIComponent).join('/');
  return `${bucket}/${encoded}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`;
}

function checksumOf(
  output: Partial<Record<(typeof checksumFields)[Algorithm], string>> & { ChecksumType?: string },
  preferred?: string,
): ObjectChecksum | undefined {
  const order = (preferred && preferred in checksumFields ? [preferred] : []).concat(
    Object.keys(checksumFields),
  ) as Algorithm[];
  for (const algorithm of order) {
    const value = output[checksumFields[algorithm]];
    if (value) {
      const type =
        output.ChecksumType === 'COMPOSITE' || value.includes('-') ? 'COMPOSITE' : 'FULL_OBJECT';
      return { algorithm, value, type };
    }
  }
  return undefined;
}

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
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: 1000 },
      { Bucket: bucket, Prefix: prefix || undefined, StartAfter: startAfter || undefined },
    );
    try {
      for await (const page of pages) {
        yield (page.Contents ?? []).map((object) => ({
          key: object.Key ?? '',
          size: object.Size ?? 0,
          etag: object.ETag ?? '',
          lastModified: (object.LastModified ?? new Date(0)).toISOString(),
          ...(object.ChecksumAlgorithm?.[0]
            ? { checksumAlgorithm: object.ChecksumAlgorithm[0] }
            : {}),
          ...(object.StorageClass ? { storageClass: object.StorageClass } : {}),
        }));
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
    return request.source.size > request.multipartThresholdBytes
      ? this.multipartCopy(request)
      : this.singleCopy(request);
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
      throw this.copyError(error, source);
    }
  }

  /** Above the threshold: UploadPartCopy in large parts, with the source's type, metadata and tags. */
  private async multipartCopy(request: CopyRequest): Promise<CopyResult> {
    const { source, target } = request;
    const facts = await this.describeObject(source.bucket, source.key);
    if (!facts) throw new ObjectVanishedError(`s3://${source.bucket}/${source.key} is gone`);
    let tags: { Key?: string; Value?: string }[];
    try {
      tags =
        (
          await this.client.send(
            new GetObjectTaggingCommand({ Bucket: source.bucket, Key: source.key }),
          )
        ).TagSet ?? [];
    } catch (error) {
      throw this.copyError(error, source);
    }
    const algorithm = request.checksumAlgorithm as ChecksumAlgorithm | undefined;
    let uploadId: string | undefined;
    let requests = 2;
    try {
      const created = await this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: target.bucket,
          Key: target.key,
          ...(facts.contentType ? { ContentType: facts.contentType } : {}),
          ...(facts.metadata ? { Metadata: facts.metadata } : {}),
          ...(tags.length > 0
            ? {
                Tagging: new URLSearchParams(
                  tags.map((tag): [string, string] => [tag.Key ?? '', tag.Value ?? '']),
                ).toString(),
              }
            : {}),
          ...(request.storageClass ? { StorageClass: request.storageClass as StorageClass } : {}),
          ...(algorithm
            ? {
                ChecksumAlgorithm: algorithm,
                ...(fullObjectCapable.has(algorithm)
                  ? { ChecksumType: 'FULL_OBJECT' as const }
                  : {}),
              }
            : {}),
        }),
      );
      uploadId = created.UploadId;
      requests += 1;
      const parts: CompletedPart[] = [];
      for (
        let start = 0, number = 1;
        start < source.size;
        start += request.partSizeBytes, number += 1
      ) {
        const end = Math.min(source.size, start + request.partSizeBytes) - 1;
        const part = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: target.bucket,
            Key: target.key,
            UploadId: uploadId,
            PartNumber: number,
            CopySource: copySource(source.bucket, source.key),
            CopySourceIfMatch: source.etag,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        requests += 1;
        const result = part.CopyPartResult ?? {};
        parts.push({
          PartNumber: number,
          ETag: result.ETag,
          ...(result.ChecksumCRC32 ? { ChecksumCRC32: result.ChecksumCRC32 } : {}),
          ...(result.ChecksumCRC32C ? { ChecksumCRC32C: result.ChecksumCRC32C } : {}),
          ...(result.ChecksumCRC64NVME ? { ChecksumCRC64NVME: result.ChecksumCRC64NVME } : {}),
          ...(result.ChecksumSHA1 ? { ChecksumSHA1: result.ChecksumSHA1 } : {}),
          ...(result.ChecksumSHA256 ? { ChecksumSHA256: result.ChecksumSHA256 } : {}),
        });
      }
      const done = await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: target.bucket,
          Key: target.key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      requests += 1;
      const checksum = checksumOf(done, request.checksumAlgorithm);
      return {
        ...(done.VersionId ? { versionId: done.VersionId } : {}),
        ...(checksum ? { checksum } : {}),
        parts: parts.length,
        requests,
      };
    } catch (error) {
      if (uploadId) {
        // An abandoned upload keeps billing for its parts: abort it (best effort; lifecycle rules also clean up).
        await this.client
          .send(
            new AbortMultipartUploadCommand({
              Bucket: target.bucket,
              Key: target.key,
              UploadId: uploadId,
            }),
          )
          .catch(() => undefined);
      }
      throw this.copyError(error, source);
    }
  }

  async copyVersion(request: {
    source: { bucket: string; key: string; versionId?: string };
    target: { bucket: string; key: string };
  }): Promise<void> {
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
        }),
      );
    } catch (error) {
      throw this.copyError(error, request.source);
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

  private copyError(error: unknown, source: { bucket: string; key: string }): Error {
    const name = (error as Error).name;
    const where = `s3://${source.bucket}/${source.key}`;
    if (name === 'NoSuchKey')
      return new ObjectVanishedError(`${where} was deleted after it was listed`, { cause: error });
    if (name === 'PreconditionFailed')
      return new ObjectChangedDuringCopyError(
        `${where} changed after it was listed; the next run copies it`,
        { cause: error },
      );
    if (name === 'NoSuchBucket')
      return new SourceBucketUnavailableError(`bucket of ${where} does not exist`, {
        cause: error,
      });
    return translateAwsError('CopyObject', error);
  }
}

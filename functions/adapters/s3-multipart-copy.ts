import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
  type CompletedPart,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import type { CopyRequest, CopyResult, ObjectFacts } from '../ports/object-store.js';
import { checksumOf, fullObjectCapable } from './s3-checksums.js';
import { copySource, copySourceError } from './s3-copy-source.js';

/**
 * A copy above the multipart threshold (S3ObjectStore.copyObject, s3-object-store.ts):
 * UploadPartCopy in large parts of exactly the listed version, the upload created with the
 * source's type, metadata (`facts`, from its HEAD) and tags, which part copies do not carry over.
 */
export async function multipartCopy(
  client: S3Client,
  request: CopyRequest,
  facts: ObjectFacts,
): Promise<CopyResult> {
  const { source, target } = request;
  const tagging = await sourceTagging(client, source);
  let uploadId: string | undefined;
  try {
    uploadId = await createUpload(client, request, facts, tagging);
    const parts = await copyParts(client, request, uploadId);
    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const checksum = checksumOf(done, request.checksumAlgorithm);
    return {
      ...(done.VersionId ? { versionId: done.VersionId } : {}),
      ...(checksum ? { checksum } : {}),
      parts: parts.length,
      // GetObjectTagging of the source, the upload's create, its parts and its complete (the
      // source's HEAD, when one was made for `facts`, is the caller's to count).
      requests: 1 + 1 + parts.length + 1,
    };
  } catch (error) {
    if (uploadId) {
      // An abandoned upload keeps billing for its parts: abort it (best effort; lifecycle rules also clean up).
      await client
        .send(
          new AbortMultipartUploadCommand({
            Bucket: target.bucket,
            Key: target.key,
            UploadId: uploadId,
          }),
        )
        .catch(() => undefined);
    }
    throw copySourceError(error, source);
  }
}

/** The source's tags as the upload's Tagging header wants them; undefined when it has none. */
async function sourceTagging(
  client: S3Client,
  source: CopyRequest['source'],
): Promise<string | undefined> {
  let tags: { Key?: string; Value?: string }[];
  try {
    tags =
      (await client.send(new GetObjectTaggingCommand({ Bucket: source.bucket, Key: source.key })))
        .TagSet ?? [];
  } catch (error) {
    throw copySourceError(error, source);
  }
  if (tags.length === 0) return undefined;
  return new URLSearchParams(
    tags.map((tag): [string, string] => [tag.Key ?? '', tag.Value ?? '']),
  ).toString();
}

async function createUpload(
  client: S3Client,
  request: CopyRequest,
  facts: ObjectFacts,
  tagging: string | undefined,
): Promise<string | undefined> {
  const algorithm = request.checksumAlgorithm as ChecksumAlgorithm | undefined;
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: request.target.bucket,
      Key: request.target.key,
      ...(facts.contentType ? { ContentType: facts.contentType } : {}),
      ...(facts.metadata ? { Metadata: facts.metadata } : {}),
      ...(tagging !== undefined ? { Tagging: tagging } : {}),
      ...(request.storageClass ? { StorageClass: request.storageClass as StorageClass } : {}),
      ...(algorithm
        ? {
            ChecksumAlgorithm: algorithm,
            ...(fullObjectCapable.has(algorithm) ? { ChecksumType: 'FULL_OBJECT' as const } : {}),
          }
        : {}),
    }),
  );
  return created.UploadId;
}

/** The parts, one UploadPartCopy each, in order, each only if the source is still the listed version. */
async function copyParts(
  client: S3Client,
  request: CopyRequest,
  uploadId: string | undefined,
): Promise<CompletedPart[]> {
  const { source, target } = request;
  const parts: CompletedPart[] = [];
  for (
    let start = 0, number = 1;
    start < source.size;
    start += request.partSizeBytes, number += 1
  ) {
    const end = Math.min(source.size, start + request.partSizeBytes) - 1;
    const part = await client.send(
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
  return parts;
}

import {
  DeleteObjectsCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { toBatches } from '../core/batching.js';
import type { Tags } from '../core/tag-keys.js';
import type {
  ListedVersion,
  ObjectLockFacts,
  ObjectVersionRef,
  VersionDeletionFailure,
} from '../ports/object-store.js';
import { translateAwsError } from './aws-error-translation.js';

/** DeleteObjects takes at most 1,000 keys a request. */
const deleteBatchLimit = 1000;
/** Per-key answers that mean the version is already gone. */
const alreadyGone = new Set(['NoSuchKey', 'NoSuchVersion']);

/** The versioned side of S3 that pruning uses; S3ObjectStore delegates here. */
export async function* listObjectVersions(
  client: S3Client,
  bucket: string,
  prefix: string,
): AsyncIterable<ListedVersion[]> {
  // The SDK has no paginator for ListObjectVersions: it pages by key and version-id markers.
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          Prefix: prefix || undefined,
          MaxKeys: 1000,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
    } catch (error) {
      throw translateAwsError('ListObjectVersions', error);
    }
    yield [
      ...(page.Versions ?? []).map((version) => ({
        key: version.Key ?? '',
        versionId: version.VersionId ?? 'null',
        isLatest: version.IsLatest ?? false,
        deleteMarker: false,
      })),
      ...(page.DeleteMarkers ?? []).map((marker) => ({
        key: marker.Key ?? '',
        versionId: marker.VersionId ?? 'null',
        isLatest: marker.IsLatest ?? false,
        deleteMarker: true,
      })),
    ];
    const more = page.IsTruncated === true;
    keyMarker = more ? page.NextKeyMarker : undefined;
    versionIdMarker = more ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
}

export async function deleteObjectVersions(
  client: S3Client,
  bucket: string,
  versions: readonly ObjectVersionRef[],
): Promise<{ deleted: number; failed: VersionDeletionFailure[] }> {
  let deleted = 0;
  const failed: VersionDeletionFailure[] = [];
  for (const batch of toBatches([...versions], deleteBatchLimit)) {
    try {
      const output = await client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: {
            Quiet: true,
            Objects: batch.map(({ key, versionId }) => ({ Key: key, VersionId: versionId })),
          },
        }),
      );
      let refused = 0;
      for (const error of output.Errors ?? []) {
        if (alreadyGone.has(error.Code ?? '')) continue;
        refused += 1;
        failed.push({
          key: error.Key ?? '',
          versionId: error.VersionId ?? '',
          code: error.Code ?? 'Unknown',
          message: error.Message ?? '',
        });
      }
      deleted += batch.length - refused;
    } catch (error) {
      throw translateAwsError('DeleteObjects', error);
    }
  }
  return { deleted, failed };
}

export async function describeObjectLock(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<ObjectLockFacts | undefined> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return {
      ...(head.ObjectLockMode ? { mode: head.ObjectLockMode } : {}),
      ...(head.ObjectLockRetainUntilDate
        ? { retainUntil: head.ObjectLockRetainUntilDate.toISOString() }
        : {}),
      legalHold: head.ObjectLockLegalHoldStatus === 'ON',
    };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NotFound' || name === 'NoSuchKey') return undefined;
    throw translateAwsError('HeadObject', error);
  }
}

export async function objectTags(client: S3Client, bucket: string, key: string): Promise<Tags> {
  try {
    const output = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    return Object.fromEntries((output.TagSet ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  } catch (error) {
    if (['NoSuchKey', 'NotFound'].includes((error as Error).name)) return {};
    throw translateAwsError('GetObjectTagging', error);
  }
}

import { compareKeys } from '../../core/object-sync.js';
import { SourceBucketUnavailableError } from '../../ports/errors/object-errors.js';
import type { ListedObject, ObjectStore } from '../../ports/object-store.js';
import type { InMemoryObjectCloud } from './in-memory-object-store.js';

/** ListObjectsV2 and ListObjectVersions over the in-memory cloud, in S3's key order. */
export function objectListing(
  cloud: InMemoryObjectCloud,
): Pick<ObjectStore, 'listObjects' | 'listObjectVersions'> {
  return {
    listObjects: async function* (bucket: string, prefix: string, startAfter?: string) {
      cloud.count('ListObjectsV2');
      if (cloud.denied.has(bucket) || !cloud.hasBucket(bucket)) {
        throw new SourceBucketUnavailableError(`bucket ${bucket} cannot be listed: AccessDenied`);
      }
      const keys = [...cloud.objectsIn(bucket).keys()]
        .filter(
          (key) =>
            key.startsWith(prefix) &&
            (startAfter === undefined || compareKeys(key, startAfter) > 0),
        )
        .sort(compareKeys);
      // Pages of 1,000 keys, one request each, as S3 answers.
      for (let start = 0; start < keys.length; start += 1000) {
        if (start > 0) cloud.count('ListObjectsV2');
        yield keys.slice(start, start + 1000).map((key) => listed(cloud, bucket, key));
      }
    },
    listObjectVersions: async function* (bucket: string, prefix: string) {
      cloud.count('ListObjectVersions');
      const keys = [...cloud.objectsIn(bucket).keys()]
        .filter((key) => key.startsWith(prefix))
        .sort(compareKeys);
      yield keys.flatMap((key) => {
        const versions = cloud.versionsOf(bucket, key);
        return versions.map((version, index) => ({
          key,
          versionId: version.versionId,
          isLatest: index === versions.length - 1,
          deleteMarker: false,
        }));
      });
    },
  };
}

function listed(cloud: InMemoryObjectCloud, bucket: string, key: string): ListedObject {
  const version = cloud.latest(bucket, key)!;
  return {
    key,
    size: version.body.length,
    etag: version.etag,
    lastModified: version.lastModified.toISOString(),
    ...(version.sha256 ? { checksumAlgorithm: 'SHA256' } : {}),
    storageClass: version.storageClass,
  };
}

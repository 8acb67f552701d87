import type { ObjectStore, VersionDeletionFailure } from '../../ports/object-store.js';
import type { InMemoryObjectCloud } from './in-memory-object-store.js';

/** Deleting versions under S3 Object Lock (a retention date or a legal hold refuses them). */
export function objectLock(
  cloud: InMemoryObjectCloud,
): Pick<ObjectStore, 'deleteObjectVersions' | 'describeObjectLock'> {
  return {
    deleteObjectVersions: async (bucket, versions) => {
      let deleted = 0;
      const failed: VersionDeletionFailure[] = [];
      for (let start = 0; start < versions.length; start += 1000) {
        cloud.count('DeleteObjects');
        for (const { key, versionId } of versions.slice(start, start + 1000)) {
          const stored = cloud.objectsIn(bucket).get(key) ?? [];
          const index = stored.findIndex((version) => version.versionId === versionId);
          const version = stored[index];
          if (
            version &&
            (version.legalHold ||
              (version.retainUntil !== undefined && version.retainUntil > cloud.now.toISOString()))
          ) {
            failed.push({ key, versionId, code: 'AccessDenied', message: 'Object Lock' });
            continue;
          }
          if (index >= 0) stored.splice(index, 1);
          if (stored.length === 0) cloud.objectsIn(bucket).delete(key);
          deleted += 1;
        }
      }
      return { deleted, failed };
    },
    describeObjectLock: async (bucket, key) => {
      cloud.count('HeadObject');
      const version = cloud.latest(bucket, key);
      if (!version) return undefined;
      return {
        ...(version.retainUntil ? { mode: 'GOVERNANCE', retainUntil: version.retainUntil } : {}),
        legalHold: version.legalHold ?? false,
      };
    },
  };
}

import { manifestPrefix, type ManifestIndex } from '../core/bucket-copy-state.js';
import { versionsOnlyIn } from '../core/manifest-version-diff.js';
import type {
  ObjectStore,
  ObjectVersionRef,
  VersionDeletionFailure,
} from '../ports/object-store.js';
import { readManifestParts } from './manifest-stream.js';

/** DeleteObjects takes up to 1,000 keys; the executor fills each request. */
const deleteBatch = 1000;

export interface BucketRunExpiry {
  objectVersionsDeleted: number;
  /** Versions S3 refused (Object Lock, access): the run's manifest is kept while they exist. */
  refused: VersionDeletionFailure[];
  manifestRemoved: boolean;
}

/**
 * Expires one bucket-copy run: first the copies only it holds (its manifest against the nearest
 * kept runs before and after it), then its own manifest objects that no kept run still names,
 * and the index last, so an interrupted expiry is planned and finished again by the next turn.
 */
export async function expireBucketRun(
  store: ObjectStore,
  bucket: string,
  run: ManifestIndex,
  keptNeighbours: readonly ManifestIndex[],
  partsKeptRunsName: ReadonlySet<string>,
): Promise<BucketRunExpiry> {
  const entries = (index: ManifestIndex) => readManifestParts(store, bucket, index.parts);
  let objectVersionsDeleted = 0;
  const refused: VersionDeletionFailure[] = [];
  let pending: ObjectVersionRef[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const result = await store.deleteObjectVersions(bucket, pending);
    objectVersionsDeleted += result.deleted;
    refused.push(...result.failed);
    pending = [];
  };
  for await (const entry of versionsOnlyIn(entries(run), keptNeighbours.map(entries))) {
    pending.push({ key: `${run.keyPrefix}${entry.key}`, versionId: entry.versionId! });
    if (pending.length >= deleteBatch) await flush();
  }
  await flush();
  if (refused.length > 0) return { objectVersionsDeleted, refused, manifestRemoved: false };

  const prefix = manifestPrefix(run.sourceBucket, run.runId);
  const indexKey = `${prefix}index.json`;
  const parts: ObjectVersionRef[] = [];
  const index: ObjectVersionRef[] = [];
  for await (const page of store.listObjectVersions(bucket, prefix)) {
    for (const version of page) {
      if (version.key === indexKey) index.push(version);
      else if (!partsKeptRunsName.has(version.key)) parts.push(version);
    }
  }
  for (const versions of [parts, index]) {
    const result = await store.deleteObjectVersions(bucket, versions);
    refused.push(...result.failed);
    if (result.failed.length > 0) break;
  }
  return { objectVersionsDeleted, refused, manifestRemoved: refused.length === 0 };
}

import type { RecoveryPoint } from '../core/recovery-point.js';
import { InvalidInputError } from '../core/errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import { manifestPartsOf } from './manifest-index.js';
import { readManifestParts } from './manifest-stream.js';
import { toFailure } from './work-outcomes.js';

export interface RestoreBucketCopyRequest {
  point: RecoveryPoint;
  targetBucket: string;
  /** Only keys under this source prefix ('' for the whole bucket). */
  prefix?: string;
  /** Prepended to each restored key in the target bucket. */
  targetPrefix?: string;
}

export interface RestoreBucketCopyResult {
  recoveryPoint: string;
  restored: number;
  bytes: number;
  failures: { key: string; name: string; message: string }[];
}

/**
 * Restores a bucket (or a prefix) as it was at one copy run: every key that run's manifest lists,
 * at the version the manifest names, copied server-side from the backup bucket into the target.
 * A key deleted at the source after that run is restored too: history keeps it.
 */
export async function restoreBucketCopy(
  request: RestoreBucketCopyRequest,
  stores: { backup: ObjectStore; target: ObjectStore },
): Promise<RestoreBucketCopyResult> {
  const { point } = request;
  if (point.kind !== 'bucket-copy' || !point.manifest) {
    throw new InvalidInputError(
      `recovery point ${point.id} is a ${point.kind}, not a bucket copy with a manifest`,
    );
  }
  const { manifest } = point;
  const prefix = request.prefix ?? '';
  const result: RestoreBucketCopyResult = {
    recoveryPoint: point.id,
    restored: 0,
    bytes: 0,
    failures: [],
  };
  const parts = await manifestPartsOf(stores.backup, manifest);
  for await (const entry of readManifestParts(stores.backup, manifest.bucket, parts)) {
    if (!entry.key.startsWith(prefix)) continue;
    try {
      await stores.target.copyVersion({
        source: {
          bucket: manifest.bucket,
          key: manifest.keyPrefix + entry.key,
          ...(entry.versionId ? { versionId: entry.versionId } : {}),
        },
        target: { bucket: request.targetBucket, key: (request.targetPrefix ?? '') + entry.key },
      });
      result.restored += 1;
      result.bytes += entry.size;
    } catch (error) {
      result.failures.push({ key: entry.key, ...toFailure(error) });
    }
  }
  return result;
}

/** The newest bucket copy of a source at or before a time (a point-in-time restore). */
export function bucketCopyAt(
  points: readonly RecoveryPoint[],
  sourceBucket: string,
  at: Date,
): RecoveryPoint | undefined {
  return points
    .filter(
      (point) =>
        point.kind === 'bucket-copy' &&
        point.sourceId === sourceBucket &&
        point.state === 'available',
    )
    .filter((point) => Date.parse(point.createdAt) <= at.getTime())
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

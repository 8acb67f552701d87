import {
  manifestPrefix,
  type BucketCopyState,
  type ManifestIndex,
} from '../core/bucket-copy-state.js';
import { recoveryPointTags, type RecoveryPoint } from '../core/recovery-point.js';
import type { BucketCopyResult } from '../core/volume-backup-state.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import { copyPrefix } from './sync-bucket.js';

export interface RecordBucketCopyDeps {
  backup: ObjectStore;
  catalog: RecoveryPointCatalog;
  now: Date;
}

/**
 * Last step of a bucket copy: writes the run's manifest index (the recovery point for that run:
 * the input of a point-in-time restore), tags the manifest to expire with the copy, and indexes
 * it in the catalog.
 */
export async function recordBucketCopy(
  state: BucketCopyState,
  deps: RecordBucketCopyDeps,
): Promise<BucketCopyResult> {
  const { run, item, totals } = state;
  const prefix = manifestPrefix(item.bucket, run.runId);
  const indexKey = `${prefix}index.json`;
  const index: ManifestIndex = {
    format: 'backup-orchestrator/bucket-manifest@1',
    runId: run.runId,
    policy: run.policyName,
    sourceBucket: item.bucket,
    region: item.region,
    backupBucket: item.backupBucket,
    keyPrefix: copyPrefix(item.bucket),
    createdAt: run.startedAt,
    finishedAt: deps.now.toISOString(),
    expiresAt: item.expiresAt,
    parts: state.parts,
    totals,
  };
  await deps.backup.writeObject(
    item.backupBucket,
    indexKey,
    JSON.stringify(index, null, 2),
    'application/json',
  );
  const tags = recoveryPointTags({
    policy: run.policyName,
    sourceId: item.bucket,
    runId: run.runId,
    createdAt: new Date(run.startedAt),
    expiresAt: item.expiresAt,
  });
  for (const key of [indexKey, ...state.parts])
    await deps.backup.tagObject(item.backupBucket, key, tags);

  const id = `s3://${item.backupBucket}/${indexKey}`;
  const point: RecoveryPoint = {
    id,
    kind: 'bucket-copy',
    sourceId: item.bucket,
    region: item.region,
    policy: run.policyName,
    runId: run.runId,
    createdAt: run.startedAt,
    expiresAt: item.expiresAt,
    // A run with failed objects is still a usable point in time: its manifest lists what it holds.
    state: 'available',
    sizeGiB: Math.round((totals.bytesCopied / 2 ** 30) * 1000) / 1000,
    manifest: {
      bucket: item.backupBucket,
      indexKey,
      parts: state.parts,
      keyPrefix: copyPrefix(item.bucket),
      objects: totals.objects,
      bytes: totals.bytesCopied,
      copied: totals.copied,
      failed: totals.failed,
    },
  };
  await deps.catalog.put([point]);
  return {
    item,
    recoveryPoint: { id, region: item.region, sourceId: item.bucket, kind: 'bucket-copy' },
    objects: totals.objects,
    copied: totals.copied,
    kept: totals.kept,
    deletedAtSource: totals.deletedAtSource,
    bytesCopied: totals.bytesCopied,
    verified: totals.verified,
    failed: totals.failed,
    failures: state.failures,
  };
}

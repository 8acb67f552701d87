import {
  emptySyncTotals,
  manifestPayloadLimits,
  manifestPrefix,
  type BucketRangeResult,
  type FailedBucketRange,
  type ManifestIndex,
  type ManifestPart,
  type RecordBucketCopiesEvent,
  type SyncTotals,
} from '../core/run-state/bucket-copy.js';
import { recoveryPointTags, type RecoveryPoint } from '../core/recovery-point.js';
import type { BucketCopyItem } from '../core/run-state/discovery.js';
import type { BucketCopyResult } from '../core/run-state/backup-run-summary.js';
import type { RunContext, RunFailure } from '../core/run-state/backup-run.js';
import type { ObjectStoreFactory } from '../ports/object-store.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import { partsWithin, restrictPart } from '../core/bucket-key-ranges.js';
import { readManifestIndex, readPartList } from './manifest-index.js';
import { ManifestPartMissingError } from './manifest-stream.js';
import { copyPrefix } from './sync-bucket.js';
import { parseCause } from './lambda-cause.js';
import { toFailure } from './work-outcomes.js';

export interface RecordBucketCopiesDeps {
  storeFor: ObjectStoreFactory;
  catalog: RecoveryPointCatalog;
  now: Date;
  /** Catalog items carry the parts up to this many (default manifestPayloadLimits). */
  inlinePartsLimit?: number;
}

/**
 * After the bucket Map: joins each bucket's ranges (in key order) into one run manifest, writes its
 * index (the recovery point of that run: the input of a point-in-time restore), tags it to expire
 * with the copy, and indexes it in the catalog. A range that failed as a whole contributes the
 * previous run's parts for its keys, so a restore of this run still finds every key.
 */
export async function recordBucketCopies(
  event: RecordBucketCopiesEvent,
  deps: RecordBucketCopiesDeps,
): Promise<BucketCopyResult[]> {
  const groups = new Map<string, (BucketRangeResult | FailedBucketRange)[]>();
  for (const result of event.results) {
    const key = `${result.item.bucket}\u0000${result.item.region}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  const recorded: BucketCopyResult[] = [];
  for (const ranges of groups.values()) {
    ranges.sort((a, b) => a.range.index - b.range.index);
    recorded.push(await recordOne(event.run, ranges[0]!.item, ranges, deps));
  }
  return recorded;
}

async function recordOne(
  run: RunContext,
  item: BucketCopyItem,
  ranges: (BucketRangeResult | FailedBucketRange)[],
  deps: RecordBucketCopiesDeps,
): Promise<BucketCopyResult> {
  const totals = emptySyncTotals();
  const parts: ManifestPart[] = [];
  const failures: RunFailure[] = [];
  const backup = deps.storeFor(item.region);
  // A previous manifest passed by reference: a failed range takes its parts from the index.
  const previousOf = async (range: BucketRangeResult | FailedBucketRange) =>
    range.previousIndexKey !== '' && range.previousParts.length === 0
      ? partsWithin(
          (await readManifestIndex(backup, item.backupBucket, range.previousIndexKey)).parts,
          range.range,
        )
      : range.previousParts;
  for (const range of ranges) {
    // What the range copied before it stopped, in key order: spilled lists, then its last parts.
    for (const listKey of range.partLists)
      parts.push(...(await readPartList(backup, item.backupBucket, listKey)));
    parts.push(...range.parts);
    failures.push(...range.failures);
    if (range.totals)
      for (const [name, value] of Object.entries(range.totals) as [keyof SyncTotals, number][])
        totals[name] += value;
    const stoppedBy =
      'batchError' in range
        ? { name: range.batchError.Error, message: parseCause(range.batchError.Cause) }
        : range.rangeError;
    if (!stoppedBy) continue;
    // The range stopped early: the previous run's copies stand in for the keys it did not reach.
    const reached = range.startAfter ?? range.range.startAfter;
    try {
      for (const part of await previousOf(range)) {
        const standIn = restrictPart(part, {
          ...(reached !== undefined ? { startAfter: reached } : {}),
          ...(range.range.endAt !== undefined ? { endAt: range.range.endAt } : {}),
        });
        if (standIn) parts.push(standIn);
      }
    } catch (error) {
      // Only a manifest that is gone or unreadable is reported here; throttling is retried.
      if (!(error instanceof ManifestPartMissingError)) throw error;
      failures.push({
        sourceId: item.bucket,
        stage: 'bucket-copy',
        region: item.region,
        ...toFailure(error),
        message: `the previous manifest cannot stand in for keys ${describeRange({ ...(reached !== undefined ? { startAfter: reached } : {}), ...(range.range.endAt !== undefined ? { endAt: range.range.endAt } : {}) })} of ${item.bucket}: ${(error as Error).message}; this run's manifest does not list them`,
      });
    }
    failures.push({
      sourceId: item.bucket,
      stage: 'bucket-copy',
      region: item.region,
      name: stoppedBy.name,
      message: `copy of ${item.bucket} (keys ${describeRange(range.range)}) stopped ${reached === undefined ? 'at the start' : `after ${JSON.stringify(reached)}`}: ${stoppedBy.message}; the previous copies stand in for the rest`,
    });
  }

  const summary = {
    item,
    objects: totals.objects,
    copied: totals.copied,
    kept: totals.kept,
    deletedAtSource: totals.deletedAtSource,
    bytesCopied: totals.bytesCopied,
    verified: totals.verified,
    failed:
      totals.failed + ranges.filter((range) => 'batchError' in range || range.rangeError).length,
    failures,
  };
  // Nothing was copied and nothing earlier exists: there is no point in time to record.
  if (
    ranges.every((range) => 'batchError' in range || range.rangeError) &&
    parts.every((part) => part.lines === 0)
  ) {
    return summary;
  }

  const indexKey = `${manifestPrefix(item.bucket, run.runId)}index.json`;
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
    parts,
    totals,
  };
  await backup.writeObject(
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
  const ownParts = parts.filter((part) =>
    part.key.startsWith(manifestPrefix(item.bucket, run.runId)),
  );
  for (const key of [indexKey, ...ownParts.map((part) => part.key)])
    await backup.tagObject(item.backupBucket, key, tags);

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
      // A catalog item holds at most 400 KB: a long manifest is read from its index instead.
      parts:
        parts.length <= (deps.inlinePartsLimit ?? manifestPayloadLimits.inlineParts) ? parts : [],
      partCount: parts.length,
      keyPrefix: copyPrefix(item.bucket),
      objects: totals.objects,
      bytes: totals.bytesCopied,
      copied: totals.copied,
      failed: totals.failed,
    },
  };
  await deps.catalog.put([point]);
  return {
    ...summary,
    recoveryPoint: { id, region: item.region, sourceId: item.bucket, kind: 'bucket-copy' },
  };
}

function describeRange(range: { startAfter?: string; endAt?: string }): string {
  return `after ${range.startAfter === undefined ? 'the start' : JSON.stringify(range.startAfter)} up to ${range.endAt === undefined ? 'the end' : JSON.stringify(range.endAt)}`;
}

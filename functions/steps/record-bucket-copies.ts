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
import type { ObjectStore, ObjectStoreFactory } from '../ports/object-store.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import { restrictPart } from '../core/bucket-key-ranges.js';
import { readPartList } from './manifest-index.js';
import { ManifestPartMissingError } from './manifest-stream.js';
import { copyPrefix } from './sync-bucket.js';
import { parseCause } from './lambda-cause.js';
import { previousPartsOf } from './previous-manifest-parts.js';

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
  const backup = deps.storeFor(item.region);
  const { parts, failures, totals } = await joinRanges(item, ranges, backup);
  const stopped = ranges.filter((range) => 'batchError' in range || range.rangeError);
  const summary = {
    item,
    objects: totals.objects,
    copied: totals.copied,
    kept: totals.kept,
    deletedAtSource: totals.deletedAtSource,
    bytesCopied: totals.bytesCopied,
    verified: totals.verified,
    failed: totals.failed + stopped.length,
    failures,
  };
  // Nothing was copied and nothing earlier exists: there is no point in time to record.
  if (stopped.length === ranges.length && parts.every((part) => part.lines === 0)) {
    return summary;
  }
  const indexKey = await writeRunManifest(run, item, parts, totals, backup, deps.now);
  const point = bucketCopyPoint(run, item, indexKey, parts, totals, deps.inlinePartsLimit);
  await deps.catalog.put([point]);
  return {
    ...summary,
    recoveryPoint: {
      id: point.id,
      region: item.region,
      sourceId: item.bucket,
      kind: 'bucket-copy',
    },
  };
}

/** The bucket's ranges in key order, as one manifest: their parts, failures and counters summed. */
async function joinRanges(
  item: BucketCopyItem,
  ranges: (BucketRangeResult | FailedBucketRange)[],
  backup: ObjectStore,
): Promise<{ parts: ManifestPart[]; failures: RunFailure[]; totals: SyncTotals }> {
  const totals = emptySyncTotals();
  const parts: ManifestPart[] = [];
  const failures: RunFailure[] = [];
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
    const standIns = await standInsFor(item, range, backup);
    parts.push(...standIns.parts);
    failures.push(...standIns.failures);
    const reached = range.startAfter ?? range.range.startAfter;
    failures.push(
      bucketCopyFailure(
        item,
        stoppedBy.name,
        `copy of ${item.bucket} (keys ${describeRange(range.range)}) stopped ${reached === undefined ? 'at the start' : `after ${JSON.stringify(reached)}`}: ${stoppedBy.message}; the previous copies stand in for the rest`,
      ),
    );
  }
  return { parts, failures, totals };
}

/**
 * A range that stopped early: the previous run's copies stand in for the keys it did not reach.
 * A previous manifest that is gone or unreadable is reported; throttling is retried.
 */
async function standInsFor(
  item: BucketCopyItem,
  range: BucketRangeResult | FailedBucketRange,
  backup: ObjectStore,
): Promise<{ parts: ManifestPart[]; failures: RunFailure[] }> {
  const reached = range.startAfter ?? range.range.startAfter;
  const rest = {
    ...(reached !== undefined ? { startAfter: reached } : {}),
    ...(range.range.endAt !== undefined ? { endAt: range.range.endAt } : {}),
  };
  const parts: ManifestPart[] = [];
  try {
    for (const part of await previousPartsOf(backup, item.backupBucket, range)) {
      const standIn = restrictPart(part, rest);
      if (standIn) parts.push(standIn);
    }
    return { parts, failures: [] };
  } catch (error) {
    if (!(error instanceof ManifestPartMissingError)) throw error;
    const failure = bucketCopyFailure(
      item,
      error.name,
      `the previous manifest cannot stand in for keys ${describeRange(rest)} of ${item.bucket}: ${error.message}; this run's manifest does not list them`,
    );
    return { parts, failures: [failure] };
  }
}

/** Writes the run's manifest index and tags it and the run's own parts to expire with the copy. */
async function writeRunManifest(
  run: RunContext,
  item: BucketCopyItem,
  parts: ManifestPart[],
  totals: SyncTotals,
  backup: ObjectStore,
  now: Date,
): Promise<string> {
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
    finishedAt: now.toISOString(),
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
  return indexKey;
}

/** The run's recovery point in the catalog: the manifest index is what a restore reads. */
function bucketCopyPoint(
  run: RunContext,
  item: BucketCopyItem,
  indexKey: string,
  parts: ManifestPart[],
  totals: SyncTotals,
  inlinePartsLimit = manifestPayloadLimits.inlineParts,
): RecoveryPoint {
  return {
    id: `s3://${item.backupBucket}/${indexKey}`,
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
      parts: parts.length <= inlinePartsLimit ? parts : [],
      partCount: parts.length,
      keyPrefix: copyPrefix(item.bucket),
      objects: totals.objects,
      bytes: totals.bytesCopied,
      copied: totals.copied,
      failed: totals.failed,
    },
  };
}

function bucketCopyFailure(item: BucketCopyItem, name: string, message: string): RunFailure {
  return { sourceId: item.bucket, stage: 'bucket-copy', region: item.region, name, message };
}

function describeRange(range: { startAfter?: string; endAt?: string }): string {
  return `after ${range.startAfter === undefined ? 'the start' : JSON.stringify(range.startAfter)} up to ${range.endAt === undefined ? 'the end' : JSON.stringify(range.endAt)}`;
}

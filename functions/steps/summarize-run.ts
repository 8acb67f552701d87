import {
  bucketCopyTotals,
  createdCounts,
  pointsByRegion,
  runOutcome,
  secondsSince,
  sourceCounts,
  volumeCounts,
  type BucketCopyTotals,
  type RunOutcome,
  type SourceCounts,
} from '../core/backup-run-counts.js';
import type { BatchResult, FailedBatch } from '../core/run-state/volume-batch.js';
import type {
  BucketCopyResult,
  FailedBranch,
  FailedBucketCopy,
  FailedImageBatch,
  SummarizeRunEvent,
} from '../core/run-state/backup-run-summary.js';
import type { RecoveryPointRef, RunFailure } from '../core/run-state/backup-run.js';
import { parseCause } from './lambda-cause.js';

export interface RunSummary {
  runId: string;
  policy: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  /** succeeded: every selected resource has all its recovery points; partial: some failed. */
  outcome: RunOutcome;
  volumes: SourceCounts & { excluded: string[] };
  instances: SourceCounts;
  buckets: SourceCounts;
  snapshotsCreated: number;
  copiesCreated: number;
  imagesCreated: number;
  imageCopiesCreated: number;
  exportsCreated: number;
  /** Bucket copies: one per source bucket and DR region. */
  bucketCopies: BucketCopyTotals;
  recoveryPointsByRegion: Record<string, RecoveryPointRef[]>;
  failures: RunFailure[];
  tagProblems: { kind: string; resourceId: string; message: string }[];
  tagProblemCount: number;
}

/** What one branch's results come to: its failures and the recovery points it made. */
interface BranchFold {
  failures: RunFailure[];
  points: RecoveryPointRef[];
}

/** Folds both branches' batch results into the run's summary, the workflow's output. */
export function summarizeRun(event: SummarizeRunEvent, now: Date): RunSummary {
  const { run, discovery } = event;
  const region = run.primaryRegion;
  const volumes = foldBatches(resultsOf(event.volumeResults), region);
  const images = foldBatches(resultsOf(event.imageResults), region);
  const buckets = foldBucketCopies(resultsOf(event.bucketResults));
  const failures = [
    ...discovery.failures,
    ...wholeBranchFailures(event, region),
    ...volumes.failures,
    ...images.failures,
    ...buckets.failures,
  ];
  const points = [...volumes.points, ...images.points, ...buckets.points];
  const sources = countSources(event, { volumes, images, buckets });
  return {
    runId: run.runId,
    policy: run.policyName,
    startedAt: run.startedAt,
    finishedAt: now.toISOString(),
    durationSeconds: secondsSince(run.startedAt, now),
    outcome: runOutcome(Object.values(sources), failures.length),
    ...sources,
    ...createdCounts(points),
    bucketCopies: bucketCopyTotals(buckets.copies),
    recoveryPointsByRegion: pointsByRegion(points),
    failures,
    tagProblems: discovery.tagProblems,
    tagProblemCount: discovery.tagProblemCount,
  };
}

/** How each kind of source fared, from discovery and its branch's failures. */
function countSources(
  { discovery, volumeResults, imageResults, bucketResults }: SummarizeRunEvent,
  folds: Record<'volumes' | 'images' | 'buckets', BranchFold>,
): Pick<RunSummary, 'volumes' | 'instances' | 'buckets'> {
  const discoveredBucketFailures = discovery.failures.filter(
    (failure) => failure.stage === 'bucket-copy',
  );
  return {
    volumes: volumeCounts(discovery, ran(volumeResults), folds.volumes.failures),
    instances: sourceCounts(
      discovery.instancesOptedIn,
      discovery.instancesSelected,
      ran(imageResults),
      folds.images.failures,
    ),
    buckets: sourceCounts(discovery.bucketsOptedIn, discovery.bucketsSelected, ran(bucketResults), [
      ...folds.buckets.failures,
      ...discoveredBucketFailures,
    ]),
  };
}

/** A branch ran when it handed on its results, not its Catch path's error. */
function ran<T>(results: T[] | FailedBranch): results is T[] {
  return Array.isArray(results);
}

function resultsOf<T>(results: T[] | FailedBranch): T[] {
  return ran(results) ? results : [];
}

/** One failure for each branch that failed as a whole (the Parallel's Catch path). */
function wholeBranchFailures(event: SummarizeRunEvent, region: string): RunFailure[] {
  const branches: [string, unknown[] | FailedBranch][] = [
    ['volumes', event.volumeResults],
    ['images', event.imageResults],
    ['buckets', event.bucketResults],
  ];
  return branches.flatMap(([name, results]) =>
    ran(results)
      ? []
      : [
          {
            sourceId: `(${name})`,
            stage: 'batch' as const,
            region,
            name: results.branchError.Error,
            message: `the ${name} branch failed as a whole: ${parseCause(results.branchError.Cause)}`,
          },
        ],
  );
}

function foldBatches(
  results: (BatchResult | FailedBatch | FailedImageBatch)[],
  region: string,
): BranchFold {
  const fold: BranchFold = { failures: [], points: [] };
  for (const result of results) {
    if ('batchError' in result) {
      fold.failures.push(...failedBatchFailures(result, region));
    } else {
      fold.failures.push(...result.failures);
      fold.points.push(...result.recoveryPoints);
    }
  }
  return fold;
}

function foldBucketCopies(
  results: (BucketCopyResult | FailedBucketCopy)[],
): BranchFold & { copies: BucketCopyResult[] } {
  const fold: BranchFold & { copies: BucketCopyResult[] } = {
    failures: [],
    points: [],
    copies: [],
  };
  for (const result of results) {
    if ('batchError' in result) {
      fold.failures.push({
        sourceId: result.item.bucket,
        stage: 'bucket-copy',
        region: result.item.region,
        name: result.batchError.Error,
        message: `copy of bucket ${result.item.bucket} to ${result.item.region} failed as a whole: ${parseCause(result.batchError.Cause)}`,
      });
      continue;
    }
    fold.copies.push(result);
    if (result.recoveryPoint) fold.points.push(result.recoveryPoint);
    fold.failures.push(...result.failures, ...unlistedObjectFailures(result));
  }
  return fold;
}

/** The run state lists a copy's object failures up to a cap; the rest are counted in one failure. */
function unlistedObjectFailures(result: BucketCopyResult): RunFailure[] {
  const unlisted = result.failed - result.failures.length;
  if (unlisted <= 0) return [];
  return [
    {
      sourceId: result.item.bucket,
      stage: 'bucket-copy',
      region: result.item.region,
      name: 'MoreObjectFailures',
      message: `${unlisted} more objects of ${result.item.bucket} failed (listed in the run state up to ${result.failures.length})`,
    },
  ];
}

function failedBatchFailures(batch: FailedBatch | FailedImageBatch, region: string): RunFailure[] {
  const cause = parseCause(batch.batchError.Cause);
  const sources =
    'volumes' in batch
      ? batch.volumes.map((volume) => volume.volumeId)
      : batch.instances.map((instance) => instance.instanceId);
  return sources.map((sourceId) => ({
    sourceId,
    stage: 'batch' as const,
    region,
    name: batch.batchError.Error,
    message: `batch ${batch.batchIndex} failed as a whole: ${cause}`,
  }));
}

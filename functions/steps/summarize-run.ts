import type { BatchResult, FailedBatch } from '../core/run-state/volume-batch.js';
import type {
  FailedBranch,
  FailedImageBatch,
  SummarizeRunEvent,
} from '../core/run-state/backup-run-summary.js';
import type { RecoveryPointRef, RunFailure } from '../core/run-state/backup-run.js';
import { parseCause } from './lambda-cause.js';

interface SourceCounts {
  optedIn: number;
  selected: number;
  succeeded: number;
  failed: number;
}

export interface RunSummary {
  runId: string;
  policy: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  /** succeeded: every selected resource has all its recovery points; partial: some failed. */
  outcome: 'succeeded' | 'partial' | 'failed' | 'nothing-to-do';
  volumes: SourceCounts & { excluded: string[] };
  instances: SourceCounts;
  buckets: SourceCounts;
  snapshotsCreated: number;
  copiesCreated: number;
  imagesCreated: number;
  imageCopiesCreated: number;
  exportsCreated: number;
  /** Bucket copies: one per source bucket and DR region. */
  bucketCopies: {
    runs: number;
    objects: number;
    copied: number;
    kept: number;
    deletedAtSource: number;
    bytesCopied: number;
    verified: number;
    failed: number;
  };
  recoveryPointsByRegion: Record<string, RecoveryPointRef[]>;
  failures: RunFailure[];
  tagProblems: { kind: string; resourceId: string; message: string }[];
  tagProblemCount: number;
}

/** Folds both branches' batch results into the run's summary, the workflow's output. */
export function summarizeRun(event: SummarizeRunEvent, now: Date): RunSummary {
  const { run, discovery } = event;
  const volumeFailures: RunFailure[] = [];
  const instanceFailures: RunFailure[] = [];
  const points: RecoveryPointRef[] = [];
  const branchFailures: RunFailure[] = [];
  const branch = <T>(name: string, results: T[] | FailedBranch): T[] => {
    if (Array.isArray(results)) return results;
    branchFailures.push({
      sourceId: `(${name})`,
      stage: 'batch',
      region: run.primaryRegion,
      name: results.branchError.Error,
      message: `the ${name} branch failed as a whole: ${parseCause(results.branchError.Cause)}`,
    });
    return [];
  };
  const volumeResults = branch('volumes', event.volumeResults);
  const imageResults = branch('images', event.imageResults);
  const bucketResults = branch('buckets', event.bucketResults);
  for (const result of volumeResults) {
    if ('batchError' in result)
      volumeFailures.push(...failedBatchFailures(result, run.primaryRegion));
    else collect(result, volumeFailures);
  }
  for (const result of imageResults) {
    if ('batchError' in result)
      instanceFailures.push(...failedBatchFailures(result, run.primaryRegion));
    else collect(result, instanceFailures);
  }
  function collect(result: BatchResult, into: RunFailure[]) {
    into.push(...result.failures);
    points.push(...result.recoveryPoints);
  }

  const bucketFailures: RunFailure[] = [];
  const bucketCopies = {
    runs: 0,
    objects: 0,
    copied: 0,
    kept: 0,
    deletedAtSource: 0,
    bytesCopied: 0,
    verified: 0,
    failed: 0,
  };
  for (const result of bucketResults) {
    if ('batchError' in result) {
      bucketFailures.push({
        sourceId: result.item.bucket,
        stage: 'bucket-copy',
        region: result.item.region,
        name: result.batchError.Error,
        message: `copy of bucket ${result.item.bucket} to ${result.item.region} failed as a whole: ${parseCause(result.batchError.Cause)}`,
      });
      continue;
    }
    if (result.recoveryPoint) bucketCopies.runs += 1;
    bucketCopies.objects += result.objects;
    bucketCopies.copied += result.copied;
    bucketCopies.kept += result.kept;
    bucketCopies.deletedAtSource += result.deletedAtSource;
    bucketCopies.bytesCopied += result.bytesCopied;
    bucketCopies.verified += result.verified;
    bucketCopies.failed += result.failed;
    if (result.recoveryPoint) points.push(result.recoveryPoint);
    bucketFailures.push(...result.failures);
    if (result.failed > result.failures.length) {
      bucketFailures.push({
        sourceId: result.item.bucket,
        stage: 'bucket-copy',
        region: result.item.region,
        name: 'MoreObjectFailures',
        message: `${result.failed - result.failures.length} more objects of ${result.item.bucket} failed (listed in the run state up to ${result.failures.length})`,
      });
    }
  }
  const discoveredBucketFailures = discovery.failures.filter(
    (failure) => failure.stage === 'bucket-copy',
  );
  const failures = [
    ...discovery.failures,
    ...branchFailures,
    ...volumeFailures,
    ...instanceFailures,
    ...bucketFailures,
  ];
  const recoveryPointsByRegion: Record<string, RecoveryPointRef[]> = {};
  for (const point of points) (recoveryPointsByRegion[point.region] ??= []).push(point);
  const failedVolumes = new Set(volumeFailures.map((failure) => failure.sourceId));
  const failedInstances = new Set(instanceFailures.map((failure) => failure.sourceId));
  const volumes = {
    optedIn: discovery.optedIn,
    selected: discovery.selected,
    excluded: discovery.excluded,
    succeeded: Array.isArray(event.volumeResults)
      ? Math.max(0, discovery.selected - failedVolumes.size)
      : 0,
    // Discovery failures are volumes that were never selected; they count as failed too.
    failed: new Set([
      ...failedVolumes,
      ...discovery.failures
        .filter((failure) => failure.stage === 'discover')
        .map((failure) => failure.sourceId),
    ]).size,
  };
  const instances = {
    optedIn: discovery.instancesOptedIn,
    selected: discovery.instancesSelected,
    succeeded: Array.isArray(event.imageResults)
      ? Math.max(0, discovery.instancesSelected - failedInstances.size)
      : 0,
    failed: failedInstances.size,
  };
  const failedBuckets = new Set(
    [...bucketFailures, ...discoveredBucketFailures].map((failure) => failure.sourceId),
  );
  const buckets = {
    optedIn: discovery.bucketsOptedIn,
    selected: discovery.bucketsSelected,
    succeeded: Array.isArray(event.bucketResults)
      ? Math.max(0, discovery.bucketsSelected - failedBuckets.size)
      : 0,
    failed: failedBuckets.size,
  };
  const selected = volumes.selected + instances.selected + buckets.selected;
  const succeeded = volumes.succeeded + instances.succeeded + buckets.succeeded;
  const count = (kind: RecoveryPointRef['kind'], copies: boolean) =>
    points.filter((point) => point.kind === kind && Boolean(point.copyOf) === copies).length;
  return {
    runId: run.runId,
    policy: run.policyName,
    startedAt: run.startedAt,
    finishedAt: now.toISOString(),
    durationSeconds: Math.max(
      0,
      Math.round((now.getTime() - new Date(run.startedAt).getTime()) / 1000),
    ),
    outcome:
      selected === 0 && failures.length === 0
        ? 'nothing-to-do'
        : failures.length === 0
          ? 'succeeded'
          : succeeded === 0
            ? 'failed'
            : 'partial',
    volumes,
    instances,
    buckets,
    snapshotsCreated: count('volume-snapshot', false),
    copiesCreated: count('volume-snapshot', true),
    imagesCreated: count('image', false),
    imageCopiesCreated: count('image', true),
    exportsCreated: count('image-export', false),
    bucketCopies,
    recoveryPointsByRegion,
    failures,
    tagProblems: discovery.tagProblems,
    tagProblemCount: discovery.tagProblemCount,
  };
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

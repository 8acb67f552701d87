import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { PruneSummary } from '../steps/summarize-prune.js';
import type { RunSummary } from '../steps/summarize-run.js';

export interface RunMetric {
  name: string;
  unit: (typeof MetricUnit)[keyof typeof MetricUnit];
  value: number;
}

/** The metrics one backup run emits (dimension: Policy), derived from its summary. */
export function runMetrics(summary: RunSummary): RunMetric[] {
  return [
    { name: 'SnapshotsCreated', unit: MetricUnit.Count, value: summary.snapshotsCreated },
    { name: 'SnapshotsCopied', unit: MetricUnit.Count, value: summary.copiesCreated },
    { name: 'ImagesCreated', unit: MetricUnit.Count, value: summary.imagesCreated },
    { name: 'ImagesCopied', unit: MetricUnit.Count, value: summary.imageCopiesCreated },
    { name: 'ImagesExported', unit: MetricUnit.Count, value: summary.exportsCreated },
    {
      name: 'SnapshotsFailed',
      unit: MetricUnit.Count,
      value: summary.failures.filter((failure) => ['snapshot', 'copy'].includes(failure.stage))
        .length,
    },
    {
      name: 'ImagesFailed',
      unit: MetricUnit.Count,
      value: summary.failures.filter((failure) =>
        ['image', 'image-copy', 'export'].includes(failure.stage),
      ).length,
    },
    { name: 'FailuresTotal', unit: MetricUnit.Count, value: summary.failures.length },
    { name: 'VolumesFailed', unit: MetricUnit.Count, value: summary.volumes.failed },
    { name: 'InstancesFailed', unit: MetricUnit.Count, value: summary.instances.failed },
    { name: 'BucketObjectsCopied', unit: MetricUnit.Count, value: summary.bucketCopies.copied },
    { name: 'BucketBytesCopied', unit: MetricUnit.Bytes, value: summary.bucketCopies.bytesCopied },
    { name: 'BucketObjectsFailed', unit: MetricUnit.Count, value: summary.bucketCopies.failed },
    { name: 'TagProblems', unit: MetricUnit.Count, value: summary.tagProblemCount },
    { name: 'RunDuration', unit: MetricUnit.Seconds, value: summary.durationSeconds },
  ];
}

/** The metrics one prune emits (dimension: Policy): what was kept, deleted and what failed. */
export function pruneMetrics(summary: PruneSummary): RunMetric[] {
  return [
    { name: 'RecoveryPointsKept', unit: MetricUnit.Count, value: summary.kept },
    { name: 'RecoveryPointsPruned', unit: MetricUnit.Count, value: summary.deleted },
    {
      name: 'SnapshotsDeleted',
      unit: MetricUnit.Count,
      value: summary.totals.snapshotsDeleted + summary.totals.imageSnapshotsDeleted,
    },
    {
      name: 'ImagesDeregistered',
      unit: MetricUnit.Count,
      value: summary.totals.imagesDeregistered,
    },
    { name: 'ImageExportsDeleted', unit: MetricUnit.Count, value: summary.totals.exportsDeleted },
    { name: 'BucketRunsExpired', unit: MetricUnit.Count, value: summary.totals.bucketRunsExpired },
    {
      name: 'ObjectVersionsDeleted',
      unit: MetricUnit.Count,
      value: summary.totals.objectVersionsDeleted,
    },
    {
      name: 'PruneBlockedByFraction',
      unit: MetricUnit.Count,
      value: summary.blockedByFraction.length,
    },
    { name: 'PruneKeptForBadTags', unit: MetricUnit.Count, value: summary.problems.length },
    { name: 'PruneFailures', unit: MetricUnit.Count, value: summary.failures.length },
  ];
}

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BackupRunMetric, PruneMetric } from './metric-names.js';
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
    {
      name: BackupRunMetric.snapshotsCreated,
      unit: MetricUnit.Count,
      value: summary.snapshotsCreated,
    },
    { name: BackupRunMetric.snapshotsCopied, unit: MetricUnit.Count, value: summary.copiesCreated },
    { name: BackupRunMetric.imagesCreated, unit: MetricUnit.Count, value: summary.imagesCreated },
    {
      name: BackupRunMetric.imagesCopied,
      unit: MetricUnit.Count,
      value: summary.imageCopiesCreated,
    },
    { name: BackupRunMetric.imagesExported, unit: MetricUnit.Count, value: summary.exportsCreated },
    {
      name: BackupRunMetric.snapshotsFailed,
      unit: MetricUnit.Count,
      value: summary.failures.filter((failure) => ['snapshot', 'copy'].includes(failure.stage))
        .length,
    },
    {
      name: BackupRunMetric.imagesFailed,
      unit: MetricUnit.Count,
      value: summary.failures.filter((failure) =>
        ['image', 'image-copy', 'export'].includes(failure.stage),
      ).length,
    },
    { name: BackupRunMetric.failuresTotal, unit: MetricUnit.Count, value: summary.failures.length },
    { name: BackupRunMetric.volumesFailed, unit: MetricUnit.Count, value: summary.volumes.failed },
    {
      name: BackupRunMetric.instancesFailed,
      unit: MetricUnit.Count,
      value: summary.instances.failed,
    },
    {
      name: BackupRunMetric.bucketObjectsCopied,
      unit: MetricUnit.Count,
      value: summary.bucketCopies.copied,
    },
    {
      name: BackupRunMetric.bucketBytesCopied,
      unit: MetricUnit.Bytes,
      value: summary.bucketCopies.bytesCopied,
    },
    {
      name: BackupRunMetric.bucketObjectsFailed,
      unit: MetricUnit.Count,
      value: summary.bucketCopies.failed,
    },
    { name: BackupRunMetric.tagProblems, unit: MetricUnit.Count, value: summary.tagProblemCount },
    { name: BackupRunMetric.runDuration, unit: MetricUnit.Seconds, value: summary.durationSeconds },
  ];
}

/** The metrics one prune emits (dimension: Policy): what was kept, deleted and what failed. */
export function pruneMetrics(summary: PruneSummary): RunMetric[] {
  return [
    { name: PruneMetric.recoveryPointsKept, unit: MetricUnit.Count, value: summary.kept },
    { name: PruneMetric.recoveryPointsPruned, unit: MetricUnit.Count, value: summary.deleted },
    {
      name: PruneMetric.snapshotsDeleted,
      unit: MetricUnit.Count,
      value: summary.totals.snapshotsDeleted + summary.totals.imageSnapshotsDeleted,
    },
    {
      name: PruneMetric.imagesDeregistered,
      unit: MetricUnit.Count,
      value: summary.totals.imagesDeregistered,
    },
    {
      name: PruneMetric.imageExportsDeleted,
      unit: MetricUnit.Count,
      value: summary.totals.exportsDeleted,
    },
    {
      name: PruneMetric.bucketRunsExpired,
      unit: MetricUnit.Count,
      value: summary.totals.bucketRunsExpired,
    },
    {
      name: PruneMetric.objectVersionsDeleted,
      unit: MetricUnit.Count,
      value: summary.totals.objectVersionsDeleted,
    },
    {
      name: PruneMetric.blockedByFraction,
      unit: MetricUnit.Count,
      value: summary.blockedByFraction.length,
    },
    { name: PruneMetric.keptForBadTags, unit: MetricUnit.Count, value: summary.problems.length },
    { name: PruneMetric.failures, unit: MetricUnit.Count, value: summary.failures.length },
  ];
}

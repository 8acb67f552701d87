import { MetricUnit } from '@aws-lambda-powertools/metrics';
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
    { name: 'SnapshotsFailed', unit: MetricUnit.Count, value: summary.failures.length },
    { name: 'VolumesFailed', unit: MetricUnit.Count, value: summary.volumes.failed },
    { name: 'TagProblems', unit: MetricUnit.Count, value: summary.tagProblemCount },
    { name: 'RunDuration', unit: MetricUnit.Seconds, value: summary.durationSeconds },
  ];
}

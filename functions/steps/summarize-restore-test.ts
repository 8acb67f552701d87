import type {
  FailedRestoreBatch,
  RestoreBatchResult,
  RestoreSelection,
  RestoreTestResult,
  SummarizeRestoreTestEvent,
  SweepResult,
} from '../core/run-state/restore-test-run.js';
import { parseCause } from './lambda-cause.js';
import { RestoreTestMetric } from '../observability/metric-names.js';

export interface RestoreTestSummary {
  runId: string;
  policy: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  /** passed: every selected image passed; failed: at least one did not (or was not tested). */
  outcome: 'passed' | 'failed' | 'nothing-to-do';
  selection: RestoreSelection;
  passed: number;
  failed: number;
  results: RestoreTestResult[];
  sweep: SweepResult | { error: string };
}

/** Folds the batches' results into the run's summary, the workflow's output. */
export function summarizeRestoreTest(
  event: SummarizeRestoreTestEvent,
  now: Date,
): RestoreTestSummary {
  const { run } = event;
  const results: RestoreTestResult[] = [];
  for (const batch of event.batchResults) {
    if (isFailedBatch(batch)) results.push(...failedBatchResults(batch, now));
    else results.push(...batch.results);
  }
  const passed = results.filter((result) => result.outcome === 'passed').length;
  const failed = results.length - passed;
  const startedAt = new Date(run.startedAt);
  return {
    runId: run.runId,
    policy: run.policyName,
    startedAt: run.startedAt,
    finishedAt: now.toISOString(),
    durationSeconds: Math.max(0, Math.round((now.getTime() - startedAt.getTime()) / 1000)),
    outcome: results.length === 0 ? 'nothing-to-do' : failed === 0 ? 'passed' : 'failed',
    selection: event.selection,
    passed,
    failed,
    results,
    sweep:
      'Error' in event.sweep
        ? { error: `${event.sweep.Error}: ${parseCause(event.sweep.Cause)}` }
        : event.sweep,
  };
}

export interface RestoreTestMetric {
  name: (typeof RestoreTestMetric)[keyof typeof RestoreTestMetric];
  unit: 'Count' | 'Seconds';
  value: number;
}

/** The metrics one restore-test run emits (dimension: Policy): counts, and one RTO per pass. */
export function restoreTestMetrics(summary: RestoreTestSummary): RestoreTestMetric[] {
  return [
    { name: RestoreTestMetric.passed, unit: 'Count', value: summary.passed },
    { name: RestoreTestMetric.failed, unit: 'Count', value: summary.failed },
    ...summary.results.flatMap((result): RestoreTestMetric[] =>
      result.outcome === 'passed' && result.rtoSeconds !== undefined
        ? [{ name: RestoreTestMetric.rto, unit: 'Seconds', value: result.rtoSeconds }]
        : [],
    ),
  ];
}

function isFailedBatch(
  batch: RestoreBatchResult | FailedRestoreBatch,
): batch is FailedRestoreBatch {
  return 'batchError' in batch;
}

function failedBatchResults(batch: FailedRestoreBatch, now: Date): RestoreTestResult[] {
  const cause = parseCause(batch.batchError.Cause);
  return batch.images.map((image) => ({
    imageId: image.imageId,
    sourceId: image.sourceId,
    outcome: 'not-tested' as const,
    reason: `batch ${batch.batchIndex} failed as a whole (${batch.batchError.Error}): ${cause}`,
    testedAt: now.toISOString(),
    problems: batch.cleanupError
      ? [`cleanup: ${batch.cleanupError.name}: ${batch.cleanupError.message} (the sweeper retries)`]
      : [],
  }));
}

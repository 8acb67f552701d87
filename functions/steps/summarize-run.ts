import type {
  BatchResult,
  FailedBatch,
  RecoveryPointRef,
  RunFailure,
  SummarizeRunEvent,
} from '../core/volume-backup-state.js';

export interface RunSummary {
  runId: string;
  policy: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  /** succeeded: every selected volume has its snapshot and copies; partial: some failed. */
  outcome: 'succeeded' | 'partial' | 'failed' | 'nothing-to-do';
  volumes: {
    optedIn: number;
    selected: number;
    excluded: string[];
    succeeded: number;
    failed: number;
  };
  snapshotsCreated: number;
  copiesCreated: number;
  recoveryPointsByRegion: Record<string, RecoveryPointRef[]>;
  failures: RunFailure[];
  tagProblems: { kind: string; resourceId: string; message: string }[];
  tagProblemCount: number;
}

/** Folds the batches' results into the run's summary, the workflow's output. */
export function summarizeRun(event: SummarizeRunEvent, now: Date): RunSummary {
  const { run, discovery } = event;
  const failures: RunFailure[] = [...discovery.failures];
  const points: RecoveryPointRef[] = [];
  for (const result of event.batchResults) {
    if (isFailedBatch(result)) {
      failures.push(...failedBatchFailures(result, run.primaryRegion));
    } else {
      failures.push(...result.failures);
      points.push(...result.recoveryPoints);
    }
  }

  const recoveryPointsByRegion: Record<string, RecoveryPointRef[]> = {};
  for (const point of points) (recoveryPointsByRegion[point.region] ??= []).push(point);
  const failed = new Set(failures.map((failure) => failure.sourceId)).size;
  // Discovery failures are volumes that were never selected; the rest count against the selection.
  const failedSelected = new Set(
    failures.filter((failure) => failure.stage !== 'discover').map((failure) => failure.sourceId),
  );
  const succeeded = Math.max(0, discovery.selected - failedSelected.size);
  const startedAt = new Date(run.startedAt);
  return {
    runId: run.runId,
    policy: run.policyName,
    startedAt: run.startedAt,
    finishedAt: now.toISOString(),
    durationSeconds: Math.max(0, Math.round((now.getTime() - startedAt.getTime()) / 1000)),
    outcome:
      discovery.selected === 0 && failures.length === 0
        ? 'nothing-to-do'
        : failures.length === 0
          ? 'succeeded'
          : succeeded === 0
            ? 'failed'
            : 'partial',
    volumes: {
      optedIn: discovery.optedIn,
      selected: discovery.selected,
      excluded: discovery.excluded,
      succeeded,
      failed,
    },
    snapshotsCreated: points.filter((point) => !point.copyOf).length,
    copiesCreated: points.filter((point) => point.copyOf).length,
    recoveryPointsByRegion,
    failures,
    tagProblems: discovery.tagProblems,
    tagProblemCount: discovery.tagProblemCount,
  };
}

function isFailedBatch(result: BatchResult | FailedBatch): result is FailedBatch {
  return 'batchError' in result;
}

function failedBatchFailures(batch: FailedBatch, region: string): RunFailure[] {
  const cause = parseCause(batch.batchError.Cause);
  return batch.volumes.map((volume) => ({
    sourceId: volume.volumeId,
    stage: 'batch' as const,
    region,
    name: batch.batchError.Error,
    message: `batch ${batch.batchIndex} failed as a whole: ${cause}`,
  }));
}

/** Lambda errors arrive as a JSON Cause ({ errorType, errorMessage }); show the message. */
function parseCause(cause: string | undefined): string {
  if (!cause) return 'no cause given';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}

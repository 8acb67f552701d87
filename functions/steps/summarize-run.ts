import type {
  BatchResult,
  FailedBatch,
  FailedImageBatch,
  RecoveryPointRef,
  RunFailure,
  SummarizeRunEvent,
} from '../core/volume-backup-state.js';

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
  snapshotsCreated: number;
  copiesCreated: number;
  imagesCreated: number;
  imageCopiesCreated: number;
  exportsCreated: number;
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
  for (const result of event.volumeResults) {
    if ('batchError' in result)
      volumeFailures.push(...failedBatchFailures(result, run.primaryRegion));
    else collect(result, volumeFailures);
  }
  for (const result of event.imageResults) {
    if ('batchError' in result)
      instanceFailures.push(...failedBatchFailures(result, run.primaryRegion));
    else collect(result, instanceFailures);
  }
  function collect(result: BatchResult, into: RunFailure[]) {
    into.push(...result.failures);
    points.push(...result.recoveryPoints);
  }

  const failures = [...discovery.failures, ...volumeFailures, ...instanceFailures];
  const recoveryPointsByRegion: Record<string, RecoveryPointRef[]> = {};
  for (const point of points) (recoveryPointsByRegion[point.region] ??= []).push(point);
  const failedVolumes = new Set(volumeFailures.map((failure) => failure.sourceId));
  const failedInstances = new Set(instanceFailures.map((failure) => failure.sourceId));
  const volumes = {
    optedIn: discovery.optedIn,
    selected: discovery.selected,
    excluded: discovery.excluded,
    succeeded: Math.max(0, discovery.selected - failedVolumes.size),
    // Discovery failures are volumes that were never selected; they count as failed too.
    failed: new Set([...failedVolumes, ...discovery.failures.map((failure) => failure.sourceId)])
      .size,
  };
  const instances = {
    optedIn: discovery.instancesOptedIn,
    selected: discovery.instancesSelected,
    succeeded: Math.max(0, discovery.instancesSelected - failedInstances.size),
    failed: failedInstances.size,
  };
  const selected = volumes.selected + instances.selected;
  const succeeded = volumes.succeeded + instances.succeeded;
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
    snapshotsCreated: count('volume-snapshot', false),
    copiesCreated: count('volume-snapshot', true),
    imagesCreated: count('image', false),
    imageCopiesCreated: count('image', true),
    exportsCreated: count('image-export', false),
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

import type { RecoveryPoint } from '../core/recovery-point.js';
import type { BatchResult, BatchState, SnapshotWork } from '../core/run-state/volume-batch.js';
import type { RunFailure } from '../core/run-state/backup-run.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import { availableRefs, workFacts } from './recovery-point-facts.js';

/**
 * Last step of a batch: indexes every snapshot and copy the batch made (failed ones too, when
 * they exist, so the catalog shows them) and returns a compact result for the run summary.
 */
export async function recordRecoveryPoints(
  state: BatchState,
  catalog: RecoveryPointCatalog,
): Promise<BatchResult> {
  const { run } = state;
  const points: RecoveryPoint[] = [];
  const failures: RunFailure[] = [];

  for (const item of state.items) {
    const { snapshot } = item;
    if (snapshot.id) {
      points.push(toPoint(snapshot, { region: run.primaryRegion, expiresAt: run.expiresAt }));
    }
    if (snapshot.status === 'failed')
      failures.push(toFailure(item.volumeId, 'snapshot', run.primaryRegion, snapshot));
    for (const copy of item.copies) {
      const target = run.copyTargets.find((candidate) => candidate.region === copy.region);
      if (copy.id) {
        points.push({
          ...toPoint(copy, { region: copy.region, expiresAt: target?.expiresAt ?? run.expiresAt }),
          copyOf: { id: snapshot.id ?? '', region: run.primaryRegion },
        });
      }
      if (copy.status === 'failed')
        failures.push(toFailure(item.volumeId, 'copy', copy.region, copy));
    }

    function toPoint(
      work: SnapshotWork,
      where: { region: string; expiresAt: string },
    ): RecoveryPoint {
      return {
        id: work.id ?? '',
        kind: 'volume-snapshot',
        sourceId: item.volumeId,
        region: where.region,
        policy: run.policyName,
        runId: run.runId,
        createdAt: run.startedAt,
        expiresAt: where.expiresAt,
        ...workFacts(work),
      };
    }
  }

  await catalog.put(points);
  return {
    batchIndex: state.batchIndex,
    volumeIds: state.items.map((item) => item.volumeId),
    recoveryPoints: availableRefs(points),
    failures,
  };
}

function toFailure(
  sourceId: string,
  stage: RunFailure['stage'],
  region: string,
  work: SnapshotWork,
): RunFailure {
  return {
    sourceId,
    stage,
    region,
    name: work.error?.name ?? 'UnknownError',
    message: work.error?.message ?? `${stage} of ${sourceId} failed without a reason`,
  };
}

import { formatCopyOf, type RecoveryPoint } from '../core/recovery-point.js';
import type { RecoveryPointRef } from '../core/run-state/backup-run.js';
import type { SnapshotWork } from '../core/run-state/volume-batch.js';

/** What a piece of work says about the recovery point it made: its state and the facts observed. */
export function workFacts(
  work: SnapshotWork,
): Pick<RecoveryPoint, 'state'> & Partial<RecoveryPoint> {
  return {
    state:
      work.status === 'completed' ? 'available' : work.status === 'failed' ? 'failed' : 'creating',
    ...(work.sizeGiB !== undefined ? { sizeGiB: work.sizeGiB } : {}),
    ...(work.encrypted !== undefined ? { encrypted: work.encrypted } : {}),
    ...(work.kmsKeyId ? { kmsKeyId: work.kmsKeyId } : {}),
    ...(work.error ? { failure: work.error } : {}),
  };
}

/** The compact references a batch result carries: available points only. */
export function availableRefs(points: readonly RecoveryPoint[]): RecoveryPointRef[] {
  return points
    .filter((point) => point.state === 'available')
    .map((point) => ({
      id: point.id,
      region: point.region,
      sourceId: point.sourceId,
      kind: point.kind,
      ...(point.copyOf ? { copyOf: formatCopyOf(point.copyOf) } : {}),
    }));
}

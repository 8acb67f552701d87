import type { VolumeRestoreState } from '../core/run-state/restore-run.js';
import { recordProgress, type RestoreRecording } from './restore/restore-progress.js';

/** Volume restore, last state: COMPLETED with its completion time. */
export async function finishVolumeRestore(
  event: VolumeRestoreState,
  recording: RestoreRecording,
): Promise<{ restoreId: string; status: 'COMPLETED'; volumeId: string }> {
  await recordProgress(
    event.restoreId,
    { status: 'COMPLETED', completedAt: recording.clock().toISOString() },
    recording,
  );
  return { restoreId: event.restoreId, status: 'COMPLETED', volumeId: event.volumeId };
}

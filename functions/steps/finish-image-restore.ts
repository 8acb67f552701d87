import type { ImageRestoreState } from '../core/run-state/restore-run.js';
import { recordProgress, type RestoreRecording } from './restore/restore-progress.js';

/** Image restore, last state: COMPLETED with its completion time. */
export async function finishImageRestore(
  event: ImageRestoreState,
  recording: RestoreRecording,
): Promise<{ restoreId: string; status: 'COMPLETED'; imageId: string }> {
  await recordProgress(
    event.restoreId,
    { status: 'COMPLETED', completedAt: recording.clock().toISOString() },
    recording,
  );
  return { restoreId: event.restoreId, status: 'COMPLETED', imageId: event.imageId };
}

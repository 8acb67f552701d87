import type { VolumeRestoreInput } from '../core/run-state/restore-run.js';
import { recordProgress, type RestoreRecording } from './restore/restore-progress.js';

/** Volume restore, first state: the record says RUNNING (unless the restore was cancelled meanwhile). */
export async function beginVolumeRestore(
  event: VolumeRestoreInput,
  recording: RestoreRecording,
): Promise<VolumeRestoreInput> {
  await recordProgress(event.restoreId, { status: 'RUNNING' }, recording);
  return event;
}

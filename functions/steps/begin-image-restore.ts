import type { ImageRestoreInput } from '../core/run-state/restore-run.js';
import { recordProgress, type RestoreRecording } from './restore/restore-progress.js';

/** Image restore, first state: the record says RUNNING (unless the restore was cancelled meanwhile). */
export async function beginImageRestore(
  event: ImageRestoreInput,
  recording: RestoreRecording,
): Promise<ImageRestoreInput> {
  await recordProgress(event.restoreId, { status: 'RUNNING' }, recording);
  return event;
}

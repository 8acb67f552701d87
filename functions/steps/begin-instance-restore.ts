import type { InstanceRestoreInput } from '../core/run-state/restore-run.js';
import { recordProgress, type RestoreRecording } from './restore/restore-progress.js';

/** Instance restore, first state: the record says RUNNING (unless the restore was cancelled meanwhile). */
export async function beginInstanceRestore(
  event: InstanceRestoreInput,
  recording: RestoreRecording,
): Promise<InstanceRestoreInput> {
  await recordProgress(event.restoreId, { status: 'RUNNING' }, recording);
  return event;
}

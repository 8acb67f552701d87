import type { ObjectsRestoreFailureEvent } from '../core/run-state/objects-restore-run.js';
import { failureOf, recordFailure, type RestoreRecording } from './restore/restore-progress.js';

/**
 * Objects restore, the Catch's end: records the error by name. It deletes nothing: every object
 * the restore wrote was absent from the target (or, with overwrite-if-different, provably
 * different and replaced on condition), so it is the backup's data where there was none or where
 * the caller asked for it; deleting it again would need a listing of the whole target (object
 * tags cannot be searched) and, in a live bucket, could race with new writes. The record's
 * `objects` resource says how many were written.
 */
export async function failObjectsRestore(
  event: ObjectsRestoreFailureEvent,
  recording: RestoreRecording,
): Promise<{ restoreId: string; status: 'FAILED'; error: string }> {
  await recordFailure(event.restoreId, failureOf(event.error), [], recording);
  return { restoreId: event.restoreId, status: 'FAILED', error: event.error.Error };
}

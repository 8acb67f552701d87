import {
  emptyTally,
  type ObjectsRestoreInput,
  type ObjectsRestoreState,
} from '../core/run-state/objects-restore-run.js';
import { progressOf } from '../core/restore/objects-restore-tally.js';
import { recordProgress, type RestoreRecording } from './restore/restore-progress.js';

/**
 * Objects restore, first state: the record says RUNNING (unless the restore was cancelled
 * meanwhile), and the turn state starts with the survey of the selection.
 */
export async function beginObjectsRestore(
  event: ObjectsRestoreInput,
  recording: RestoreRecording,
): Promise<ObjectsRestoreState> {
  const state: ObjectsRestoreState = {
    ...event,
    phase: 'survey',
    turns: 0,
    selected: { objects: 0, bytes: 0 },
    tally: emptyTally(),
    named: { conflicts: [], undetermined: [], failures: [] },
  };
  await recordProgress(
    event.restoreId,
    { status: 'RUNNING', progress: { ...progressOf(state), ...manifestTotals(event) } },
    recording,
  );
  return state;
}

/** Until the survey has counted the selection, the whole manifest bounds it. */
function manifestTotals({ request, recoveryPoint }: ObjectsRestoreInput) {
  const everything =
    !request.prefixes?.length && !request.include?.length && !request.exclude?.length;
  const manifest = recoveryPoint.manifest;
  return everything && manifest ? { total: manifest.objects, bytesTotal: manifest.bytes } : {};
}

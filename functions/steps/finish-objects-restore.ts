import { restoreFailures } from '../core/restore/objects-restore-tally.js';
import type {
  ObjectsRestoreState,
  ObjectsRestoreTally,
} from '../core/run-state/objects-restore-run.js';
import { recordProgress, type RestoreRecording } from './restore/restore-progress.js';

export interface ObjectsRestoreSummary {
  restoreId: string;
  status: 'COMPLETED' | 'FAILED';
  target: string;
  selected: { objects: number; bytes: number };
  tally: ObjectsRestoreTally;
  turns: number;
}

/**
 * Objects restore, last state: COMPLETED when every selected object was restored or rightly left
 * (skip, identical); FAILED, with each reason by name, when existing keys met `fail`, objects
 * could not be compared (left as they are), or copies failed. What was written is kept either
 * way: every object written was absent from the target or provably different, at the manifest's
 * version, and is listed in the record as the one `objects` resource with its count.
 */
export async function finishObjectsRestore(
  state: ObjectsRestoreState,
  recording: RestoreRecording,
): Promise<ObjectsRestoreSummary> {
  const errors = restoreFailures(state);
  const status = errors.length > 0 ? 'FAILED' : 'COMPLETED';
  await recordProgress(
    state.restoreId,
    { status, errors, completedAt: recording.clock().toISOString() },
    recording,
  );
  const { bucket, prefix = '' } = state.request.target;
  return {
    restoreId: state.restoreId,
    status,
    target: `s3://${bucket}/${prefix}`,
    selected: state.selected,
    tally: state.tally,
    turns: state.turns,
  };
}

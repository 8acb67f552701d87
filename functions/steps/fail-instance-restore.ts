import type { RestoreFailureEvent } from '../core/run-state/restore-run.js';
import type { InstanceRestoreTarget } from '../ports/instance-restore-target.js';
import type { VolumeRestoreTarget } from '../ports/volume-restore-target.js';
import { cleanUpRestore } from './restore/clean-up-restore.js';
import { failureOf, recordFailure, type RestoreRecording } from './restore/restore-progress.js';

export interface FailInstanceRestoreDeps extends RestoreRecording {
  instances: InstanceRestoreTarget;
  volumes: VolumeRestoreTarget;
}

/**
 * Instance restore, the Catch's end: records the error by name and terminates what the restore
 * launched (found by tag; its volumes go with it), a machine that failed its verification too:
 * a FAILED restore leaves nothing running (the record keeps the verification's checks as
 * evidence), and a new request restores again from the same image.
 */
export async function failInstanceRestore(
  event: RestoreFailureEvent,
  deps: FailInstanceRestoreDeps,
): Promise<{ restoreId: string; status: 'FAILED'; error: string }> {
  const cleanedUp = await cleanUpRestore(event.restoreId, event.region, {
    instances: deps.instances,
    volumes: deps.volumes,
  });
  await recordFailure(event.restoreId, failureOf(event.error), cleanedUp, deps);
  return { restoreId: event.restoreId, status: 'FAILED', error: event.error.Error };
}

import { type RestoreFailureEvent } from '../core/run-state/restore-run.js';
import type { VolumeRestoreTarget } from '../ports/volume-restore-target.js';
import { cleanUpRestore, noRestoreInstances } from './restore/clean-up-restore.js';
import { failureOf, recordFailure, type RestoreRecording } from './restore/restore-progress.js';

export interface FailVolumeRestoreDeps extends RestoreRecording {
  volumes: VolumeRestoreTarget;
}

/**
 * Volume restore, the Catch's end: records the error by name and removes what the restore made
 * (found by tag), attached or not. A failed volume restore keeps nothing: a volume that became
 * available but could not be attached is not what was asked for, and a retry with a new
 * Idempotency-Key makes it again from the same snapshot, while a volume left behind would be
 * an unrequested copy of the data with nobody to look after it.
 */
export async function failVolumeRestore(
  event: RestoreFailureEvent,
  deps: FailVolumeRestoreDeps,
): Promise<{ restoreId: string; status: 'FAILED'; error: string }> {
  const cleanedUp = await cleanUpRestore(event.restoreId, event.region, {
    instances: noRestoreInstances,
    volumes: deps.volumes,
    account: (await deps.store.get(event.restoreId))?.createdResources[0]?.arn.split(':')[4],
  });
  await recordFailure(event.restoreId, failureOf(event.error), cleanedUp, deps);
  return { restoreId: event.restoreId, status: 'FAILED', error: event.error.Error };
}

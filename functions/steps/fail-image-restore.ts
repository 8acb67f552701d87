import type { RestoreFailureEvent } from '../core/run-state/restore-run.js';
import type { ImageRestoreTarget } from '../ports/image-restore-target.js';
import {
  cleanUpRestore,
  noRestoreInstances,
  noRestoreVolumes,
} from './restore/clean-up-restore.js';
import { failureOf, recordFailure, type RestoreRecording } from './restore/restore-progress.js';

export interface FailImageRestoreDeps extends RestoreRecording {
  images: ImageRestoreTarget;
}

/**
 * Image restore, the Catch's end: records the error by name and deregisters the image the
 * restore made (found by tag): a FAILED restore keeps nothing, and the export it came from is
 * still there to restore from again.
 */
export async function failImageRestore(
  event: RestoreFailureEvent,
  deps: FailImageRestoreDeps,
): Promise<{ restoreId: string; status: 'FAILED'; error: string }> {
  const cleanedUp = await cleanUpRestore(event.restoreId, event.region, {
    instances: noRestoreInstances,
    volumes: noRestoreVolumes,
    images: deps.images,
  });
  await recordFailure(event.restoreId, failureOf(event.error), cleanedUp, deps);
  return { restoreId: event.restoreId, status: 'FAILED', error: event.error.Error };
}

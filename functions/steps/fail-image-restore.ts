import type { CreatedResource } from '../core/restore/restore-record.js';
import type { RestoreFailureEvent } from '../core/run-state/restore-run.js';
import type { ImageRestoreTarget } from '../ports/image-restore-target.js';
import {
  ec2Arn,
  failureOf,
  recordFailure,
  type RestoreRecording,
} from './restore/restore-progress.js';

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
  const cleanedUp = await deregisterRestoredImages(event.restoreId, event.region, deps.images);
  await recordFailure(event.restoreId, failureOf(event.error), cleanedUp, deps);
  return { restoreId: event.restoreId, status: 'FAILED', error: event.error.Error };
}

/** Deregisters every image tagged with the restore id; each reported with `cleanedUp` (the cancel API's too). */
export async function deregisterRestoredImages(
  restoreId: string,
  region: string,
  images: Pick<ImageRestoreTarget, 'findRestoreImages' | 'deregister'>,
): Promise<CreatedResource[]> {
  const cleaned: CreatedResource[] = [];
  for (const image of await images.findRestoreImages(restoreId)) {
    const removed = await images.deregister(image.imageId).then(
      () => true,
      () => false,
    );
    cleaned.push({
      type: 'image',
      id: image.imageId,
      arn: ec2Arn(region, '', 'image', image.imageId),
      region,
      cleanedUp: removed,
    });
  }
  return cleaned;
}

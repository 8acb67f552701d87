import { startRestorePoll } from '../core/restore/restore-poll.js';
import {
  asRecoveryPoint,
  type ImageRestoreInput,
  type ImageRestoreState,
} from '../core/run-state/restore-run.js';
import type { ImageRestoreTarget } from '../ports/image-restore-target.js';
import { restoreImageRequest } from './restore/image-preflight.js';
import {
  ec2Arn,
  recordCreated,
  recordProgress,
  type RestoreRecording,
} from './restore/restore-progress.js';

export interface CreateRestoredImageDeps extends RestoreRecording {
  images: ImageRestoreTarget;
}

/**
 * Restores the image from the STORE_TASK export's object (CreateRestoreImageTask), tagged by the
 * same call. CreateRestoreImageTask has no ClientToken: a retry adopts the image this restore
 * already made, found by its `backup:restore-id` tag, and the default name (restored-<restoreId>)
 * is one EC2 would refuse twice. The image is on the record before the step returns.
 */
export async function createRestoredImage(
  event: ImageRestoreInput,
  deps: CreateRestoredImageDeps,
): Promise<ImageRestoreState> {
  await recordProgress(event.restoreId, {}, deps);
  const point = asRecoveryPoint(event.recoveryPoint);
  const [existing] = await deps.images.findRestoreImages(event.restoreId);
  const imageId =
    existing?.imageId ??
    (await deps.images.createRestoredImage(
      restoreImageRequest(event.restoreId, event.request, point),
    ));
  // Image ARNs name no account (arn:aws:ec2:<region>::image/<id>).
  await recordCreated(
    event.restoreId,
    [
      {
        type: 'image',
        id: imageId,
        arn: ec2Arn(event.region, '', 'image', imageId),
        region: event.region,
      },
    ],
    deps,
  );
  return { ...event, imageId, phase: 'creating', poll: startRestorePoll() };
}

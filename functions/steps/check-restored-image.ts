import { nextRestorePoll } from '../core/restore/restore-poll.js';
import type { ImageRestoreState } from '../core/run-state/restore-run.js';
import {
  RestoredResourceFailedError,
  RestoreTimedOutError,
} from '../ports/errors/restore-run-errors.js';
import type { ImageRestoreTarget } from '../ports/image-restore-target.js';

/** One poll of the restored image (the ASL waits between polls): `available` ends the wait; failed or gone fails the restore. */
export async function checkRestoredImage(
  event: ImageRestoreState,
  deps: { images: ImageRestoreTarget },
): Promise<ImageRestoreState> {
  const image = await deps.images.describeImage(event.imageId);
  if (!image || ['failed', 'invalid', 'deregistered', 'error'].includes(image.state)) {
    throw new RestoredResourceFailedError(event.imageId, image?.state ?? 'gone');
  }
  if (image.state === 'available') return { ...event, phase: 'done' };
  const { poll, timedOut } = nextRestorePoll(event.poll);
  if (timedOut) throw new RestoreTimedOutError(event.imageId, 'available', poll.waitedSeconds);
  return { ...event, poll };
}

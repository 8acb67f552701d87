import { nextRestorePoll } from '../core/restore/restore-poll.js';
import type { VolumeRestoreState } from '../core/run-state/restore-run.js';
import {
  RestoredResourceFailedError,
  RestoreTimedOutError,
} from '../ports/errors/restore-run-errors.js';
import type { RestoredVolume, VolumeRestoreTarget } from '../ports/volume-restore-target.js';

/**
 * One poll of the restored volume (the ASL waits between polls): `creating` until EC2 says
 * available (then `attach` if the request attaches it, else `done`), `attaching` until the
 * attachment is attached. A volume in `error`, or gone, fails the restore; so does a wait past
 * its maximum (functions/core/restore/restore-poll.ts).
 */
export async function checkRestoredVolume(
  event: VolumeRestoreState,
  deps: { volumes: VolumeRestoreTarget },
): Promise<VolumeRestoreState> {
  const volume = await deps.volumes.describeVolume(event.volumeId);
  if (!volume || ['error', 'deleting', 'deleted'].includes(volume.state)) {
    throw new RestoredResourceFailedError(event.volumeId, volume?.state ?? 'gone');
  }
  if (settled(event, volume)) {
    const attach = event.phase === 'creating' && event.request.target.attach !== undefined;
    return { ...event, phase: attach ? 'attach' : 'done' };
  }
  const { poll, timedOut } = nextRestorePoll(event.poll);
  if (timedOut) {
    throw new RestoreTimedOutError(
      event.volumeId,
      event.phase === 'creating' ? 'available' : 'attached',
      poll.waitedSeconds,
    );
  }
  return { ...event, poll };
}

function settled(event: VolumeRestoreState, volume: RestoredVolume): boolean {
  if (event.phase === 'creating') return volume.state === 'available';
  const instanceId = event.request.target.attach?.instanceId;
  return volume.attachments.some(
    (attachment) => attachment.instanceId === instanceId && attachment.state === 'attached',
  );
}

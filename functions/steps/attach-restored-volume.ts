import { startRestorePoll } from '../core/restore/restore-poll.js';
import type { VolumeRestoreState } from '../core/run-state/restore-run.js';
import type { VolumeRestoreTarget } from '../ports/volume-restore-target.js';
import {
  recordCreated,
  recordProgress,
  type RestoreRecording,
} from './restore/restore-progress.js';

export interface AttachRestoredVolumeDeps extends RestoreRecording {
  volumes: VolumeRestoreTarget;
}

/**
 * Attaches the available restored volume to the request's instance and device, and records the
 * attachment (type `volume-attachment`, id `<volume>:<instance>:<device>`). A retry that finds
 * the attachment already made does not attach again.
 */
export async function attachRestoredVolume(
  event: VolumeRestoreState,
  deps: AttachRestoredVolumeDeps,
): Promise<VolumeRestoreState> {
  const attach = event.request.target.attach;
  if (!attach) return { ...event, phase: 'done' };
  await recordProgress(event.restoreId, {}, deps);
  const volume = await deps.volumes.describeVolume(event.volumeId);
  const attached = volume?.attachments.some(
    (attachment) => attachment.instanceId === attach.instanceId,
  );
  if (!attached) await deps.volumes.attachVolume(event.volumeId, attach.instanceId, attach.device);
  const volumeArn = (await deps.store.get(event.restoreId))?.createdResources.find(
    (resource) => resource.id === event.volumeId,
  )?.arn;
  await recordCreated(
    event.restoreId,
    [
      {
        type: 'volume-attachment',
        id: `${event.volumeId}:${attach.instanceId}:${attach.device}`,
        arn: volumeArn ?? event.volumeId,
        region: event.region,
      },
    ],
    deps,
  );
  return { ...event, phase: 'attaching', poll: startRestorePoll() };
}

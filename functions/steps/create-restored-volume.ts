import { RestoreValidationError } from '../core/restore/restore-errors.js';
import { startRestorePoll } from '../core/restore/restore-poll.js';
import {
  asRecoveryPoint,
  type VolumeRestoreInput,
  type VolumeRestoreState,
} from '../core/run-state/restore-run.js';
import type { VolumeRestoreTarget } from '../ports/volume-restore-target.js';
import { createVolumeRequest } from './restore/volume-preflight.js';
import {
  ec2Arn,
  recordCreated,
  recordProgress,
  type RestoreRecording,
} from './restore/restore-progress.js';

export interface CreateRestoredVolumeDeps extends RestoreRecording {
  volumes: VolumeRestoreTarget;
}

/**
 * Creates the restored volume: from the snapshot, encrypted, with its tags applied by the same
 * call (functions/core/restore/restored-tags.ts), ClientToken = restoreId. Safe to repeat: a
 * volume this restore already made (found by its `backup:restore-id` tag: moto, unlike EC2,
 * ignores ClientToken) is adopted, not made again. The volume is on the record before the step
 * returns, so a cancel finds it even if the workflow stops right after.
 */
export async function createRestoredVolume(
  event: VolumeRestoreInput,
  deps: CreateRestoredVolumeDeps,
): Promise<VolumeRestoreState> {
  await recordProgress(event.restoreId, {}, deps);
  const point = asRecoveryPoint(event.recoveryPoint);
  const snapshot = await deps.volumes.describeSnapshot(point.id);
  if (!snapshot) {
    throw new RestoreValidationError([
      {
        path: 'recoveryPointId',
        code: 'snapshot-not-found',
        message: `snapshot ${point.id} does not exist in ${event.region}`,
      },
    ]);
  }
  const [existing] = await deps.volumes.findRestoreVolumes(event.restoreId);
  const volume =
    existing ??
    (await deps.volumes.createVolume(
      createVolumeRequest(event.restoreId, event.request, point, snapshot),
    ));
  await recordCreated(
    event.restoreId,
    [
      {
        type: 'volume',
        id: volume.volumeId,
        arn: ec2Arn(event.region, snapshot.ownerId, 'volume', volume.volumeId),
        region: event.region,
      },
    ],
    deps,
  );
  return { ...event, volumeId: volume.volumeId, phase: 'creating', poll: startRestorePoll() };
}
